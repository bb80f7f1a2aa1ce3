// Runs the litmus suite's manifest (litmus/expected.tsv): every listed test
// under every listed model, compared with its expected observation.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mh::cli {

struct SuiteOutcome {
  nlohmann::json records = nlohmann::json::array();  // litmus-model results
  int passed = 0, failed = 0, too_large = 0;
  std::size_t not_run = 0;  // checks skipped because the time budget ran out
  std::vector<std::string> failures;  // one line each: file, model, expected vs got
  double seconds = 0;
};

struct SuiteProgress {
  std::size_t done = 0, total = 0;
  std::string current;
};

// Throws litmus::ParseError if the manifest or a test file is malformed
// (nothing is checked then). `on_record` sees each record as it completes.
// `budget_seconds` bounds the whole run: each check gets at most what is
// left, and checks that find nothing left are counted in `not_run`.
SuiteOutcome run_suite(const std::string& manifest, double budget_seconds,
                       const std::function<void(const SuiteProgress&)>& on_progress = {},
                       const std::function<void(const nlohmann::json&)>& on_record = {});

// The suite shipped with memharness: the source tree's litmus/ when run
// from a build, else the installed share/memharness/litmus.
std::string default_suite_dir();

}  // namespace mh::cli
