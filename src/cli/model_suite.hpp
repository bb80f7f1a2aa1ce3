// The registered models (MH_MODEL, models/) as a suite: each checked with its
// own options and compared with the error it was registered to exhibit. Used
// by `memharness all`; `memharness check` shares the naming helpers.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "check/model_registry.hpp"
#include "cli/suite.hpp"

namespace mh::cli {

// Every registered model, by name: registration order follows static
// initialisation across translation units, which no one should depend on.
std::vector<const mh::registered_model*> registered_models_by_name();

// What a check came to, in a word or two: "ok", the error's name, or
// "bound reached".
std::string outcome_text(const mh::check_result& result);

struct ModelSuiteOutcome {
  nlohmann::json records = nlohmann::json::array();  // model-check results, not-run ones included
  int passed = 0, failed = 0, bound_reached = 0;
  std::size_t not_run = 0;            // models skipped because the time budget ran out
  std::vector<std::string> failures;  // one line each: name, expected vs got
  double seconds = 0;
};

// Checks every registered model with its registered options, each limited
// to what is left of `budget_seconds`; models that find nothing left are
// recorded as not run. `on_record` sees each record as it completes.
ModelSuiteOutcome run_model_suite(double budget_seconds,
                                  const std::function<void(const SuiteProgress&)>& on_progress = {},
                                  const std::function<void(const nlohmann::json&)>& on_record = {});

}  // namespace mh::cli
