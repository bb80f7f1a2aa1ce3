#include "report/litmus_hw_json.hpp"

#include <algorithm>

#include "litmus/printer.hpp"
#include "report/herd_format.hpp"

namespace mh::report {
namespace {

bool allowed_by(const axiom::CheckResult& result, const run::State& state) {
  return std::any_of(result.states.begin(), result.states.end(),
                     [&](const axiom::FinalState& s) { return s.values == state; });
}

}  // namespace

nlohmann::json litmus_hw_result(const HardwareRun& run) {
  const litmus::Test& test = *run.test;
  nlohmann::json record = {
      {"kind", "litmus-hw"},
      {"name", test.name},
      {"file", test.file},
      {"arch", litmus::arch_name(test.arch)},
      {"condition", litmus::print_condition(test, test.condition)},
      {"verdict", run.verdict},
  };
  if (run.verdict == "skipped") {
    record["expectation"] = nullptr;
    record["evidence"] = {{"skipped", run.skipped}};
    return record;
  }
  const axiom::CheckResult* model = run.host_model;
  record["model"] = model != nullptr ? axiom::model_name(model->model) : nullptr;
  record["expectation"] = {
      {"forbidden_states_observed", 0},
      {"source", model != nullptr ? "every observed state allowed by the host's model"
                                  : "no model verdict (the model could not enumerate the test)"}};
  nlohmann::json states = nlohmann::json::array();
  const std::vector<litmus::CondTerm>* observed = model != nullptr ? &model->observed : nullptr;
  std::uint64_t positive = 0, negative = 0;
  for (const auto& [state, count] : run.result.histogram) {
    nlohmann::json values = nlohmann::json::object();
    const bool satisfies =
        observed != nullptr && axiom::state_satisfies(test.condition.prop, *observed, state);
    (satisfies ? positive : negative) += count;
    if (observed != nullptr)
      for (std::size_t i = 0; i < observed->size(); ++i)
        values[format_term(test, (*observed)[i])] = axiom::format_value(test, state[i]);
    nlohmann::json entry = {{"state", values}, {"count", count}, {"satisfies", satisfies}};
    // An unlisted state of a model that cut loops short is unjudged: null.
    const bool allowed = model != nullptr && allowed_by(*model, state);
    entry["allowed"] = allowed || (model != nullptr && run.model_complete) ? nlohmann::json(allowed)
                                                                           : nlohmann::json(nullptr);
    entry["allowed_by_sc"] =
        run.sc != nullptr ? nlohmann::json(allowed_by(*run.sc, state)) : nlohmann::json(nullptr);
    states.push_back(std::move(entry));
  }
  std::string cpus;
  nlohmann::json cpu_list = nlohmann::json::array();
  for (int cpu : run.result.cpus) cpu_list.push_back(cpu);
  record["evidence"] = {
      {"mode", run::mode_name(run.options.mode)},
      {"affinity", run::placement_name(run.options.placement)},
      {"size", run.options.size},
      {"stride", run.options.stride},
      {"max_delay", run.options.max_delay},
      {"budget_seconds", run.options.budget_seconds},
      {"max_iterations", run.options.max_iterations},
      {"seconds", run.result.seconds},
      {"iterations", run.result.iterations},
      {"positive", positive},
      {"negative", negative},
      {"histogram", states},
      {"cpus", cpu_list},
      {"topology", run.result.topology_source},
      {"oversubscribed", run.result.oversubscribed},
      {"late_starts", run.result.late_starts},
      {"unpinned_threads", run.result.unpinned_threads},
      {"native_code", run.origin},
      {"emulated", run.emulated},
  };
  if (!run.result.hang.empty()) record["evidence"]["hang"] = run.result.hang;
  if (!run.result.coherence_violation.empty())
    record["evidence"]["coherence_violation"] = run.result.coherence_violation;
  return record;
}

}  // namespace mh::report
