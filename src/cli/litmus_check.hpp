// `memharness litmus check FILE... [--model M] [--json OUT] [--expected TSV]`
#pragma once

#include <string>
#include <vector>

namespace mh::cli {

struct LitmusCheckOptions {
  std::vector<std::string> files;
  std::string model;     // "" = the test's architecture's model
  std::string json;      // "" = no results file
  std::string expected;  // a manifest to compare against ("" = none)
};

// Returns the exit code: 0 all checked (and as expected), 1 a verdict differs
// or a test was too large, 2 bad input (nothing checked).
int run_litmus_check(const LitmusCheckOptions& options);

}  // namespace mh::cli
