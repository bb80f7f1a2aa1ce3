// Checks of options several commands share. Each prints the one-line reason
// for a refusal on stderr ("memharness: ..."); the caller then exits 2
// before running anything.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "run/affinity.hpp"

namespace mh::cli {

// --affinity: distinct-cores, smt-siblings, none (or scheduler).
std::optional<run::Placement> parse_affinity_option(const std::string& text);
// --seed: a non-negative integer.
std::optional<std::uint64_t> parse_seed_option(const std::string& text);
// --json: a file that can be written (its directory exists and is writable,
// and the path is not something other than a file).
bool json_path_writable(const std::string& path);

}  // namespace mh::cli
