// Entry point of the litmus language: text in, Test out, or a positioned ParseError.
#pragma once

#include <string>
#include <string_view>

#include "litmus/ast.hpp"
#include "litmus/parse_error.hpp"

namespace mh::litmus {

// Limits that keep a hostile file from taking unbounded time or memory.
inline constexpr int kMaxThreads = 8;
inline constexpr std::size_t kMaxFileBytes = 1 << 20;

// Parses a whole litmus file. `file` names it in error messages.
Test parse_litmus(std::string_view text, const std::string& file);

// Reads and parses; a missing or unreadable file is a ParseError at 0:0.
Test parse_litmus_file(const std::string& path);

}  // namespace mh::litmus
