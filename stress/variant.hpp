// A stress variant: one protocol run for real (real syscalls, real threads
// and processes) under one choice of channel, orders or bug. Variants
// register themselves; `memharness stress` and the per-protocol binaries run
// them by name ("protocol/variant").
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace mh::stress {

class Context;

enum class Expectation {
  correct,  // must never fail: a violation or a hang is a failure (exit 1)
  hunted,   // a deliberate bug: found is as expected; not found is a warning
};

struct Variant {
  std::string protocol;     // "pipe_handoff", "futex_mutex", "shm_semaphore"
  std::string name;         // "pipe", "take3", "relaxed-pointer", ...
  std::string description;  // one line: what runs and what is checked
  Expectation expectation = Expectation::correct;
  // Where the hunted bug is expected to show, as uname machine names
  // ("aarch64"); empty: on every architecture. Elsewhere, not finding it is
  // the expected result (x86's TSO forbids the MP reordering), not a warning.
  std::vector<std::string> hunted_on;
  // The hunted bug needs the hardware to reorder (two cores running the
  // racing code at once), not only an unlucky interleaving: on a loaded or
  // single-core machine it may not show.
  bool reordering = false;
  // Worker threads this variant uses for a requested thread count (the
  // harness pins and counts them); by default the requested count.
  std::function<int(int requested)> workers;
  std::function<void(Context&)> run;

  std::string full_name() const { return protocol + "/" + name; }
};

// A variant with two workers, the shape most have (a caller sets `workers`
// where its own differs).
Variant two_worker_variant(std::string protocol, std::string name, std::string description,
                           Expectation expectation, std::vector<std::string> hunted_on, bool reordering,
                           std::function<void(Context&)> run);

// Registers at static initialisation; returns true so it can initialise a
// namespace-scope constant.
bool register_variant(Variant variant);

// Every registered variant, sorted by protocol then registration order.
const std::vector<Variant>& registered_variants();

}  // namespace mh::stress
