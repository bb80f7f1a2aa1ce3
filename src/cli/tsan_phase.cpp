#include "cli/tsan_phase.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "report/results_reader.hpp"
#include "stress/supervisor.hpp"

extern char** environ;

namespace mh::cli {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// How long past its budget the suite may run before it is ended: a test
// started just before the budget ran out takes about a second.
constexpr double kGraceSeconds = 10;

// Lines the suite prints per finished test start with "ok" or "FAIL".
int tests_finished(const std::string& log) {
  std::ifstream in(log);
  std::string line;
  int finished = 0;
  while (std::getline(in, line))
    if (line.rfind("ok ", 0) == 0 || line.rfind("FAIL ", 0) == 0) ++finished;
  return finished;
}

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Ends the child's process group: SIGTERM lets the suite end its running
// test (a process group of its own) and exit; SIGKILL after 3 s if not.
int end_group(pid_t pid) {
  ::kill(-pid, SIGTERM);
  const auto asked = Clock::now();
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) return status;
    if (since(asked) > 3) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// The records the suite appended before it was stopped.
nlohmann::json finished_records(const std::string& partial) {
  std::error_code ignored;
  if (!fs::exists(partial, ignored)) return nlohmann::json::array();
  try {
    nlohmann::json records = report::read_results_file(partial).results;
    fs::remove(partial, ignored);
    return records;
  } catch (const report::ResultsError&) {
    return nlohmann::json::array();  // the suite's own failure record says enough
  }
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

nlohmann::json tsan_suite_record(const std::string& verdict, const std::string& why, double seconds) {
  return {{"kind", "tsan"},
          {"name", "tsan-suite"},
          {"test_kind", "suite"},
          {"verdict", verdict},
          {"expected", "clean"},
          {"observed", verdict == "not-run" ? "not-run" : "error"},
          {"model", "ok"},
          {"model_source", "memharness all"},
          {"blind_spot", nullptr},
          {"differs_from_model", false},
          {"reason", "the TSan suite as a whole: every test of it runs and gives its own record"},
          {"runs", 0},
          {"seconds", seconds},
          {"warnings", nlohmann::json::array()},
          {"report", nullptr},
          {"error", why},
          {"command", nullptr}};
}

TsanPhase run_tsan_phase(const std::string& binary, const std::string& output_dir, double budget_seconds,
                         bool show_progress) {
  TsanPhase phase;
  phase.binary = binary;
  phase.log = (fs::path(output_dir) / "tsan.log").string();
  const std::string json = (fs::path(output_dir) / "tsan.json").string();
  const std::string partial = json + ".partial.jsonl";
  std::error_code ignored;
  fs::remove(json, ignored);
  fs::remove(partial, ignored);
  // The suite stops starting tests at its budget. Shorter runs than
  // `memharness tsan`'s defaults fit the whole suite in about 30 s on 2
  // cores, and every expected race still shows (docs/performance.md).
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
  // A group of its own, so that ending it ends everything it started; the
  // terminal's Ctrl-C reaches `all`, which passes it on.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  const stress::InterruptGuard interrupt_guard;
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, binary.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) {
    phase.error = fmt::format("cannot start {}: {}", binary, std::strerror(spawned));
    phase.records.push_back(tsan_suite_record("fail", phase.error, 0));
    return phase;
  }
  phase.ran = true;
  const auto start = Clock::now();
  int status = 0;
  bool overdue = false;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) break;
    phase.seconds = since(start);
    if (stress::InterruptGuard::interrupted()) {
      end_group(pid);
      phase.interrupted_by = stress::InterruptGuard::signal_number();
      phase.records = finished_records(partial);
      if (show_progress) std::cerr << "\r\033[K" << std::flush;
      return phase;
    }
    if (phase.seconds > budget_seconds + kGraceSeconds) {
      status = end_group(pid);
      overdue = true;
      break;
    }
    if (show_progress)
      std::cerr << fmt::format("\r\033[KTSan suite: {} tests done, {:.0f} s of {:.0f} s",
                               tests_finished(phase.log), phase.seconds, budget_seconds)
                << std::flush;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  phase.seconds = since(start);
  if (show_progress) std::cerr << "\r\033[K" << std::flush;
  if (overdue) {
    phase.error =
        fmt::format("still running {:.0f} s after its budget of {:.0f} s ran out: ended; its output is in {}",
                    phase.seconds - budget_seconds, budget_seconds, phase.log);
    phase.records = finished_records(partial);
    phase.records.push_back(tsan_suite_record("fail", phase.error, phase.seconds));
    return phase;
  }
  phase.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (phase.exit_code > 1) {
    phase.error =
        fmt::format("{} tsan exited with {}; its output is in {}", binary, phase.exit_code, phase.log);
    phase.records = finished_records(partial);
    phase.records.push_back(tsan_suite_record("fail", phase.error, phase.seconds));
    return phase;
  }
  try {
    phase.records = report::read_results_file(json).results;
    fs::remove(json, ignored);
  } catch (const report::ResultsError& failure) {
    phase.error = failure.what();
    phase.records = finished_records(partial);
    phase.records.push_back(tsan_suite_record("fail", phase.error, phase.seconds));
  }
  return phase;
}

}  // namespace mh::cli
