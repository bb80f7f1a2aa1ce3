// Consistency of an execution graph under RC11 (Lahav et al., PLDI 2017) or
// SC. The explorer adds events in porf order, so a new event is maximal: its
// coherence is a bound on where it may read or be placed in co, computed from
// its happens-before prefix. The SC parts (RC11's psc, or SC's acyclic
// po|rf|co|fr) are checked on relations, only when SC events are involved.
#pragma once

#include <cstddef>
#include <vector>

#include "graph.hpp"
#include "options.hpp"

namespace mh::check {

class Consistency {
 public:
  explicit Consistency(memory_model model) : model_(model) {}

  memory_model model() const { return model_; }

  // The lowest co position a write may have for `read` to read it, given
  // what happens before the read's thread position (coherence).
  std::size_t read_lower_bound(const Graph& g, EventRef read) const;
  // Insertion positions in co (1 = right after init) for a new plain write.
  std::vector<std::size_t> write_positions(const Graph& g, EventRef write) const;

  // The global part: psc acyclic (RC11) or po|rf|co|fr acyclic (SC), and
  // RMW atomicity. Cheap when no SC event is involved under RC11.
  bool global_ok(const Graph& g, EventRef changed) const;

 private:
  bool sc_model_ok(const Graph& g) const;
  bool psc_ok(const Graph& g) const;
  bool psc_accesses_ok(const Graph& g, EventRef changed) const;

  memory_model model_;
};

// RMW atomicity at one location: no two RMWs whose write parts exist read
// the same write.
bool atomicity_ok(const Graph& g, std::uint32_t location);

// Whether write `w` is read by an RMW whose write part is already in co.
bool read_by_rmw(const Graph& g, EventRef w, EventRef except_read);

}  // namespace mh::check
