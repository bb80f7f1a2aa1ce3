// The `litmus-model` result record of docs/results.md.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "axiom/checker.hpp"
#include "litmus/ast.hpp"
#include "litmus/expectations.hpp"

namespace mh::report {

// verdict: "pass" (matches the expectation), "fail" (differs), "too-large",
// or "checked" (no expectation to compare with).
nlohmann::json litmus_model_result(const litmus::Test& test, const axiom::CheckResult& result,
                                   const std::optional<litmus::Expectation>& expectation);

// Whether `result` matches `expectation` (observation and race flag).
bool meets(const axiom::CheckResult& result, const litmus::Expectation& expectation);

// The results document: tool, host, time, results.
nlohmann::json results_document(const nlohmann::json& results);

}  // namespace mh::report
