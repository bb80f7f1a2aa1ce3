// The `litmus-hw` result record of docs/results.md: one test run on this
// machine's cores, its histogram and every state's verdict under the host's
// model.
#pragma once

#include <nlohmann/json.hpp>

#include "axiom/checker.hpp"
#include "litmus/ast.hpp"
#include "run/runner.hpp"

namespace mh::report {

struct HardwareRun {
  const litmus::Test* test = nullptr;
  const axiom::CheckResult* host_model = nullptr;  // nullptr: no model verdict (too large)
  const axiom::CheckResult* sc = nullptr;
  bool model_complete =
      false;  // the model lists every state (no loop cut short): an unlisted state is forbidden
  run::RunOptions options;
  run::RunResult result;
  std::string verdict;    // "pass", "fail", "unjudged", "skipped"
  std::string skipped;    // why, when skipped
  std::string origin;     // where the native code came from
  bool emulated = false;  // qemu-user ran it: the orderings are the host's
};

nlohmann::json litmus_hw_result(const HardwareRun& run);

}  // namespace mh::report
