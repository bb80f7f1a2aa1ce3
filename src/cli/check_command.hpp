// `memharness check [MODEL...] [--list] [--json OUT] [--model rc11|sc]
//   [--mode optimal|random|bounded] [--seed N] [--bound P] [--max-executions N]
//   [--max-steps N] [--time-limit D] [--replay ID]`
// Model-checks registered models (MH_MODEL, models/) against the error each
// was registered to exhibit. docs/check-command.md is the user's guide.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mh::cli {

// Every search setting is optional: unset, the model's own registered
// option applies; set, it overrides that option for every model checked.
struct CheckCommandOptions {
  std::vector<std::string> models;          // empty: every registered model
  bool list = false;                        // print the models instead of checking them
  std::string json;                         // "" = no results file
  std::optional<std::string> memory_model;  // rc11, sc
  std::optional<std::string> mode;          // optimal, random, bounded
  std::optional<std::uint64_t> seed;
  std::optional<int> preemption_bound;
  std::optional<std::uint64_t> max_executions;
  std::optional<std::uint32_t> max_steps_per_thread;
  std::optional<std::string> time_limit;  // a duration: 90s, 2m, 1500ms
  std::optional<std::string> replay;      // an execution id; exactly one model
  bool traces = false;                    // print every error's trace, expected ones too
};

// Returns the exit code: 0 every model came out as registered, 1 one did not
// (or a bound stopped its search), 2 bad usage (nothing checked or written).
int run_check_command(const CheckCommandOptions& options);

}  // namespace mh::cli
