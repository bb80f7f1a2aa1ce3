// herd7's textual verdict for one test, so output can be diffed against herd7.
#pragma once

#include <string>

#include "axiom/checker.hpp"
#include "litmus/ast.hpp"

namespace mh::report {

// `Test NAME Allowed`, `States N`, one line per final state, `Ok`/`No`,
// `Witnesses`, `Positive: P Negative: N`, `Flag undefined` on an rc11 race,
// `Condition ...`, `Observation NAME Never|Sometimes|Always P N`, `Time NAME s`.
std::string herd_output(const litmus::Test& test, const axiom::CheckResult& result);

// One final state as herd prints it: `0:EAX=0; 1:EAX=1;`.
std::string format_state(const litmus::Test& test, const axiom::CheckResult& result,
                         const axiom::FinalState& state);

std::string format_term(const litmus::Test& test, const litmus::CondTerm& term);

}  // namespace mh::report
