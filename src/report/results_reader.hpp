// Reading results files (docs/results.md) back, for `memharness report`:
// every field the report shows is checked, so a malformed or foreign file is
// refused with the file and the problem named, never half-rendered.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace mh::report {

// The schema version this memharness writes and reads.
inline constexpr int kResultsSchemaVersion = 1;

// what(): "FILE: problem" (or "FILE:LINE:COL: problem" for JSON syntax).
class ResultsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ResultsFile {
  std::string path;
  int schema_version = kResultsSchemaVersion;
  std::string tool_version;  // "unknown" for a partial file
  nlohmann::json host;       // the document's host object (empty object for a partial file)
  std::string created;       // ISO 8601, or "" for a partial file
  bool partial = false;      // records of a run that did not finish (results.partial.jsonl)
  nlohmann::json results = nlohmann::json::array();
};

// A results document (or a folder holding results.json), or (a name ending in .jsonl) the per-record lines a
// long run appends as it goes. Throws ResultsError.
ResultsFile read_results_file(const std::string& path);
ResultsFile parse_results_text(const std::string& text, const std::string& path, bool json_lines);

// Checks one record of a known kind; throws ResultsError("FILE: results[I] (NAME): problem").
void validate_record(const nlohmann::json& record, const std::string& where);

}  // namespace mh::report
