#include "report/results_reader.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>

namespace mh::report {

namespace {

using nlohmann::json;

std::string type_name(const json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_array()) return "an array";
  return "an object";
}

enum class Type { string, number, boolean, object, array };

const char* expected_name(Type type) {
  switch (type) {
    case Type::string:
      return "a string";
    case Type::number:
      return "a number";
    case Type::boolean:
      return "a boolean";
    case Type::object:
      return "an object";
    case Type::array:
      return "an array";
  }
  return "?";
}

bool has_type(const json& value, Type type) {
  switch (type) {
    case Type::string:
      return value.is_string();
    case Type::number:
      return value.is_number();
    case Type::boolean:
      return value.is_boolean();
    case Type::object:
      return value.is_object();
    case Type::array:
      return value.is_array();
  }
  return false;
}

// Field checks with the path of the field in the message.
class Checker {
 public:
  explicit Checker(std::string where) : where_(std::move(where)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    throw ResultsError(fmt::format("{}: {}{}", where_, field.empty() ? "" : field + ": ", problem));
  }

  const json& need(const json& parent, const std::string& prefix, const char* key, Type type,
                   bool nullable = false) const {
    const std::string field = prefix + key;
    auto found = parent.find(key);
    if (found == parent.end()) fail(field, "missing");
    if (nullable && found->is_null()) return *found;
    if (!has_type(*found, type))
      fail(field, fmt::format("is {}, expected {}{}", type_name(*found), expected_name(type),
                              nullable ? " or null" : ""));
    // Every number of a record is a count, a rate, a time or an index.
    if (type == Type::number && *found < 0)
      fail(field, fmt::format("is {}, which cannot be negative", found->dump()));
    return *found;
  }

  void optional(const json& parent, const std::string& prefix, const char* key, Type type,
                bool nullable = true) const {
    if (parent.contains(key)) need(parent, prefix, key, type, nullable);
  }

  void one_of(const json& parent, const std::string& prefix, const char* key,
              std::initializer_list<const char*> words) const {
    const std::string& value = need(parent, prefix, key, Type::string).get_ref<const std::string&>();
    std::string list;
    for (const char* word : words) {
      if (value == word) return;
      list += list.empty() ? word : std::string(", ") + word;
    }
    fail(prefix + key, fmt::format("'{}' is not one of: {}", value, list));
  }

  void state(const json& entry, const std::string& prefix) const {
    const json& state = need(entry, prefix, "state", Type::object);
    for (const auto& [location, value] : state.items())
      if (!value.is_string())
        fail(prefix + "state." + location, "is " + type_name(value) + ", expected a string");
  }

 private:
  std::string where_;
};

// The machine of a document, or of a record that names its own.
void validate_host(const json& host, const std::string& prefix, const Checker& check) {
  for (const char* key : {"arch", "cpu_model", "kernel", "compiler", "flags"})
    check.need(host, prefix, key, Type::string);
  check.need(host, prefix, "cores", Type::number);
  check.need(host, prefix, "emulated", Type::boolean);
}

void validate_litmus_model(const json& record, const Checker& check) {
  check.need(record, "", "model", Type::string);
  check.need(record, "", "arch", Type::string);
  check.one_of(record, "", "verdict", {"pass", "fail", "too-large", "checked", "not-run"});
  check.need(record, "", "condition", Type::string);
  check.optional(record, "", "file", Type::string, false);
  const json& expectation = check.need(record, "", "expectation", Type::object, true);
  if (expectation.is_object()) {
    check.need(expectation, "expectation.", "observation", Type::string);
    check.optional(expectation, "expectation.", "undefined", Type::boolean, false);
    check.need(expectation, "expectation.", "source", Type::string);
  }
  const json& evidence = check.need(record, "", "evidence", Type::object);
  if (record["verdict"] == "not-run") return;
  if (record["verdict"] == "too-large") {
    check.need(evidence, "evidence.", "too_large", Type::string);
    return;
  }
  check.need(evidence, "evidence.", "observation", Type::string);
  check.optional(evidence, "evidence.", "undefined", Type::boolean, false);
  const json& states = check.need(evidence, "evidence.", "states", Type::array);
  for (std::size_t i = 0; i < states.size(); ++i) {
    const std::string prefix = fmt::format("evidence.states[{}].", i);
    if (!states[i].is_object()) check.fail(prefix.substr(0, prefix.size() - 1), "is not an object");
    check.state(states[i], prefix);
    check.need(states[i], prefix, "executions", Type::number);
    check.need(states[i], prefix, "satisfies", Type::boolean);
  }
}

void validate_litmus_hw(const json& record, const Checker& check) {
  check.need(record, "", "model", Type::string);
  check.need(record, "", "arch", Type::string);
  check.one_of(record, "", "verdict", {"pass", "fail", "unjudged", "skipped"});
  check.optional(record, "", "file", Type::string, false);
  check.optional(record, "", "condition", Type::string, false);
  const json& evidence = check.need(record, "", "evidence", Type::object);
  if (record["verdict"] == "skipped") {
    check.need(evidence, "evidence.", "skipped", Type::string);
    return;
  }
  check.need(record, "", "condition", Type::string);
  check.need(evidence, "evidence.", "mode", Type::string);
  check.need(evidence, "evidence.", "iterations", Type::number);
  check.need(evidence, "evidence.", "seconds", Type::number);
  const json& histogram = check.need(evidence, "evidence.", "histogram", Type::array);
  for (std::size_t i = 0; i < histogram.size(); ++i) {
    const std::string prefix = fmt::format("evidence.histogram[{}].", i);
    if (!histogram[i].is_object()) check.fail(prefix.substr(0, prefix.size() - 1), "is not an object");
    check.state(histogram[i], prefix);
    check.need(histogram[i], prefix, "count", Type::number);
    check.need(histogram[i], prefix, "satisfies", Type::boolean);
    check.need(histogram[i], prefix, "allowed", Type::boolean, true);
    check.need(histogram[i], prefix, "allowed_by_sc", Type::boolean, true);
  }
}

void validate_model_check(const json& record, const Checker& check) {
  check.need(record, "", "model", Type::string);
  check.need(record, "", "mode", Type::string);
  check.need(record, "", "expected", Type::string);
  check.one_of(record, "", "verdict", {"ok", "error", "bound-reached", "not-run"});
  check.need(record, "", "meets", Type::boolean);
  check.need(record, "", "error", Type::string, true);
  check.need(record, "", "message", Type::string, true);
  check.need(record, "", "executions", Type::number);
  check.need(record, "", "seconds", Type::number);
  const json& trace = check.need(record, "", "trace", Type::object, true);
  if (trace.is_null()) return;
  check.need(trace, "trace.", "error", Type::string, true);
  check.need(trace, "trace.", "message", Type::string, true);
  const json& events = check.need(trace, "trace.", "events", Type::array);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string prefix = fmt::format("trace.events[{}].", i);
    if (!events[i].is_object()) check.fail(prefix.substr(0, prefix.size() - 1), "is not an object");
    check.need(events[i], prefix, "number", Type::number);
    check.need(events[i], prefix, "thread", Type::number);
    for (const char* key : {"operation", "order", "location", "value", "read_from", "source"})
      check.need(events[i], prefix, key, Type::string);
  }
  check.optional(trace, "trace.", "relations", Type::array, false);
  if (trace.contains("relations"))
    for (std::size_t i = 0; i < trace["relations"].size(); ++i)
      if (!trace["relations"][i].is_object())
        check.fail(fmt::format("trace.relations[{}]", i), "is not an object");
}

void validate_stress(const json& record, const Checker& check) {
  check.need(record, "", "protocol", Type::string);
  check.need(record, "", "variant", Type::string);
  check.one_of(record, "", "expected", {"correct", "hunted"});
  check.one_of(record, "", "verdict", {"pass", "fail", "found", "not-found", "clean", "not-run"});
  check.need(record, "", "seconds", Type::number);
  check.need(record, "", "operations", Type::number);
  check.need(record, "", "operations_per_second", Type::number);
  check.need(record, "", "violations", Type::number);
  const json& first = check.need(record, "", "first_failure", Type::object, true);
  if (!first.is_null()) {
    check.need(first, "first_failure.", "at_seconds", Type::number);
    check.need(first, "first_failure.", "kind", Type::string);
    check.need(first, "first_failure.", "details", Type::string);
  }
  check.need(record, "", "error", Type::string, true);
  check.optional(record, "", "hang", Type::string);
}

void validate_tsan(const json& record, const Checker& check) {
  check.need(record, "", "test_kind", Type::string);
  check.one_of(record, "", "verdict", {"pass", "fail", "not-run"});
  check.one_of(record, "", "expected", {"race", "clean"});
  check.need(record, "", "observed", Type::string);
  check.need(record, "", "model", Type::string);
  check.need(record, "", "blind_spot", Type::string, true);
  check.need(record, "", "differs_from_model", Type::boolean);
  check.need(record, "", "reason", Type::string);
  check.need(record, "", "runs", Type::number);
  check.need(record, "", "seconds", Type::number);
  check.need(record, "", "report", Type::string, true);
  check.need(record, "", "error", Type::string, true);
}

std::pair<std::size_t, std::size_t> line_and_column(const std::string& text, std::size_t byte) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// Deeper nesting than any results file has would only exhaust the stack of
// whatever walks the tree afterwards (copies, dumps): refused where it starts.
constexpr int kMaxDepth = 64;

void check_depth(const std::string& text, const std::string& path, std::size_t line_offset) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) {
        const auto [line, column] = line_and_column(text, i);
        throw ResultsError(fmt::format("{}:{}:{}: nested more than {} levels deep: not a results file", path,
                                       line + line_offset, column, kMaxDepth));
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

json parse_json(const std::string& text, const std::string& path, std::size_t line_offset = 0) {
  check_depth(text, path, line_offset);
  try {
    return json::parse(text);
  } catch (const json::parse_error& error) {
    // nlohmann's byte is one past the offending character.
    const auto [line, column] = line_and_column(text, error.byte > 0 ? error.byte - 1 : 0);
    std::string message = error.what();
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix.
    if (const auto colon = message.find(": "); colon != std::string::npos)
      message = message.substr(colon + 2);
    throw ResultsError(
        fmt::format("{}:{}:{}: not valid JSON: {}", path, line + line_offset, column, message));
  } catch (const json::exception& error) {
    // Valid syntax nlohmann cannot hold, such as a number beyond a double
    // (1e500): it says which number, not where. Found by fuzzing.
    std::string message = error.what();
    if (const auto bracket = message.find("] "); bracket != std::string::npos)
      message = message.substr(bracket + 2);
    const std::string where = line_offset > 0 ? fmt::format("{}:{}", path, line_offset + 1) : path;
    throw ResultsError(fmt::format("{}: not valid JSON: {}", where, message));
  }
}

}  // namespace

void validate_record(const json& record, const std::string& where) {
  if (!record.is_object())
    throw ResultsError(fmt::format("{}: is {}, expected an object", where, type_name(record)));
  const Checker outer(where);
  const std::string& kind = outer.need(record, "", "kind", Type::string).get_ref<const std::string&>();
  const std::string& name = outer.need(record, "", "name", Type::string).get_ref<const std::string&>();
  const Checker check(fmt::format("{} ({} {})", where, kind, name));
  if (name.empty()) check.fail("name", "is empty");
  // Records merged from several hosts carry their own (stress, tsan).
  if (record.contains("host")) validate_host(check.need(record, "", "host", Type::object), "host.", check);
  if (kind == "litmus-model") return validate_litmus_model(record, check);
  if (kind == "litmus-hw") return validate_litmus_hw(record, check);
  if (kind == "model-check") return validate_model_check(record, check);
  if (kind == "stress") return validate_stress(record, check);
  if (kind == "tsan") return validate_tsan(record, check);
  check.fail("kind",
             fmt::format("'{}' is not a kind this memharness knows (litmus-model, litmus-hw, model-check, "
                         "stress, tsan)",
                         kind));
}

ResultsFile parse_results_text(const std::string& text, const std::string& path, bool json_lines) {
  ResultsFile file;
  file.path = path;
  if (json_lines) {
    // A run's records as it appended them: no document, no host of its own.
    file.partial = true;
    file.tool_version = "unknown";
    file.host = json::object();
    std::istringstream lines(text);
    std::string line;
    std::size_t number = 0;
    while (std::getline(lines, line)) {
      ++number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      json record = parse_json(line, path, number - 1);
      validate_record(record, fmt::format("{}:{}", path, number));
      file.results.push_back(std::move(record));
    }
    if (file.results.empty()) throw ResultsError(path + ": no records (an empty partial file)");
    return file;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) throw ResultsError(path + ": empty file");
  const json document = parse_json(text, path);
  if (!document.is_object() || !document.contains("schema"))
    throw ResultsError(
        fmt::format("{}: not a memharness results file (a JSON {} without \"schema\": "
                    "\"memharness-results\")",
                    path,
                    document.is_object()  ? "object"
                    : document.is_array() ? "array"
                                          : "value"));
  if (document["schema"] != "memharness-results")
    throw ResultsError(
        fmt::format("{}: not a memharness results file (schema {})", path, document["schema"].dump()));
  const Checker check(path);
  const json& version = check.need(document, "", "schema_version", Type::number);
  if (!version.is_number_integer() || version < 1)
    check.fail("schema_version", version.dump() + " is not a schema version (1, 2, ...)");
  // Compared as JSON numbers: a huge version must not wrap to an old one.
  file.schema_version = version > kResultsSchemaVersion ? kResultsSchemaVersion + 1 : version.get<int>();
  // A newer schema is refused before anything else of it is read: its other
  // fields may have changed.
  const json* tool = document.contains("tool") && document["tool"].is_object() ? &document["tool"] : nullptr;
  file.tool_version = tool != nullptr && tool->contains("version") && (*tool)["version"].is_string()
                          ? (*tool)["version"].get<std::string>()
                          : std::string("(unknown version)");
  if (file.schema_version > kResultsSchemaVersion)
    throw ResultsError(fmt::format(
        "{}: written by memharness {} in results schema version {}; this memharness ({}) reads version {} — "
        "run `memharness report` from memharness {} or newer to merge it",
        path, file.tool_version, version.dump(), MEMHARNESS_VERSION, kResultsSchemaVersion,
        file.tool_version));
  check.need(check.need(document, "", "tool", Type::object), "tool.", "version", Type::string);
  file.host = check.need(document, "", "host", Type::object);
  validate_host(file.host, "host.", check);
  file.created = check.need(document, "", "created", Type::string).get<std::string>();
  const json& results = check.need(document, "", "results", Type::array);
  for (std::size_t i = 0; i < results.size(); ++i)
    validate_record(results[i], fmt::format("{}: results[{}]", path, i));
  file.results = results;
  return file;
}

ResultsFile read_results_file(const std::string& given) {
  // A run's output folder stands for the results.json in it.
  std::error_code error;
  const std::string path = std::filesystem::is_directory(given, error)
                               ? (std::filesystem::path(given) / "results.json").string()
                               : given;
  if (path != given && !std::filesystem::exists(path, error))
    throw ResultsError(given + ": a folder without results.json in it");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ResultsError(path + ": cannot be read (no such file, or no permission)");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ResultsError(path + ": cannot be read");
  const bool json_lines = path.size() >= 6 && path.compare(path.size() - 6, 6, ".jsonl") == 0;
  return parse_results_text(text.str(), path, json_lines);
}

}  // namespace mh::report
