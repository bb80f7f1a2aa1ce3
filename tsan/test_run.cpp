#include "tsan/test_run.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tsan/report_log.hpp"

namespace mh::tsan {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// TSan's exit code when it reported something (halt_on_error): distinct from
// the commands' own 0/1/2.
constexpr int kTsanExitCode = 66;

struct Attempt {
  int status = 0;  // waitpid status
  bool timed_out = false;
  std::string output;
  std::string spawn_error;
};

// Runs `command` with TSAN_OPTIONS in its own process group, output to a
// file; ends the group at `timeout`.
Attempt run_attempt(const std::vector<std::string>& command, const std::string& options,
                    const fs::path& output_file, double timeout, bool (*interrupted)()) {
  Attempt attempt;
  const pid_t child = ::fork();
  if (child < 0) {
    attempt.spawn_error = std::string("fork: ") + std::strerror(errno);
    return attempt;
  }
  if (child == 0) {
    ::setpgid(0, 0);
    const int fd = ::open(output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    ::setenv("TSAN_OPTIONS", options.c_str(), 1);
    std::vector<char*> argv;
    for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::fprintf(stderr, "cannot run %s: %s\n", argv[0], std::strerror(errno));
    ::_exit(127);
  }
  ::setpgid(child, child);
  const auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout));
  for (;;) {
    const pid_t done = ::waitpid(child, &attempt.status, WNOHANG);
    if (done == child) break;
    if (done < 0 && errno != EINTR) break;
    if (Clock::now() > deadline || (interrupted != nullptr && interrupted())) {
      attempt.timed_out = true;
      ::kill(-child, SIGKILL);
      ::waitpid(child, &attempt.status, 0);
      break;
    }
    // Polling a child: nothing else here can wait on a pid with a deadline.
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(-child, SIGKILL);  // whatever the command left in its group
  std::ifstream in(output_file);
  std::stringstream text;
  text << in.rdbuf();
  attempt.output = text.str();
  return attempt;
}

std::string last_lines(const std::string& text, int count) {
  std::size_t at = text.size();
  for (int n = 0; n <= count && at > 0; ++n) {
    const auto previous = text.rfind('\n', at - 1);
    if (previous == std::string::npos) return text;
    at = previous;
  }
  return text.substr(at + 1);
}

// Exit statuses of a run that went as the command intends (its verdict is
// not this suite's business: a hunted stress variant exits 1, for example).
bool normal_exit(TestKind kind, int status) {
  if (!WIFEXITED(status)) return false;
  const int code = WEXITSTATUS(status);
  return kind == TestKind::probe ? code == 0 : code == 0 || code == 1;
}

}  // namespace

std::string tsan_options(const std::string& log_prefix) {
  return fmt::format("halt_on_error=1:exitcode={}:atexit_sleep_ms=0:log_path={}", kTsanExitCode, log_prefix);
}

std::vector<std::string> command_for(const Expectation& test, const RunSettings& settings) {
  switch (test.kind) {
    case TestKind::litmus:
      return {settings.self, "litmus",  "run",          test.file,
              "--mode",      "barrier", "--iterations", std::to_string(settings.iterations),
              "--budget",    "60s",     "--no-progress"};
    case TestKind::stress:
      return {
          settings.self,          "stress",       test.name.substr(std::string("stress/").size()), "--budget",
          settings.stress_budget, "--no-progress"};
    case TestKind::probe: {
      // probe/PROGRAM[/CASE]: binary memharness-tsan-probe-PROGRAM, argument CASE.
      const std::string rest = test.name.substr(std::string("probe/").size());
      const auto slash = rest.find('/');
      std::vector<std::string> command{
          (fs::path(settings.probe_dir) / ("memharness-tsan-probe-" + rest.substr(0, slash))).string()};
      if (slash != std::string::npos) command.push_back(rest.substr(slash + 1));
      return command;
    }
  }
  return {};
}

TestOutcome run_under_tsan(const Expectation& test, const RunSettings& settings) {
  TestOutcome outcome;
  outcome.command = command_for(test, settings);
  std::string folder = test.name;
  for (char& c : folder)
    if (c == '/') c = '_';
  const fs::path dir = fs::path(settings.work_dir) / folder;
  const auto start = Clock::now();
  const int attempts = test.race_expected ? std::max(settings.runs, 1) : 1;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    std::error_code error;
    fs::remove_all(dir, error);
    fs::create_directories(dir, error);
    const std::string prefix = (dir / "tsan").string();
    const Attempt run = run_attempt(outcome.command, tsan_options(prefix), dir / "output.txt",
                                    settings.timeout_seconds, settings.interrupted);
    if (settings.interrupted != nullptr && settings.interrupted()) break;  // the caller discards this test
    outcome.runs = attempt;
    const ReportLog log = read_report_logs(prefix, run.output);
    outcome.warnings = log.warnings;
    outcome.report = log.first_report;
    outcome.error.clear();
    if (!run.spawn_error.empty()) {
      outcome.observed = "error";
      outcome.error = run.spawn_error;
    } else if (log.has_other_warning()) {
      outcome.observed = "warning";
    } else if (log.has_race()) {
      outcome.observed = "race";
    } else if (log.fatal || run.timed_out || !normal_exit(test.kind, run.status)) {
      outcome.observed = "error";
      outcome.error = run.timed_out ? fmt::format("no end after {:.0f} s: the process group was killed",
                                                  settings.timeout_seconds)
                      : WIFSIGNALED(run.status) ? fmt::format("killed by signal {}", WTERMSIG(run.status))
                                                : fmt::format("exit status {}", WEXITSTATUS(run.status));
      outcome.error += "; last output:\n" + last_lines(run.output, 12);
    } else {
      outcome.observed = "clean";
    }
    if (outcome.observed != "clean") break;  // a race, or something to look at
  }
  outcome.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  outcome.as_expected = outcome.observed == (test.race_expected ? "race" : "clean");
  return outcome;
}

nlohmann::json tsan_record(const Expectation& test, const TestOutcome& outcome) {
  std::string command;
  for (const std::string& arg : outcome.command) command += (command.empty() ? "" : " ") + arg;
  return {
      {"kind", "tsan"},
      {"name", test.name},
      {"test_kind", kind_name(test.kind)},
      {"verdict", outcome.as_expected ? "pass" : "fail"},
      {"expected", test.race_expected ? "race" : "clean"},
      {"observed", outcome.observed},
      {"model", test.model},
      {"model_source", test.model_source},
      {"blind_spot", test.blind_spot.empty() ? nlohmann::json(nullptr) : nlohmann::json(test.blind_spot)},
      {"differs_from_model", test.differs_from_model()},
      {"reason", test.reason},
      {"runs", outcome.runs},
      {"seconds", outcome.seconds},
      {"warnings", outcome.warnings},
      {"report", outcome.report.empty() ? nlohmann::json(nullptr) : nlohmann::json(outcome.report)},
      {"error", outcome.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(outcome.error)},
      {"command", command},
  };
}

nlohmann::json not_run_record(const Expectation& test) {
  TestOutcome outcome;
  outcome.observed = "not-run";
  outcome.runs = 0;
  outcome.seconds = 0;
  nlohmann::json record = tsan_record(test, outcome);
  record["verdict"] = "not-run";
  record["command"] = nullptr;
  return record;
}

}  // namespace mh::tsan
