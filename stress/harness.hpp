// Runs one variant in this process: picks and pins its workers, starts the
// watchdog, stops the variant at the end of its time, turns a hang into a
// report, and judges the outcome.
#pragma once

#include <string>

#include "stress/context.hpp"
#include "stress/outcome.hpp"
#include "stress/variant.hpp"

namespace mh::stress {

struct HostFacts {
  std::string arch;  // uname machine
  bool emulated = false;
};

// Workers a variant gets for settings.threads (0: one per usable CPU).
int worker_count(const Variant& variant, const RunSettings& settings);

// An outcome that describes `variant` run with `settings` on `host`, before
// anything is counted.
Outcome outcome_of(const Variant& variant, const RunSettings& settings, const HostFacts& host);

// When the watchdog cannot wake a hung worker, the outcome says so
// (left_blocked) and the thread is detached: the caller's process should end
// soon (run_isolated's child does).
Outcome run_variant(const Variant& variant, const RunSettings& settings, const HostFacts& host);

}  // namespace mh::stress
