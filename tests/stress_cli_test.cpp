// `memharness stress` as a user runs it: the table and the evidence, the
// results records, the budget kept, bad usage refused before anything runs,
// an interrupted run that leaves nothing behind, and the per-protocol
// binaries.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

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

// Names in /dev/shm whose process is gone: what a run failed to clean up
// (names of processes still running belong to tests running beside this one).
std::vector<std::string> orphaned_shm_names() {
  std::vector<std::string> orphans;
  for (const auto& entry : fs::directory_iterator("/dev/shm")) {
    std::string name = entry.path().filename().string();
    if (name.rfind("sem.", 0) == 0) name = name.substr(4);
    if (name.rfind("memharness-", 0) != 0) continue;
    const long pid = std::strtol(name.c_str() + std::strlen("memharness-"), nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
      orphans.push_back(entry.path().string());
  }
  return orphans;
}

// Processes carrying `marker` in their environment (inherited by every
// process a command forks).
int processes_with_marker(const std::string& marker) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream environ(entry.path() / "environ", std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(environ)), std::istreambuf_iterator<char>());
    if (text.find(marker) != std::string::npos) ++count;
  }
  return count;
}

// Starts `memharness stress ARGS...` with stdout on a pipe and `marker` in
// its environment; returns its pid and reads its output until `until` shows.
pid_t start_stress(const std::vector<std::string>& arguments, const std::string& marker,
                   const std::string& until, int& output_fd) {
  int output[2];
  if (::pipe(output) != 0) return -1;
  const pid_t command = ::fork();
  if (command == 0) {
    ::dup2(output[1], STDOUT_FILENO);
    const int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, STDERR_FILENO);
    ::close(output[0]);
    ::setenv("MEMHARNESS_TEST_MARKER", marker.c_str(), 1);
    std::vector<char*> argv{const_cast<char*>(MEMHARNESS_BINARY), const_cast<char*>("stress")};
    for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    ::execv(MEMHARNESS_BINARY, argv.data());
    ::_exit(127);
  }
  ::close(output[1]);
  output_fd = output[0];
  std::string seen;
  char buffer[4096];
  while (seen.find(until) == std::string::npos) {
    const ssize_t got = ::read(output_fd, buffer, sizeof buffer);
    if (got <= 0) break;
    seen.append(buffer, static_cast<std::size_t>(got));
  }
  return command;
}

void drain(int fd) {
  char buffer[4096];
  while (::read(fd, buffer, sizeof buffer) > 0) {
  }
  ::close(fd);
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

TEST_F(StressCliTest, AnInterruptedRunEndsPromptlyAndLeavesNothingBehind) {
  const std::string marker = "interrupted-" + std::to_string(::getpid());
  int output = -1;
  // The table's header is printed once the command handles SIGINT, just
  // before the first variant starts in its own process.
  const pid_t command =
      start_stress({"shm_semaphore", "--budget", "60s", "--no-progress"}, marker, "first failure", output);
  ASSERT_GT(command, 0);
  ASSERT_EQ(::kill(command, SIGINT), 0);
  const auto interrupted = std::chrono::steady_clock::now();
  drain(output);
  int status = 0;
  ASSERT_EQ(::waitpid(command, &status, 0), command);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - interrupted).count();
  EXPECT_LT(took, 2.0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGINT);
  // The variant's process group was killed and reaped before the exit.
  EXPECT_EQ(processes_with_marker(marker), 0);
  EXPECT_TRUE(orphaned_shm_names().empty());
}

TEST_F(StressCliTest, ACommandKilledOutrightTakesItsVariantsWithIt) {
  // SIGKILL leaves the command no chance to clean up: the variant's process
  // dies with it (PR_SET_PDEATHSIG) and its workers with that.
  const std::string marker = "killed-" + std::to_string(::getpid());
  int output = -1;
  const pid_t command = start_stress({"shm_semaphore/ring-named", "--budget", "60s", "--no-progress"}, marker,
                                     "first failure", output);
  ASSERT_GT(command, 0);
  ASSERT_EQ(::kill(command, SIGKILL), 0);
  ASSERT_EQ(::waitpid(command, nullptr, 0), command);
  drain(output);
  // Death signals are delivered asynchronously: wait for the last process
  // to go, up to a generous deadline.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (processes_with_marker(marker) > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  EXPECT_EQ(processes_with_marker(marker), 0);
  // Their names are the next run's to sweep.
  EXPECT_EQ(run("stress futex_mutex/take3 --budget 0.2s --no-progress").exit_code, 0);
  EXPECT_TRUE(orphaned_shm_names().empty());
}

TEST_F(StressCliTest, ABudgetTooSmallForEveryVariantRunsTheFirstAndSaysSo) {
  const auto started = std::chrono::steady_clock::now();
  const auto result = run("stress futex_mutex --budget 0.3s --no-progress");
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("futex_mutex/take1                            correct  pass"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("is too little for 10 variants (at least 0.1 s each)"), std::string::npos)
      << result.output;
  EXPECT_LT(wall, 2.0) << result.output;
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
