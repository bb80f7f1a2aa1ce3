// Runs variants each in a forked process of its own, so that a crash, a hang
// the watchdog cannot undo or a leaked process never takes the command down:
// the supervisor reads the outcome through a pipe, kills the process group
// when it overruns, and removes the variant's shared-memory names on every
// path.
#pragma once

#include <functional>
#include <string>

#include "stress/harness.hpp"

namespace mh::stress {

// Called about ten times a second while a variant runs, with its elapsed time.
using ProgressCallback = std::function<void(double elapsed_seconds)>;

Outcome run_isolated(const Variant& variant, const RunSettings& settings, const HostFacts& host,
                     const ProgressCallback& progress);

// SIGINT and SIGTERM end the running variant's process group and make
// run_isolated return an outcome with verdict "interrupted" (no verdict on
// the variant); the caller then stops. Restored by the destructor.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  static bool interrupted();
  static int signal_number();  // the signal received, 0 if none
};

}  // namespace mh::stress
