// Reconstructs litmus outcomes from a perpetual run (PerpLE's idea: no
// barrier between iterations; every store writes its iteration number + 1).
//
// A frame is one iteration per thread (k_0, ..., k_T-1). In a frame, a load
// of x (single writer u, one store per iteration) "sees the frame's store"
// when it read iteration k_u's value or a later one, and sees x's initial
// value when it read an earlier one; that gives every register a litmus
// value and the frame a final state. The states counted for iteration k of
// thread 0 are those of at least one frame containing it. Coherence makes
// each load's observed iteration non-decreasing over the reader's
// iterations, so whether a frame exists is a system of monotone two-variable
// constraints, decided by bounds propagation (at a fixpoint the lower bounds
// satisfy every constraint) in O(log n) steps per constraint.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "litmus/ast.hpp"
#include "run/native_test.hpp"
#include "run/runner.hpp"

namespace mh::run {

class PerpetualAnalysis {
 public:
  // The test must pass perpetual_unsupported (codegen.hpp).
  PerpetualAnalysis(const litmus::Test& test, const std::vector<litmus::CondTerm>& observed);

  int loads_of(int thread) const { return static_cast<int>(loads_per_thread_[thread]); }

  // reads[t]: n iterations of thread t's loads, as the perpetual body wrote
  // them. Adds to `histogram` and returns the anchor iterations examined;
  // sets `violation` (and examines nothing) when a load's observed
  // iterations go backwards, which coherence forbids.
  // Stops at `deadline` (steady clock): only the iterations examined by then
  // count.
  std::uint64_t add_chunk(const std::vector<const word*>& reads, std::int64_t n, Histogram& histogram,
                          std::string& violation,
                          std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max()) const;

  // Outcome combinations examined per iteration: 2 to the loads that read a
  // written location.
  std::uint32_t combinations() const;

 private:
  struct Load {
    int thread = 0;
    int index = 0;   // among the thread's loads
    int writer = -1; // thread index of the location's only store, -1 if none
    litmus::Value initial = 0, stored = 0;
  };
  std::vector<Load> loads_;
  std::vector<std::size_t> loads_per_thread_;
  std::vector<int> column_load_;  // observed term -> load
  int threads_ = 0;
};

}  // namespace mh::run
