#include "report/model_check_json.hpp"

namespace mh::report {

namespace {

// Optional text fields are null rather than "" when they say nothing.
nlohmann::json text_or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

nlohmann::json error_or_null(mh::error kind) {
  return kind == mh::error::none ? nlohmann::json(nullptr) : nlohmann::json(std::string(to_string(kind)));
}

}  // namespace

std::string expected_name(mh::error expected) {
  return expected == mh::error::none ? std::string("ok") : std::string(to_string(expected));
}

bool meets(mh::error expected, const mh::check_result& result) {
  return expected == mh::error::none ? result.verdict == mh::verdict::ok : result.found(expected);
}

nlohmann::json to_json(const mh::check::Trace& trace) {
  nlohmann::json events = nlohmann::json::array();
  for (const auto& event : trace.events)
    events.push_back({{"number", event.number},
                      {"thread", event.thread},
                      {"operation", event.operation},
                      {"order", event.order},
                      {"location", event.location},
                      {"value", event.value},
                      {"read_from", event.read_from},
                      {"source", event.source}});
  nlohmann::json relations = nlohmann::json::array();
  for (const auto& location : trace.relations)
    relations.push_back({{"location", location.location},
                         {"modification_order", location.modification_order},
                         {"reads_from", location.reads_from}});
  return {{"error", error_or_null(trace.kind)},
          {"message", trace.message},
          {"replay_id", text_or_null(trace.replay_id)},
          {"events", std::move(events)},
          {"relations", std::move(relations)}};
}

nlohmann::json model_check_result(const mh::registered_model& model, const mh::check_options& options,
                                  const mh::check_result& result) {
  // A trace carries the id of the execution it shows; a replay without one
  // still names the execution that was asked for.
  const std::string replay_id = result.trace ? result.trace->replay_id : options.replay;
  nlohmann::json record = {
      {"kind", "model-check"},
      {"name", model.name},
      {"model", result.model},
      {"mode", result.mode},
      {"expected", expected_name(model.expected)},
      {"verdict", std::string(to_string(result.verdict))},
      {"error", error_or_null(result.verdict == mh::verdict::error_found ? result.error : mh::error::none)},
      {"message", text_or_null(result.message)},
      {"executions", result.executions},
      {"blocked", result.blocked},
      {"seconds", result.seconds},
      {"replay_id", text_or_null(replay_id)},
      {"meets", meets(model.expected, result)},
      {"trace", result.trace ? to_json(*result.trace) : nlohmann::json(nullptr)},
  };
  return record;
}

nlohmann::json model_check_not_run(const mh::registered_model& model, const mh::check_options& options) {
  return {
      {"kind", "model-check"},
      {"name", model.name},
      {"model", to_string(options.model)},
      {"mode", to_string(options.mode)},
      {"expected", expected_name(model.expected)},
      {"verdict", "not-run"},
      {"error", nullptr},
      {"message", "the time budget ran out before this model's turn"},
      {"executions", 0},
      {"blocked", 0},
      {"seconds", 0.0},
      {"replay_id", text_or_null(options.replay)},
      {"meets", false},
      {"trace", nullptr},
  };
}

}  // namespace mh::report
