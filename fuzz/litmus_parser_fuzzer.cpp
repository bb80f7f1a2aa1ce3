// Any byte string is either a litmus test (of any of the four dialects: the
// first line names it) or a ParseError positioned inside the text (only
// reading a file, which this does not, can fail without a position). A test that
// parses is then checked under its default model with tight limits, so the
// engine's "too large" paths are fuzzed too.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "axiom/checker.hpp"
#include "litmus/parse_error.hpp"
#include "litmus/parser.hpp"

namespace {

// A position points into the text: its line exists and its column is at most
// one past the line's end (where "expected ';'" points).
bool inside(std::string_view text, mh::litmus::Pos pos) {
  int line = 1;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size() && line < pos.line; ++i)
    if (text[i] == '\n') {
      ++line;
      start = i + 1;
    }
  if (line != pos.line || pos.col < 1) return false;
  std::size_t end = text.find('\n', start);
  if (end == std::string_view::npos) end = text.size();
  return static_cast<std::size_t>(pos.col) <= end - start + 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  mh::litmus::Test test;
  try {
    test = mh::litmus::parse_litmus(text, "fuzz.litmus");
  } catch (const mh::litmus::ParseError& e) {
    if (!inside(text, e.pos())) {
      std::fprintf(stderr, "error outside the text: %s\n", e.what());
      std::abort();
    }
    return 0;
  }
  mh::axiom::CheckLimits limits;
  limits.max_candidates = 20'000;
  limits.max_seconds = 1.0;
  limits.paths.max_paths = 1'000;
  (void)mh::axiom::check_test(test, mh::axiom::default_model(test.arch), limits);
  return 0;
}
