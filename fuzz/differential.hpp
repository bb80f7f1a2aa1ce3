// The differential check: one program, both implementations, both models.
// Their final states, execution counts and data-race verdicts must agree;
// and each implementation must keep what the models promise of each other
// (every SC state is an RC11 state, an SC race is an RC11 race).
#pragma once

#include <string>

#include "program.hpp"

namespace mh::fuzz {

struct Comparison {
  int models_compared = 0;  // 0-2: models where both sides finished
  bool race = false;        // under rc11, by both
  std::string difference;   // empty: they agree; else a report with the litmus test
};

Comparison compare_program(const Program& program);

}  // namespace mh::fuzz
