#include "report/litmus_json.hpp"

#include <chrono>
#include <ctime>

#include "litmus/printer.hpp"
#include "report/herd_format.hpp"
#include "report/host.hpp"

namespace mh::report {

bool meets(const axiom::CheckResult& result, const litmus::Expectation& expectation) {
  return result.status == axiom::CheckResult::Status::Ok &&
         expectation.observation == axiom::observation_name(result.observation()) &&
         expectation.undefined == result.undefined;
}

nlohmann::json litmus_model_result(const litmus::Test& test, const axiom::CheckResult& result,
                                   const std::optional<litmus::Expectation>& expectation) {
  nlohmann::json states = nlohmann::json::array();
  for (const auto& state : result.states) {
    nlohmann::json values = nlohmann::json::object();
    for (std::size_t i = 0; i < result.observed.size(); ++i)
      values[format_term(test, result.observed[i])] = axiom::format_value(test, state.values[i]);
    states.push_back({{"state", values}, {"executions", state.executions}, {"satisfies", state.satisfies}});
  }
  nlohmann::json evidence = {
      {"observation", axiom::observation_name(result.observation())},
      {"ok", result.validated(test.condition.quantifier)},
      {"positive", result.positive},
      {"negative", result.negative},
      {"undefined", result.undefined},
      {"states", states},
      {"candidates", result.candidates},
      {"seconds", result.seconds},
  };
  std::string verdict = "checked";
  if (result.status == axiom::CheckResult::Status::TooLarge) {
    verdict = "too-large";
    evidence["too_large"] = result.too_large_reason;
  } else if (expectation) {
    verdict = meets(result, *expectation) ? "pass" : "fail";
  }
  nlohmann::json record = {
      {"kind", "litmus-model"},
      {"name", test.name},
      {"file", test.file},
      {"arch", litmus::arch_name(test.arch)},
      {"model", axiom::model_name(result.model)},
      {"condition", litmus::print_condition(test, test.condition)},
      {"verdict", verdict},
      {"evidence", evidence},
  };
  if (expectation)
    record["expectation"] = {{"observation", expectation->observation},
                             {"undefined", expectation->undefined},
                             {"source", expectation->source}};
  else
    record["expectation"] = nullptr;
  return record;
}

nlohmann::json results_document(const nlohmann::json& results) {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return {{"schema", "memharness-results"},
          {"schema_version", 1},
          {"tool", {{"name", "memharness"}, {"version", MEMHARNESS_VERSION}}},
          {"host", to_json(detect_host())},
          {"created", when},
          {"results", results}};
}

}  // namespace mh::report
