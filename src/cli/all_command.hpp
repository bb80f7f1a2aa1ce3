// `memharness all [--budget D] -o DIR`: the main job. It checks the litmus
// suite under every applicable model against its expectations, then
// model-checks every registered model (models/) against its expected error,
// runs the litmus suite on this machine's cores (a fifth of the budget at
// most), the TSan suite in the tsan preset's build when one sits beside this
// build (about a third at most) and the protocols' stress variants (the
// rest), all within one time budget; then writes results.json and the report
// (index.html, summary.md, junit.xml) into the output folder.
#pragma once

#include <string>
#include <vector>

namespace mh::cli {

struct AllOptions {
  std::string output_dir;
  std::string budget = "2m";
  std::string suite_dir;  // "" = the shipped suite
  std::vector<std::string> skip;  // phases left out: "hardware", "tsan", "stress"
};

int run_all(const AllOptions& options);

}  // namespace mh::cli
