// `memharness stress` as a user runs it: the table and the evidence, the
// results records, the budget kept, bad usage refused before anything runs,
// an interrupted run that leaves nothing behind, and the per-protocol
// binaries.
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

#include "command_run.hpp"

namespace {

namespace fs = std::filesystem;
using mh::testing::run;

class StressCliTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("memharness-stress-" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

int count_shm_names() {
  int names = 0;
  for (const auto& entry : fs::directory_iterator("/dev/shm")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("memharness-", 0) == 0 || name.rfind("sem.memharness-", 0) == 0) ++names;
  }
  return names;
}

TEST_F(StressCliTest, ListsEveryProtocolsVariants) {
  const auto result = run("stress --list");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const char* name : {"futex_mutex/take3 ", "futex_mutex/flag-handshake-no-fence ", "hunted on aarch64"})
    EXPECT_NE(result.output.find(name), std::string::npos) << name << "\n" << result.output;
}

TEST_F(StressCliTest, RunsVariantsAndWritesTheirRecords) {
  const fs::path json = dir_ / "stress.json";
  const auto started = std::chrono::steady_clock::now();
  const auto result = run(
      "stress futex_mutex/take3 take3-unlock-never-wakes --budget 2s --no-progress --json " + json.string());
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_LT(wall, 2.0 * 1.1 + 0.5) << result.output;
  // The table, then the evidence of the bug found: who sleeps, on what.
  EXPECT_NE(result.output.find("futex_mutex/take3                            correct  pass"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("found futex_mutex/take3-unlock-never-wakes:"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("in futex_wait(lock, 2)"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("Stress: 1 pass, 1 hunted bugs found"), std::string::npos) << result.output;

  std::ifstream in(json);
  const auto document = nlohmann::json::parse(in);
  ASSERT_EQ(document["results"].size(), 2u);
  EXPECT_TRUE(document["host"].contains("arch"));
  const auto& correct = document["results"][0];
  EXPECT_EQ(correct["kind"], "stress");
  EXPECT_EQ(correct["name"], "futex_mutex/take3");
  EXPECT_EQ(correct["expected"], "correct");
  EXPECT_EQ(correct["verdict"], "pass");
  EXPECT_GT(correct["operations"].get<double>(), 0);
  EXPECT_TRUE(correct["first_failure"].is_null());
  const auto& hunted = document["results"][1];
  EXPECT_EQ(hunted["verdict"], "found");
  EXPECT_EQ(hunted["first_failure"]["kind"], "hang");
  EXPECT_TRUE(hunted["hang"].is_string());
}

TEST_F(StressCliTest, BadUsageIsRefusedWithExitTwoAndNothingWritten) {
  const fs::path json = dir_ / "never.json";
  for (const std::string arguments :
       {"stress no-such-variant", "stress --budget 0", "stress --budget soon", "stress --threads -1",
        "stress --threads 100000", "stress --affinity sideways", "stress --seed -3",
        "stress --json /no/such/dir/out.json"}) {
    const auto result = run(arguments + " --json " + json.string());
    EXPECT_EQ(result.exit_code, 2) << arguments << "\n" << result.output;
    EXPECT_NE(result.output.find("memharness: "), std::string::npos) << result.output;
  }
  EXPECT_FALSE(fs::exists(json));
  const auto unknown = run("stress no-such-variant");
  EXPECT_NE(unknown.output.find("no stress variant or protocol named 'no-such-variant'"), std::string::npos)
      << unknown.output;
}

TEST_F(StressCliTest, AnInterruptedRunEndsPromptlyAndLeavesNoSharedMemoryNames) {
  const int before = count_shm_names();
  int output[2];
  ASSERT_EQ(::pipe(output), 0);
  const pid_t command = ::fork();
  if (command == 0) {
    ::dup2(output[1], STDOUT_FILENO);
    const int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, STDERR_FILENO);
    ::close(output[0]);
    ::execl(MEMHARNESS_BINARY, MEMHARNESS_BINARY, "stress", "shm_semaphore", "futex_mutex", "--budget", "60s",
            "--no-progress", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ASSERT_GT(command, 0);
  ::close(output[1]);
  // The table's header is printed once the command handles SIGINT, just
  // before the first variant starts in its own process.
  std::string seen;
  char buffer[4096];
  while (seen.find("first failure") == std::string::npos) {
    const ssize_t got = ::read(output[0], buffer, sizeof buffer);
    ASSERT_GT(got, 0) << seen;
    seen.append(buffer, static_cast<std::size_t>(got));
  }
  ASSERT_EQ(::kill(command, SIGINT), 0);
  const auto interrupted = std::chrono::steady_clock::now();
  while (::read(output[0], buffer, sizeof buffer) > 0) {
  }
  ::close(output[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(command, &status, 0), command);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - interrupted).count();
  EXPECT_LT(took, 2.0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_LE(count_shm_names(), before);
}

TEST_F(StressCliTest, EachProtocolHasABinaryOfItsOwn) {
  const std::string binary = std::string(MEMHARNESS_STRESS_BINARY_DIR) + "/memharness-stress-futex-mutex";
  FILE* pipe = ::popen((binary + " --list 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  EXPECT_EQ(::pclose(pipe), 0) << output;
  EXPECT_NE(output.find("futex_mutex/take3 "), std::string::npos) << output;
  EXPECT_EQ(output.find("pipe_handoff/"), std::string::npos) << output;
  EXPECT_EQ(output.find("shm_semaphore/"), std::string::npos) << output;
}

}  // namespace
