// The `model-check` result record of docs/results.md: one registered model
// checked by the model checker (src/check), compared with the error it was
// registered to exhibit.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "check/model_registry.hpp"

namespace mh::report {

// "ok" for a model meant to be correct, else the error's name.
std::string expected_name(mh::error expected);

// Whether a check came out as the model was registered to: a model expecting
// no error must be ok; one expecting error K must have found K. A search cut
// short by a bound establishes neither, so it never meets.
bool meets(mh::error expected, const mh::check_result& result);

// The counterexample (or replayed execution) as JSON, field for field as
// mh::check::Trace has it.
nlohmann::json to_json(const mh::check::Trace& trace);

// The record for a model that was checked with `options`.
nlohmann::json model_check_result(const mh::registered_model& model, const mh::check_options& options,
                                  const mh::check_result& result);

// The record for a model that was not checked because the time budget ran
// out first: verdict "not-run", meets false.
nlohmann::json model_check_not_run(const mh::registered_model& model, const mh::check_options& options);

}  // namespace mh::report
