#include "cli/model_suite.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>

#include "report/model_check_json.hpp"

namespace mh::cli {

std::vector<const mh::registered_model*> registered_models_by_name() {
  std::vector<const mh::registered_model*> models;
  for (const auto& model : mh::registered_models()) models.push_back(&model);
  std::sort(models.begin(), models.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
  return models;
}

std::string outcome_text(const mh::check_result& result) {
  switch (result.verdict) {
    case mh::verdict::ok:
      return "ok";
    case mh::verdict::error_found:
      return std::string(to_string(result.error));
    case mh::verdict::bound_reached:
      return "bound reached";
  }
  return std::string(to_string(result.verdict));
}

ModelSuiteOutcome run_model_suite(double budget_seconds,
                                  const std::function<void(const SuiteProgress&)>& on_progress,
                                  const std::function<void(const nlohmann::json&)>& on_record) {
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const auto models = registered_models_by_name();

  ModelSuiteOutcome outcome;
  SuiteProgress progress;
  progress.total = models.size();
  for (const mh::registered_model* model : models) {
    mh::check_options options = model->options;
    const double remaining = budget_seconds - elapsed();
    if (remaining <= 0) {
      // Recorded rather than only counted, so the report can say which
      // models have no verdict.
      nlohmann::json record = report::model_check_not_run(*model, options);
      if (on_record) on_record(record);
      outcome.records.push_back(std::move(record));
      ++outcome.not_run;
      ++progress.done;
      continue;
    }
    progress.current = model->name;
    if (on_progress) on_progress(progress);
    // The model's own time limit stands when it is the tighter one.
    if (options.time_limit_seconds <= 0 || options.time_limit_seconds > remaining)
      options.time_limit_seconds = remaining;
    const mh::check_result result = mh::check_model(model->name, options);
    nlohmann::json record = report::model_check_result(*model, options, result);
    if (report::meets(model->expected, result)) {
      ++outcome.passed;
    } else {
      if (result.verdict == mh::verdict::bound_reached)
        ++outcome.bound_reached;
      else
        ++outcome.failed;
      outcome.failures.push_back(fmt::format("{}: expected {}, got {}{}", model->name,
                                             report::expected_name(model->expected), outcome_text(result),
                                             result.message.empty() ? "" : " (" + result.message + ")"));
    }
    if (on_record) on_record(record);
    outcome.records.push_back(std::move(record));
    ++progress.done;
  }
  if (on_progress) on_progress(progress);
  outcome.seconds = elapsed();
  return outcome;
}

}  // namespace mh::cli
