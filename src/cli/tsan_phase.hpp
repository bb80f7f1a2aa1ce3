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
  nlohmann::json records = nlohmann::json::array();
  std::string error;  // why there are no records although it ran, or ""
  int exit_code = 0;
  double seconds = 0;
};

// Runs `binary tsan --budget B --json ...` with its output in OUTPUT_DIR/tsan.log.
// A child that outlives its budget by more than a test's own time limit is
// killed and reported, never waited for.
TsanPhase run_tsan_phase(const std::string& binary, const std::string& output_dir, double budget_seconds,
                         bool show_progress);

}  // namespace mh::cli
