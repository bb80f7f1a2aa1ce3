// A candidate execution: the events of one choice of per-thread paths, with
// the relations the models are written over (herd's names).
#pragma once

#include <vector>

#include "axiom/relation.hpp"
#include "litmus/ast.hpp"

namespace mh::axiom {

struct Event {
  enum class Kind : std::uint8_t { Read, Write, Fence };
  Kind kind = Kind::Read;
  bool is_init = false;  // the initial write of a location (thread -1)
  int thread = -1;
  int location = -1;     // -1 for fences
  litmus::Value value = 0;
  litmus::MemOrder order = litmus::MemOrder::NonAtomic;
  std::uint8_t flags = 0;  // litmus::AccessFlag
  litmus::FenceKind fence = litmus::FenceKind::C;
  litmus::Pos pos;       // the instruction that produced it
};

struct Execution {
  std::vector<Event> events;

  // Event sets.
  EventSet all = 0, reads = 0, writes = 0, fences = 0, init = 0;

  // Fixed by the chosen paths.
  Relation po;    // program order (init events are in no thread)
  Relation loc;   // same location, memory events only
  Relation ext;   // different threads (init is apart from every thread)
  Relation rmw;   // read -> write of one atomic read-modify-write
  Relation addr, data, ctrl;  // dependencies from a read

  // Chosen per candidate.
  Relation rf;  // write -> read
  Relation co;  // per-location total order on writes, init first

  EventSet memory() const { return reads | writes; }
  // Events satisfying `pred`.
  template <typename Pred>
  EventSet select(Pred pred) const {
    EventSet s = 0;
    for (std::size_t i = 0; i < events.size(); ++i)
      if (pred(events[i])) s |= EventSet{1} << i;
    return s;
  }
};

// The relations derived from rf and co that every model uses.
struct Derived {
  Relation fr, rfe, rfi, coe, coi, fre, fri, po_loc, internal;
  explicit Derived(const Execution& x);
};

}  // namespace mh::axiom
