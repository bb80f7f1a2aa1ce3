// The axiomatic side: the program as a C litmus test, enumerated by
// src/axiom under rc11 or sc (C11 races flagged under both).
#pragma once

#include "outcome.hpp"
#include "program.hpp"

namespace mh::fuzz {

Outcome run_axiom(const Program& program, Model model);

}  // namespace mh::fuzz
