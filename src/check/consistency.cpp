#include "consistency.hpp"

#include <algorithm>

#include "bit_matrix.hpp"

namespace mh::check {

namespace {

bool is_memory(const Event& e) {
  return e.kind == EventKind::Read || e.kind == EventKind::Write || e.kind == EventKind::Init;
}

// What happens before position `e` of its thread, not counting e itself.
View hb_before(const Graph& g, EventRef e) {
  if (e.index > 0) return g.at({e.thread, e.index - 1}).hb;
  const EventRef spawn = g.thread(e.thread).spawned_by;
  return spawn == kNoEvent ? View() : g.at(spawn).hb;
}

// The co position of the latest write that `before` (an hb prefix) has
// written or read at the location. In a coherent graph the accesses of one
// thread to one location see co in program order (CoWW, CoRR, CoWR, CoRW), so
// each thread's last such access in the prefix is the only one to look at.
std::size_t coherence_bound(const Graph& g, std::uint32_t location, const View& before, EventRef self) {
  std::size_t bound = 0;
  for (std::uint32_t t = 0; t < g.thread_count(); ++t) {
    const auto& events = g.thread(t).events;
    const std::uint32_t n = std::min<std::uint32_t>(before.count(t), static_cast<std::uint32_t>(events.size()));
    for (std::uint32_t i = n; i-- > 0;) {
      const Event& e = events[i];
      if (!is_memory(e) || e.location != location || EventRef{t, i} == self) continue;
      if (e.kind != EventKind::Read) {
        bound = std::max(bound, g.co_position({t, i}));
        break;
      }
      if (e.rf == kNoEvent) continue;
      bound = std::max(bound, g.co_position(e.rf));
      break;
    }
  }
  return bound;
}

// Dense numbering of a graph's events for the relational checks.
struct Numbering {
  std::vector<std::uint32_t> offset;
  std::vector<EventRef> refs;
  explicit Numbering(const Graph& g) {
    for (std::uint32_t t = 0; t < g.thread_count(); ++t) {
      offset.push_back(static_cast<std::uint32_t>(refs.size()));
      for (std::uint32_t i = 0; i < g.thread_size(t); ++i) refs.push_back({t, i});
    }
  }
  int id(EventRef e) const { return static_cast<int>(offset[e.thread] + e.index); }
  int size() const { return static_cast<int>(refs.size()); }
};

struct BaseRelations {
  BitMatrix sb, rf, co, fr, loc;
  explicit BaseRelations(int n) : sb(n), rf(n), co(n), fr(n), loc(n) {}
};

BaseRelations base_relations(const Graph& g, const Numbering& num) {
  const int n = num.size();
  BaseRelations rel(n);
  BitMatrix po_edges(n);
  for (std::uint32_t t = 0; t < g.thread_count(); ++t) {
    const auto& th = g.thread(t);
    for (std::uint32_t i = 1; i < th.events.size(); ++i) po_edges.add(num.id({t, i - 1}), num.id({t, i}));
    if (th.spawned_by != kNoEvent && !th.events.empty()) po_edges.add(num.id(th.spawned_by), num.id({t, 0}));
    for (std::uint32_t i = 0; i < th.events.size(); ++i) {
      const Event& e = th.events[i];
      if (e.kind == EventKind::Join && g.thread_size(e.thread_arg) > 0)
        po_edges.add(num.id({e.thread_arg, g.thread_size(e.thread_arg) - 1}), num.id({t, i}));
    }
  }
  rel.sb = po_edges.plus();
  for (std::uint32_t l = 0; l < g.location_count(); ++l) {
    const auto& co = g.location(l).co;
    for (std::size_t p = 0; p < co.size(); ++p)
      for (std::size_t q = p + 1; q < co.size(); ++q) rel.co.add(num.id(co[p]), num.id(co[q]));
  }
  std::vector<std::uint32_t> location_of(n, 0xFFFFFFFFU);
  for (int i = 0; i < n; ++i) {
    const Event& e = g.at(num.refs[i]);
    if (!is_memory(e)) continue;
    location_of[i] = e.location;
    if (e.kind == EventKind::Read && e.rf != kNoEvent) {
      const int w = num.id(e.rf);
      rel.rf.add(w, i);
      const auto& co = g.location(e.location).co;
      for (std::size_t q = g.co_position(e.rf) + 1; q < co.size(); ++q) rel.fr.add(i, num.id(co[q]));
    }
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (location_of[i] != 0xFFFFFFFFU && location_of[i] == location_of[j]) rel.loc.add(i, j);
  return rel;
}

}  // namespace

std::size_t Consistency::read_lower_bound(const Graph& g, EventRef read) const {
  return coherence_bound(g, g.at(read).location, hb_before(g, read), read);
}

std::vector<std::size_t> Consistency::write_positions(const Graph& g, EventRef write) const {
  const Event& w = g.at(write);
  const auto& co = g.location(w.location).co;
  std::vector<std::size_t> positions;
  // Under SC every position is tried and the global check decides.
  const std::size_t bound = model_ == memory_model::sc ? 0 : coherence_bound(g, w.location, hb_before(g, write), write);
  for (std::size_t p = bound + 1; p <= co.size(); ++p) {
    if (p < co.size()) {
      // Never between an RMW's write and the write it read (atomicity).
      const Event& next = g.at(co[p]);
      if (next.rmw && next.kind == EventKind::Write) {
        const Event& read_part = g.at({co[p].thread, co[p].index - 1});
        if (read_part.rf == co[p - 1]) continue;
      }
    }
    positions.push_back(p);
  }
  return positions;
}

bool read_by_rmw(const Graph& g, EventRef w, EventRef except_read) {
  const Event& we = g.at(w);
  const auto& co = g.location(we.location).co;
  const std::size_t p = g.co_position(w);
  if (p + 1 >= co.size()) return false;
  const EventRef next = co[p + 1];
  const Event& ne = g.at(next);
  if (!ne.rmw || ne.kind != EventKind::Write) return false;
  const EventRef read_part{next.thread, next.index - 1};
  return g.at(read_part).rf == w && !(read_part == except_read);
}

bool atomicity_ok(const Graph& g, std::uint32_t location) {
  std::vector<EventRef> sources;
  for (std::uint32_t t = 0; t < g.thread_count(); ++t) {
    const auto& events = g.thread(t).events;
    for (std::uint32_t i = 0; i + 1 < events.size(); ++i) {
      const Event& e = events[i];
      if (e.kind == EventKind::Read && e.location == location && e.rmw && events[i + 1].rmw &&
          events[i + 1].kind == EventKind::Write)
        sources.push_back(e.rf);
    }
  }
  for (std::size_t a = 0; a < sources.size(); ++a)
    for (std::size_t b = a + 1; b < sources.size(); ++b)
      if (sources[a] == sources[b]) return false;
  return true;
}

bool Consistency::global_ok(const Graph& g, EventRef changed) const {
  if (model_ == memory_model::sc) return sc_model_ok(g);
  if (g.has_sc_fence()) return psc_ok(g);
  // Only SC accesses: a psc cycle would pass through the changed event.
  return g.at(changed).mode != Mode::SeqCst || psc_accesses_ok(g, changed);
}

// psc when the SC events are all accesses: psc = [Esc]; scb; [Esc], decided
// pair by pair with views instead of relations over the whole graph. For
// (sb|≠loc); hb; (sb|≠loc) it is enough to look at the first event after a
// whose location differs and the last one before b: sb is in hb, which is
// transitive. Thread creation and join edges of sb pass through such events
// (spawn, start, end and join have no location).
// The graph was consistent before `changed` was added or given a new write to
// read (a revisit keeps a porf-closed part of a consistent graph, whose psc
// edges are among the old ones), and only edges at `changed` differ: a cycle
// has to pass through it, so a search from it decides.
bool Consistency::psc_accesses_ok(const Graph& g, EventRef changed) const {
  // `changed` is maximal (nothing follows it in its thread or happens after
  // it), so its only psc successors are writes later in co than it, or than
  // the write it reads: none when that is the last write of the location.
  const Event& c = g.at(changed);
  const EventRef last_write = g.location(c.location).co.back();
  if (c.kind == EventKind::Read ? c.rf == last_write : changed == last_write) return true;
  struct ScAccess {
    EventRef ref;
    const Event* event;
    std::size_t position;   // co position of the write, or of the write a read reads
    EventRef after_other;   // first po-later event not on its location, or kNoEvent
    const View* before_other_hb;  // hb of the last po-earlier event not on its location, or null
    EventRef before_other;
  };
  constexpr std::size_t kNone = ~std::size_t{0};
  thread_local std::vector<ScAccess> sc;
  sc.clear();
  std::size_t start = kNone;
  const auto other_location = [&](const Event& x, std::uint32_t location) {
    return !is_memory(x) || x.location != location;
  };
  for (std::uint32_t t = 0; t < g.thread_count(); ++t) {
    const auto& events = g.thread(t).events;
    for (std::uint32_t i = 0; i < events.size(); ++i) {
      const Event& e = events[i];
      if (e.mode != Mode::SeqCst || !is_memory(e)) continue;
      ScAccess a{{t, i}, &e, kNone, kNoEvent, nullptr, kNoEvent};
      if (e.kind != EventKind::Read) a.position = g.co_position({t, i});
      else if (e.rf != kNoEvent) a.position = g.co_position(e.rf);
      for (std::uint32_t j = i + 1; j < events.size(); ++j)
        if (other_location(events[j], e.location)) {
          a.after_other = {t, j};
          break;
        }
      for (std::uint32_t j = i; j-- > 0;)
        if (other_location(events[j], e.location)) {
          a.before_other = {t, j};
          a.before_other_hb = &events[j].hb;
          break;
        }
      if (a.ref == changed) start = sc.size();
      sc.push_back(a);
    }
  }
  if (start == kNone) return true;
  const auto edge = [&](const ScAccess& a, const ScAccess& b) {
    if (a.ref.thread == b.ref.thread && a.ref.index < b.ref.index) return true;  // sb
    const Event& ea = *a.event;
    const Event& eb = *b.event;
    if (ea.location == eb.location) {
      if (eb.hb.contains(a.ref)) return true;  // hb|loc
      const bool b_writes = eb.kind != EventKind::Read;
      if (b_writes && a.position != kNone && a.position < b.position) return true;  // co (a writes) or fr (a reads)
    }
    if (a.after_other == kNoEvent || b.before_other == kNoEvent) return false;
    return a.after_other == b.before_other || b.before_other_hb->contains(a.after_other);
  };
  // Depth-first search for a path from `changed` back to itself.
  thread_local std::vector<bool> seen;
  thread_local std::vector<std::size_t> todo;
  seen.assign(sc.size(), false);
  todo.assign(1, start);
  while (!todo.empty()) {
    const std::size_t i = todo.back();
    todo.pop_back();
    for (std::size_t j = 0; j < sc.size(); ++j) {
      if (j == i || !edge(sc[i], sc[j])) continue;
      if (j == start) return false;
      if (!seen[j]) {
        seen[j] = true;
        todo.push_back(j);
      }
    }
  }
  return true;
}

bool Consistency::sc_model_ok(const Graph& g) const {
  const Numbering num(g);
  const BaseRelations rel = base_relations(g, num);
  return (rel.sb | rel.rf | rel.co | rel.fr).acyclic();
}

bool Consistency::psc_ok(const Graph& g) const {
  const Numbering num(g);
  const int n = num.size();
  const BaseRelations rel = base_relations(g, num);
  BitMatrix hb(n);
  std::vector<bool> sc(n, false), sc_fence(n, false);
  for (int i = 0; i < n; ++i) {
    const Event& e = g.at(num.refs[i]);
    for (int j = 0; j < n; ++j)
      if (i != j && e.hb.contains(num.refs[j])) hb.add(j, i);
    if (e.mode == Mode::SeqCst && (is_memory(e) || e.kind == EventKind::Fence)) {
      sc[i] = true;
      if (e.kind == EventKind::Fence) sc_fence[i] = true;
    }
  }
  const BitMatrix sb_other_location = rel.sb - rel.loc;
  const BitMatrix scb =
      rel.sb | seq(seq(sb_other_location, hb), sb_other_location) | (hb & rel.loc) | rel.co | rel.fr;
  std::vector<bool> none(n, false);
  BitMatrix left(n), right(n);
  for (int a = 0; a < n; ++a) {
    if (sc[a]) left.add(a, a), right.add(a, a);
    if (!sc_fence[a]) continue;
    for (int x = 0; x < n; ++x) {
      if (hb.has(a, x)) left.add(a, x);
      if (hb.has(x, a)) right.add(x, a);
    }
  }
  const BitMatrix psc_base = seq(seq(left, scb), right).restricted(sc, sc);
  const BitMatrix eco = (rel.rf | rel.co | rel.fr).plus();
  const BitMatrix psc_fence = (hb | seq(seq(hb, eco), hb)).restricted(sc_fence, sc_fence);
  return (psc_base | psc_fence).acyclic();
}

}  // namespace mh::check
