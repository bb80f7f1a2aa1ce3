// herd-syntax text for the parts of a test that results print: values,
// final-state terms, propositions and the condition line.
#pragma once

#include <string>

#include "litmus/ast.hpp"

namespace mh::litmus {

// An integer, or the name of the location whose address it is (`x`).
std::string print_value(const Test& test, Value value);

// `0:r0` or `x`.
std::string print_term(const Test& test, const CondTerm& term);

// `0:r0=0 /\ 1:r0=0`, with only the parentheses that precedence needs
// (~ binds tighter than /\, then \/, then =>).
std::string print_prop(const Test& test, const Prop& prop);

// `exists (0:r0=0 /\ 1:r0=0)`, `~exists (...)`, `forall (...)`.
std::string print_condition(const Test& test, const Condition& condition);

}  // namespace mh::litmus
