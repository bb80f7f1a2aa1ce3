// `memharness all [--budget D] -o DIR`: the main job. It checks the litmus
// suite under every applicable model against its expectations, then
// model-checks every registered model (models/) against its expected error,
// runs the litmus suite on this machine's cores (a quarter of the budget at
// most) and the protocols' stress variants (the rest), all within one time
// budget; TSan joins it later.
#pragma once

#include <string>
#include <vector>

namespace mh::cli {

struct AllOptions {
  std::string output_dir;
  std::string budget = "2m";
  std::string suite_dir;  // "" = the shipped suite
  std::vector<std::string> skip;  // phases left out: "hardware", "stress"
};

int run_all(const AllOptions& options);

}  // namespace mh::cli
