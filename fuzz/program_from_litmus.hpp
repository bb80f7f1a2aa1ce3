// The litmus suite's C tests that fit a differential program (2-4 threads,
// at most 3 locations, loads, stores, RMWs, CASes and fences of constants,
// no branches, each location only atomic or only plain): the differential
// target's seeds, and a regression replayed on every CI run.
#pragma once

#include <optional>

#include "litmus/ast.hpp"
#include "program.hpp"

namespace mh::fuzz {

std::optional<Program> program_from_litmus(const litmus::Test& test);

}  // namespace mh::fuzz
