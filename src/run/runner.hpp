// Runs one compiled litmus test on this machine's cores within a time budget
// and counts the final states it reaches (the litmus7 histogram).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "litmus/ast.hpp"
#include "run/affinity.hpp"
#include "run/native_test.hpp"

namespace mh::run {

enum class Mode {
  barrier,    // every instance starts after all threads reached it (litmus7's user mode)
  timebase,   // every instance starts at an agreed tick of the time-stamp counter
  perpetual,  // threads run back to back with no synchronization (PerpLE)
};
const char* mode_name(Mode mode);

struct RunOptions {
  Mode mode = Mode::barrier;
  double budget_seconds = 2.0;
  int size = 1000;            // instances per batch (barrier, timebase); perpetual: iterations per chunk / 1000
  int stride = 128;           // bytes between two locations of one instance
  Placement placement = Placement::distinct_cores;
  int max_delay = 16;         // random start delay per thread and instance, in spin-loop turns (0: none)
  std::uint64_t seed = 1;
  // Stop after this many instances (perpetual: thread-0 iterations), or at
  // the budget if that comes first; 0: the budget alone. A bounded count
  // makes a run under a sanitizer repeatable in length.
  std::uint64_t max_iterations = 0;
  // Called about four times a second from the controlling thread.
  std::function<void(double elapsed_seconds, std::uint64_t iterations)> progress;
};

// A final state: the values of the observed terms, in the order given to run_test.
using State = std::vector<litmus::Value>;
using Histogram = std::map<State, std::uint64_t>;

struct RunResult {
  Histogram histogram;
  // Instances run (barrier, timebase), or thread-0 iterations whose frames
  // were examined (perpetual: a state counts the iterations that take part
  // in at least one frame showing it, so the counts may add up to more).
  std::uint64_t iterations = 0;
  double seconds = 0;
  std::vector<int> cpus;           // per thread, -1 unpinned
  bool oversubscribed = false;     // more test threads than CPUs
  std::string topology_source;
  std::uint64_t late_starts = 0;   // timebase: instances a thread reached after its start tick
  int unpinned_threads = 0;        // threads the system refused to pin
  std::string hang;                // non-empty: the watchdog gave up on a stuck thread (the threads are abandoned)
  std::string coherence_violation; // perpetual: reads that went back in a location's order (never expected)
};

// `observed` names the columns of a state (axiom::CheckResult::observed).
// Throws std::invalid_argument when the mode cannot run the test.
RunResult run_test(const litmus::Test& test, const NativeTest& native, const std::vector<litmus::CondTerm>& observed,
                   const RunOptions& options);

}  // namespace mh::run
