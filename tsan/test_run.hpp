// One test of the TSan suite run under ThreadSanitizer: a subprocess with
// TSAN_OPTIONS set (stop at the first report, a fixed exit code, no exit
// delay, reports into log files), re-run a few times when a race is expected
// and not reported (races are timing-dependent), judged against its
// expectation, and turned into a `tsan` record (docs/results.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tsan/expectations.hpp"

namespace mh::tsan {

struct RunSettings {
  std::string self;                  // this binary (TSan-built): runs litmus and stress tests
  std::string probe_dir;             // where memharness-tsan-probe-* are
  std::string work_dir;              // log files go here (one folder per test)
  int runs = 3;                      // attempts at an expected race
  std::uint64_t iterations = 20000;  // per litmus test
  std::string stress_budget = "2s";
  double timeout_seconds = 120;  // per attempt: a hang becomes an error
  // Asked while a test runs: true ends its process group at once (Ctrl-C).
  bool (*interrupted)() = nullptr;
};

struct TestOutcome {
  std::string observed;  // "race", "clean", "warning" (another TSan warning), "error"
  bool as_expected = false;
  int runs = 0;
  double seconds = 0;  // all attempts
  std::vector<std::string> warnings;
  std::string report;  // the first TSan report: the evidence
  std::string error;   // why an attempt failed without a report
  std::vector<std::string> command;
};

// The command line that runs `test` under `settings`.
std::vector<std::string> command_for(const Expectation& test, const RunSettings& settings);

TestOutcome run_under_tsan(const Expectation& test, const RunSettings& settings);

// The record of a test the suite's --budget did not reach: verdict and
// observed "not-run", no runs.
nlohmann::json not_run_record(const Expectation& test);
nlohmann::json tsan_record(const Expectation& test, const TestOutcome& outcome);

// The TSAN_OPTIONS of every attempt, logging to `log_prefix`.<pid>.
std::string tsan_options(const std::string& log_prefix);

}  // namespace mh::tsan
