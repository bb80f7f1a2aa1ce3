// Differential programs checked per second (docs/performance.md,
// "Differential fuzzing"): the same pseudo-random programs each run, timed
// whole (both implementations, both models, the comparison), then each side
// alone, so the ratio says which one the fuzzer waits for.
// Run: build/default/bench/differential_bench [PROGRAMS] [RUNS]
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "differential.hpp"
#include "program.hpp"
#include "run_axiom.hpp"
#include "run_checker.hpp"
#include "timing.hpp"

namespace {

std::vector<mh::fuzz::Program> make_programs(int count) {
  std::mt19937 random(20261204);
  std::vector<mh::fuzz::Program> programs;
  for (int i = 0; i < count; ++i) {
    // As long as the longest program needs (2 + 4 + 10 * 3 bytes).
    std::vector<std::uint8_t> bytes(36);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
    programs.push_back(mh::fuzz::decode_program(bytes));
  }
  return programs;
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 500;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  if (count <= 0 || runs <= 0) {
    std::fprintf(stderr, "usage: %s [PROGRAMS > 0] [RUNS > 0]\n", argv[0]);
    return 2;
  }
  const std::vector<mh::fuzz::Program> programs = make_programs(count);
  std::vector<double> whole, axiom, checker;
  int differences = 0, skipped = 0;  // skipped: a model where a side hit its bound
  for (int run = 0; run < runs; ++run) {
    auto start = mh::bench::Clock::now();
    for (const auto& p : programs) {
      const mh::fuzz::Comparison comparison = mh::fuzz::compare_program(p);
      if (!comparison.difference.empty()) ++differences;
      skipped += 2 - comparison.models_compared;
    }
    whole.push_back(mh::bench::seconds_since(start));
    start = mh::bench::Clock::now();
    for (const auto& p : programs)
      for (const auto model : {mh::fuzz::Model::RC11, mh::fuzz::Model::SC})
        (void)mh::fuzz::run_axiom(p, model);
    axiom.push_back(mh::bench::seconds_since(start));
    start = mh::bench::Clock::now();
    for (const auto& p : programs)
      for (const auto model : {mh::fuzz::Model::RC11, mh::fuzz::Model::SC})
        (void)mh::fuzz::run_checker(p, model);
    checker.push_back(mh::bench::seconds_since(start));
    std::printf("run %d: %d programs in %.2f s (%.0f/s); axiomatic side %.2f s, model checker side %.2f s\n",
                run + 1, count, whole.back(), count / whole.back(), axiom.back(), checker.back());
  }
  const double w = mh::bench::median(whole), a = mh::bench::median(axiom), c = mh::bench::median(checker);
  std::printf(
      "median of %d runs: %.0f programs/s; axiomatic side %.0f%%, model checker side %.0f%% "
      "(checker / axiom time %.2f); %.1f%% of program-model pairs too large to compare; "
      "%d differences in all runs\n",
      runs, count / w, 100 * a / (a + c), 100 * c / (a + c), c / a, 100.0 * skipped / (2.0 * count * runs),
      differences);
  return differences == 0 ? 0 : 1;
}
