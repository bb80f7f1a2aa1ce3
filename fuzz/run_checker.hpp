// The operational side: the program as an mh:: model (mh::atomic, mh::var,
// mh::thread), explored exhaustively by src/check under rc11 or sc; the main
// thread joins every thread and reads each location's final value.
#pragma once

#include "outcome.hpp"
#include "program.hpp"

namespace mh::fuzz {

Outcome run_checker(const Program& program, Model model);

}  // namespace mh::fuzz
