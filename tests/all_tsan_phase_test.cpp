// The TSan phase of `memharness all` when the TSan build misbehaves. A
// stand-in for build/tsan/memharness (a shell script beside a copy of this
// build's binary) fails, overruns its budget or is interrupted; each case
// must end as the docs say (docs/reports.md, "The main job"): a failure in
// the results and the report, never a hang, nothing left running.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

namespace {

namespace fs = std::filesystem;

class AllTsanPhaseTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("memharness-tsan-phase-" +
             std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "default");
    fs::create_directories(root_ / "tsan");
    // A copy, not a link: `all` finds the TSan build beside its own real path.
    fs::copy_file(MEMHARNESS_BINARY, root_ / "default" / "memharness");
    out_ = root_ / "out";
  }
  void TearDown() override { fs::remove_all(root_); }

  void fake_tsan_build(const std::string& body) {
    const fs::path script = root_ / "tsan" / "memharness";
    std::ofstream(script) << "#!/bin/sh\n" << body << "\n";
    fs::permissions(script, fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);
  }

  // `all` with only the TSan phase; returns its exit code, output in `output_`.
  int run_all(const std::string& budget) {
    const std::string command = (root_ / "default" / "memharness").string() + " all --budget " + budget +
                                " --skip litmus,models,hardware,stress -o " + out_.string() + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return -1;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output_.append(buffer, n);
    const int status = ::pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string read(const fs::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  nlohmann::json suite_record() {
    const auto doc = nlohmann::json::parse(std::ifstream(out_ / "results.json"));
    for (const auto& record : doc["results"])
      if (record["name"] == "tsan-suite") return record;
    return nullptr;
  }

  fs::path root_, out_;
  std::string output_;
};

TEST_F(AllTsanPhaseTest, ACrashedSuiteIsAFailureInTheReport) {
  fake_tsan_build("echo 'the TSan build is broken'; exit 3");
  EXPECT_EQ(run_all("20s"), 1) << output_;
  EXPECT_NE(output_.find("TSan: FAIL"), std::string::npos) << output_;
  EXPECT_NE(output_.find("exited with 3"), std::string::npos) << output_;
  const auto record = suite_record();
  ASSERT_TRUE(record.is_object()) << read(out_ / "results.json");
  EXPECT_EQ(record["verdict"], "fail");
  // The report says what the exit code says.
  EXPECT_NE(read(out_ / "summary.md").find("**1 failure**"), std::string::npos) << read(out_ / "summary.md");
  EXPECT_NE(read(out_ / "junit.xml").find("failures=\"1\""), std::string::npos);
  EXPECT_NE(read(out_ / "index.html").find("<body data-filter=\"failures\">"), std::string::npos);
  EXPECT_NE(read(out_ / "tsan.log").find("the TSan build is broken"), std::string::npos);
}

// A budget of 3 s for the phase: ended 10 s after it (docs/reports.md), so
// `all` returns within about 13 s instead of the 600 s the stand-in sleeps.
TEST_F(AllTsanPhaseTest, ASuiteOverItsBudgetIsEndedAndReported) {
  fake_tsan_build("exec sleep 600");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(run_all("3s"), 1) << output_;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 30) << output_;
  EXPECT_GE(seconds, 10) << output_;
  const auto record = suite_record();
  ASSERT_TRUE(record.is_object()) << read(out_ / "results.json");
  EXPECT_EQ(record["verdict"], "fail");
  EXPECT_NE(record["error"].get<std::string>().find("after its budget"), std::string::npos) << record;
}

// Less than 2 s left for it: recorded as not run, and not "all as expected".
TEST_F(AllTsanPhaseTest, NoBudgetLeftIsRecordedAsNotRun) {
  fake_tsan_build("exit 0");
  EXPECT_EQ(run_all("1s"), 1) << output_;
  const auto record = suite_record();
  ASSERT_TRUE(record.is_object()) << read(out_ / "results.json");
  EXPECT_EQ(record["verdict"], "not-run");
  EXPECT_NE(read(out_ / "summary.md").find("not established"), std::string::npos);
}

// Ctrl-C while the suite runs: `all` ends the suite's process group, says
// where the records are and exits 130; the stand-in is gone.
TEST_F(AllTsanPhaseTest, InterruptEndsTheSuite) {
  const fs::path pid_file = root_ / "suite.pid";
  fake_tsan_build("echo $$ > " + pid_file.string() + ".tmp; mv " + pid_file.string() + ".tmp " +
                  pid_file.string() + "; exec sleep 600");
  const std::string binary = (root_ / "default" / "memharness").string();
  const std::string log = (root_ / "all.log").string();
  const pid_t all = ::fork();
  ASSERT_GE(all, 0);
  if (all == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::execl(binary.c_str(), binary.c_str(), "all", "--budget", "60s", "--skip",
            "litmus,models,hardware,stress", "-o", out_.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Waiting for a condition the stand-in makes true, with a deadline: the
  // file appears once the suite runs.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!fs::exists(pid_file) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(fs::exists(pid_file)) << read(log);
  const pid_t suite = std::stoi(read(pid_file));
  ::kill(all, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(all, &status, 0), all);
  ASSERT_TRUE(WIFEXITED(status)) << read(log);
  EXPECT_EQ(WEXITSTATUS(status), 130) << read(log);
  EXPECT_NE(read(log).find("interrupted; the records so far are in"), std::string::npos) << read(log);
  EXPECT_EQ(::kill(suite, 0), -1) << "the stand-in suite is still running";
  EXPECT_FALSE(fs::exists(out_ / "results.json"));
}

}  // namespace
