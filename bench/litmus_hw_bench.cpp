// Litmus tests on this machine's cores (docs/performance.md, "Hardware
// litmus runs"): weak outcomes per second (final states SC forbids and the
// test's model allows) and instances or iterations per second, for each
// mode, side by side in one run, median of RUNS runs of SECONDS each; and
// how closely each run kept its budget.
//
// Run: build/default/bench/litmus_hw_bench [RUNS] [SECONDS] [FILE...]
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "axiom/checker.hpp"
#include "litmus/parser.hpp"
#include "run/codegen.hpp"
#include "run/native_loader.hpp"
#include "run/runner.hpp"
#include "timing.hpp"

namespace {

struct Rates {
  std::vector<double> weak_per_second, iterations_per_second, budget_ratio;
};

bool allowed_by(const mh::axiom::CheckResult& result, const mh::run::State& state) {
  return std::any_of(result.states.begin(), result.states.end(),
                     [&](const mh::axiom::FinalState& s) { return s.values == state; });
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const double seconds = argc > 2 ? std::max(0.1, std::atof(argv[2])) : 1.0;
  std::vector<std::string> files;
  for (int i = 3; i < argc; ++i) files.emplace_back(argv[i]);
  if (files.empty()) {
    const std::string suite = std::string(MEMHARNESS_SOURCE_DIR) + "/litmus/";
    for (const char* name : {"x86/SB.litmus", "x86/MP.litmus", "x86/LB.litmus", "x86/IRIW.litmus", "x86/2+2W.litmus",
                             "x86/S.litmus", "x86/SB+mfences.litmus", "x86/R.litmus", "c/SB+rlxs.litmus",
                             "c/MP+rlxs.litmus", "c/SB+scs.litmus"})
      files.push_back(suite + name);
  }

  fmt::print("hardware litmus runs: median of {} runs of {:.1f} s each (host {})\n\n", runs, seconds,
             mh::run::host_arch_name(mh::run::host_arch()));
  fmt::print("{:<16} {:<10} {:>14} {:>16} {:>10} {:>12}\n", "test", "mode", "weak/s", "instances/s", "weak %",
             "s / budget");
  for (const std::string& file : files) {
    const mh::litmus::Test test = mh::litmus::parse_litmus_file(file);
    if (mh::run::unsupported_on(test, mh::run::host_arch())) continue;
    const auto model = mh::axiom::check_test(test, mh::axiom::default_model(test.arch));
    const auto sc = mh::axiom::check_test(test, mh::axiom::ModelKind::SC);
    const mh::run::NativeTest& native = mh::run::load_native_test(test);
    for (mh::run::Mode mode : {mh::run::Mode::barrier, mh::run::Mode::timebase, mh::run::Mode::perpetual}) {
      if (mode == mh::run::Mode::perpetual && mh::run::perpetual_unsupported(test)) {
        fmt::print("{:<16} {:<10} {:>14}\n", test.name, mh::run::mode_name(mode), "(not supported)");
        continue;
      }
      Rates rates;
      std::uint64_t forbidden = 0;
      double weak_share = 0;
      for (int r = 0; r < runs; ++r) {
        mh::run::RunOptions options;
        options.mode = mode;
        options.budget_seconds = seconds;
        options.seed = static_cast<std::uint64_t>(r + 1);
        const mh::run::RunResult result = mh::run::run_test(test, native, model.observed, options);
        std::uint64_t weak = 0, total = 0;
        for (const auto& [state, count] : result.histogram) {
          total += count;
          if (!allowed_by(model, state)) forbidden += count;
          else if (!allowed_by(sc, state)) weak += count;
        }
        rates.weak_per_second.push_back(static_cast<double>(weak) / result.seconds);
        rates.iterations_per_second.push_back(static_cast<double>(result.iterations) / result.seconds);
        rates.budget_ratio.push_back(result.seconds / seconds);
        weak_share = total > 0 ? 100.0 * static_cast<double>(weak) / static_cast<double>(total) : 0;
      }
      fmt::print("{:<16} {:<10} {:>14.0f} {:>16.0f} {:>9.2f}% {:>12.3f}{}\n", test.name, mh::run::mode_name(mode),
                 mh::bench::median(rates.weak_per_second), mh::bench::median(rates.iterations_per_second),
                 weak_share, mh::bench::median(rates.budget_ratio),
                 forbidden > 0 ? fmt::format("  FORBIDDEN STATES OBSERVED: {}", forbidden) : "");
    }
  }
  fmt::print("\nweak/s: final states SC forbids and the test's model allows, per second of run.\n"
             "perpetual: per thread-0 iteration whose frames show the state (docs/hardware.md).\n");
  return 0;
}
