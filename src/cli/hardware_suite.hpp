// Litmus tests on this machine's cores, each judged by its architecture's
// model: what `memharness litmus run` prints and what `memharness all` runs
// for the suite.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "litmus/ast.hpp"
#include "run/runner.hpp"

namespace mh::cli {

struct HardwareSettings {
  run::Mode mode = run::Mode::barrier;
  run::Placement placement = run::Placement::distinct_cores;
  int size = 1000;
  int stride = 128;
  int max_delay = 16;
  std::uint64_t seed = 1;
  std::uint64_t iterations = 0;  // per test; 0: the budget alone
};

struct HardwareOutcome {
  nlohmann::json records = nlohmann::json::array();  // litmus-hw records (docs/results.md)
  int passed = 0, failed = 0, skipped = 0, unjudged = 0;
  std::vector<std::string> failures;  // "file: why", one per failed test
  std::uint64_t weak_outcomes = 0;    // observed states that SC forbids
};

// Runs `tests` within `budget` seconds (shared evenly by the tests that can
// run here). `text`, when given, receives litmus7's output per test;
// `progress_line` writes a progress line on the terminal; `record_done`, when
// given, gets each record as it is made. Throws std::runtime_error when a
// test's native code cannot be built.
HardwareOutcome run_hardware_tests(const std::vector<litmus::Test>& tests, const HardwareSettings& settings,
                                   double budget, std::ostream* text, bool progress_line,
                                   const std::function<void(const nlohmann::json&)>& record_done);

}  // namespace mh::cli
