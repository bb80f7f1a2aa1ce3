// Helpers shared by the parser tests.
#pragma once

#include <string>

#include "litmus/parser.hpp"

namespace mh::litmus::testing_support {

// Inside TEST bodies `Test` names gtest's fixture base.
using LitmusTest = mh::litmus::Test;

inline LitmusTest parse(const std::string& text) { return parse_litmus(text, "test.litmus"); }

// "line:col: message" of the ParseError that `text` raises, or "no error".
inline std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const ParseError& error) {
    return std::to_string(error.pos().line) + ":" + std::to_string(error.pos().col) + ": " + error.message();
  }
  return "no error";
}

}  // namespace mh::litmus::testing_support
