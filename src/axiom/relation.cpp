#include "axiom/relation.hpp"

namespace mh::axiom {

Relation seq(const Relation& a, const Relation& b) {
  Relation result;
  for (int i = 0; i < kMaxEvents; ++i) {
    EventSet via = a.row(i);
    EventSet out = 0;
    while (via != 0) {
      int k = std::countr_zero(via);
      via &= via - 1;
      out |= b.row(k);
    }
    result.row(i) = out;
  }
  return result;
}

Relation inverse(const Relation& r) {
  Relation result;
  for (int i = 0; i < kMaxEvents; ++i) {
    EventSet row = r.row(i);
    while (row != 0) {
      int j = std::countr_zero(row);
      row &= row - 1;
      result.add(j, i);
    }
  }
  return result;
}

// Warshall's algorithm on bit rows: after step k, i reaches j through
// intermediate events < k.
Relation plus(const Relation& r) {
  Relation result = r;
  for (int k = 0; k < kMaxEvents; ++k) {
    EventSet through = result.row(k);
    if (through == 0) continue;
    EventSet bit = EventSet{1} << k;
    for (int i = 0; i < kMaxEvents; ++i)
      if (result.row(i) & bit) result.row(i) |= through;
  }
  return result;
}

Relation identity(EventSet s) {
  Relation result;
  while (s != 0) {
    int i = std::countr_zero(s);
    s &= s - 1;
    result.add(i, i);
  }
  return result;
}

Relation star(const Relation& r, EventSet all) { return plus(r) | identity(all); }
Relation optional(const Relation& r, EventSet all) { return r | identity(all); }

Relation cross(EventSet from, EventSet to) {
  Relation result;
  while (from != 0) {
    int i = std::countr_zero(from);
    from &= from - 1;
    result.row(i) = to;
  }
  return result;
}

Relation restrict(const Relation& r, EventSet from, EventSet to) {
  Relation result;
  for (int i = 0; i < kMaxEvents; ++i)
    if ((from >> i) & 1U) result.row(i) = r.row(i) & to;
  return result;
}

bool irreflexive(const Relation& r) {
  for (int i = 0; i < kMaxEvents; ++i)
    if (r.has(i, i)) return false;
  return true;
}

bool acyclic(const Relation& r) { return irreflexive(plus(r)); }

}  // namespace mh::axiom
