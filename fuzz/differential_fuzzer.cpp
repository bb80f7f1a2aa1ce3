// The fuzzer's bytes are a small concurrent program (fuzz/program.hpp); the
// axiomatic models (src/axiom) and the model checker (src/check) must agree
// on its final states, executions and data races under rc11 and sc. A
// difference is printed with the program as a litmus test, then aborts, so
// libFuzzer keeps the input (and -minimize_crash=1 shrinks it). With
// MH_FUZZ_PRINT set, each input is printed as a litmus test first (to read a
// corpus file: MH_FUZZ_PRINT=1 differential_replay FILE). With
// MH_FUZZ_REQUIRE_COMPARED set (the regression replay), an input that a
// side's bounds stop under either model is a failure too: a regression file
// must be checked, not skipped as too large.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "differential.hpp"
#include "program.hpp"
#include "program_litmus.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const mh::fuzz::Program program = mh::fuzz::decode_program({data, size});
  static const bool print = std::getenv("MH_FUZZ_PRINT") != nullptr;
  static const bool require_compared = std::getenv("MH_FUZZ_REQUIRE_COMPARED") != nullptr;
  if (print) std::fprintf(stderr, "%s", mh::fuzz::to_litmus(program).c_str());
  const mh::fuzz::Comparison comparison = mh::fuzz::compare_program(program);
  if (!comparison.difference.empty()) {
    std::fprintf(stderr, "the axiomatic models and the model checker disagree:\n%s",
                 comparison.difference.c_str());
    std::abort();
  }
  if (require_compared && comparison.models_compared < 2) {
    std::fprintf(stderr, "compared under %d of the 2 models: a side's bounds stopped it\n%s",
                 comparison.models_compared, mh::fuzz::to_litmus(program).c_str());
    std::abort();
  }
  return 0;
}
