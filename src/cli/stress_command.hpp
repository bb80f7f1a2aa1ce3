// `memharness stress [NAME...]`: the protocols' stress variants on this
// machine's cores (stress/), each in a process of its own, within a budget.
// The per-protocol binaries (memharness-stress-<protocol>) run the same
// command restricted to their protocol.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace mh::cli {

struct StressOptions {
  std::vector<std::string> names;  // "protocol", "protocol/variant" or "variant"; empty: all
  std::string budget = "10s";
  int threads = 0;  // 0: one per CPU
  std::string affinity = "distinct-cores";
  std::string seed = "1";
  bool list = false;
  bool stop_at_first_failure = false;
  bool quiet_progress = false;
  std::string json;
  std::string protocol;  // set by a per-protocol binary: only its variants
};

void add_stress_options(CLI::App& command, StressOptions& options);

int run_stress_command(const StressOptions& options);

// For `memharness all`: every variant within `budget` seconds; records are
// the `stress` records of docs/results.md.
struct StressSummary {
  nlohmann::json records = nlohmann::json::array();
  int passed = 0, failed = 0, found = 0, not_found = 0, clean = 0, not_run = 0;
  int interrupted_by = 0;  // the signal that stopped the run (SIGINT, SIGTERM), or 0
};
StressSummary run_stress_suite(const std::vector<std::string>& names, double budget, int threads,
                               std::ostream& out, bool progress_line,
                               const std::function<void(const nlohmann::json&)>& record_done);

}  // namespace mh::cli
