#include "cli/tsan_phase.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "report/results_reader.hpp"

extern char** environ;

namespace mh::cli {

namespace {

namespace fs = std::filesystem;

// Lines the suite prints per finished test start with "ok" or "FAIL".
int tests_finished(const std::string& log) {
  std::ifstream in(log);
  std::string line;
  int finished = 0;
  while (std::getline(in, line))
    if (line.rfind("ok ", 0) == 0 || line.rfind("FAIL ", 0) == 0) ++finished;
  return finished;
}

}  // namespace

std::string tsan_build_beside_this_one() {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (error || self.empty()) return "";
  const fs::path beside = self.parent_path().parent_path() / "tsan" / "memharness";
  if (!fs::exists(beside, error) || fs::equivalent(beside, self, error)) return "";
  return beside.string();
}

TsanPhase run_tsan_phase(const std::string& binary, const std::string& output_dir, double budget_seconds,
                         bool show_progress) {
  TsanPhase phase;
  phase.binary = binary;
  phase.log = (fs::path(output_dir) / "tsan.log").string();
  const std::string json = (fs::path(output_dir) / "tsan.json").string();
  std::error_code ignored;
  fs::remove(json, ignored);
  // The suite stops starting tests at its budget; a test already running
  // may take a second past it. Shorter runs than `memharness tsan`'s
  // defaults fit the whole suite in about 30 s on 2 cores, and every expected
  // race still shows (docs/performance.md, "The TSan suite").
  const std::string budget = fmt::format("{}s", std::max(1, static_cast<int>(budget_seconds) - 1));
  std::vector<std::string> args{binary, "tsan",         "--budget", budget,   "--stress-budget",
                                "0.5s", "--iterations", "5000",     "--json", json};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, phase.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    phase.error = fmt::format("cannot start {}: {}", binary, std::strerror(spawned));
    return phase;
  }
  phase.ran = true;
  const auto start = std::chrono::steady_clock::now();
  // A litmus test's own limit under TSan is 60 s plus three stress budgets.
  const double kill_after = budget_seconds + 70;
  int status = 0;
  bool killed = false;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    phase.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!killed && phase.seconds > kill_after) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    if (show_progress)
      std::cerr << fmt::format("\r\033[KTSan suite: {} tests done, {:.0f} s of {:.0f} s",
                               tests_finished(phase.log), phase.seconds, budget_seconds)
                << std::flush;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  phase.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (show_progress) std::cerr << "\r\033[K" << std::flush;
  if (killed) {
    phase.error = fmt::format("killed after {:.0f} s, far past its budget of {:.0f} s (its output: {})",
                              phase.seconds, budget_seconds, phase.log);
    return phase;
  }
  phase.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (phase.exit_code > 1) {
    phase.error = fmt::format("{} tsan exited with {} (its output: {})", binary, phase.exit_code, phase.log);
    return phase;
  }
  try {
    phase.records = report::read_results_file(json).results;
    fs::remove(json, ignored);
  } catch (const report::ResultsError& failure) {
    phase.error = failure.what();
  }
  return phase;
}

}  // namespace mh::cli
