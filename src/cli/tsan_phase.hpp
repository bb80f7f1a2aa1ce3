// The TSan phase of `memharness all`: the default build cannot run the TSan
// suite itself, so it runs the tsan preset's build of the same tree
// (build/tsan/memharness, beside this build's folder) as a child with a share
// of the budget, and takes its records.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mh::cli {

// build/tsan/memharness beside this executable's build folder, or "" when
// there is none (or this executable is that one).
std::string tsan_build_beside_this_one();

struct TsanPhase {
  bool ran = false;
  std::string binary;
  std::string log;  // the child's output
  // The suite's records; when the suite itself failed (could not start,
  // crashed, overran its budget) the tests it finished and one `tsan-suite`
  // record with verdict fail saying what happened.
  nlohmann::json records = nlohmann::json::array();
  std::string error;  // what went wrong with the suite itself, or ""
  int exit_code = 0;
  int interrupted_by = 0;  // SIGINT or SIGTERM received while it ran
  double seconds = 0;
};

// Runs `binary tsan --budget B --json ...` in a process group of its own,
// its output in OUTPUT_DIR/tsan.log. A suite still running 10 s past its
// budget is ended (SIGTERM, then SIGKILL) and reported as a failure; Ctrl-C
// or SIGTERM to `all` ends it too.
TsanPhase run_tsan_phase(const std::string& binary, const std::string& output_dir, double budget_seconds,
                         bool show_progress);

// The record standing for the whole suite when it could not give its own:
// verdict `fail` (it failed) or `not-run` (no budget left for it).
nlohmann::json tsan_suite_record(const std::string& verdict, const std::string& why, double seconds);

}  // namespace mh::cli
