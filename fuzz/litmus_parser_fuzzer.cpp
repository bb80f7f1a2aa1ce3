// Any byte string is either a litmus test or a positioned ParseError; a test
// that parses is then checked under its default model with tight limits, so
// the engine's "too large" paths are fuzzed too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "axiom/checker.hpp"
#include "litmus/parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  mh::litmus::Test test;
  try {
    test = mh::litmus::parse_litmus(text, "fuzz.litmus");
  } catch (const mh::litmus::ParseError&) {
    return 0;
  }
  mh::axiom::CheckLimits limits;
  limits.max_candidates = 20'000;
  limits.max_seconds = 1.0;
  limits.paths.max_paths = 1'000;
  (void)mh::axiom::check_test(test, mh::axiom::default_model(test.arch), limits);
  return 0;
}
