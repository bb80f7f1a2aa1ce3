// A differential program as a herd C litmus test, for src/axiom (and for a
// person reading a finding): registers declared up front, a guarded
// instruction inside an `if`, every register and location in `locations`.
#pragma once

#include <string>

#include "program.hpp"

namespace mh::fuzz {

std::string to_litmus(const Program& program, const std::string& name = "fuzz");

}  // namespace mh::fuzz
