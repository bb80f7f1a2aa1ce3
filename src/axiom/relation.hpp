// Binary relations over the (at most 64) events of one candidate execution,
// as one 64-bit row per event. The models are written with these operators
// the way herd's .cat files are: `acyclic(po | rf | co | fr)`.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace mh::axiom {

inline constexpr int kMaxEvents = 64;

// A set of events, bit i = event i.
using EventSet = std::uint64_t;

class Relation {
 public:
  Relation() { rows_.fill(0); }

  bool has(int from, int to) const { return (rows_[from] >> to) & 1U; }
  void add(int from, int to) { rows_[from] |= EventSet{1} << to; }
  EventSet row(int from) const { return rows_[from]; }
  EventSet& row(int from) { return rows_[from]; }

  bool empty() const {
    for (EventSet r : rows_)
      if (r != 0) return false;
    return true;
  }
  EventSet domain() const {
    EventSet d = 0;
    for (int i = 0; i < kMaxEvents; ++i)
      if (rows_[i] != 0) d |= EventSet{1} << i;
    return d;
  }
  EventSet range() const {
    EventSet r = 0;
    for (EventSet row : rows_) r |= row;
    return r;
  }

  friend Relation operator|(const Relation& a, const Relation& b) {
    Relation r;
    for (int i = 0; i < kMaxEvents; ++i) r.rows_[i] = a.rows_[i] | b.rows_[i];
    return r;
  }
  friend Relation operator&(const Relation& a, const Relation& b) {
    Relation r;
    for (int i = 0; i < kMaxEvents; ++i) r.rows_[i] = a.rows_[i] & b.rows_[i];
    return r;
  }
  // Set difference, herd's `\`.
  friend Relation operator-(const Relation& a, const Relation& b) {
    Relation r;
    for (int i = 0; i < kMaxEvents; ++i) r.rows_[i] = a.rows_[i] & ~b.rows_[i];
    return r;
  }
  Relation& operator|=(const Relation& b) {
    for (int i = 0; i < kMaxEvents; ++i) rows_[i] |= b.rows_[i];
    return *this;
  }
  friend bool operator==(const Relation& a, const Relation& b) { return a.rows_ == b.rows_; }

 private:
  std::array<EventSet, kMaxEvents> rows_;
};

// herd's `a; b`.
Relation seq(const Relation& a, const Relation& b);
template <typename... Rest>
Relation seq(const Relation& a, const Relation& b, const Rest&... rest) {
  return seq(seq(a, b), rest...);
}

Relation inverse(const Relation& r);             // r^-1
Relation plus(const Relation& r);                // r+
Relation star(const Relation& r, EventSet all);  // r* over the events of `all`
Relation optional(const Relation& r, EventSet all);  // r?
Relation identity(EventSet s);                   // [s]
Relation cross(EventSet from, EventSet to);      // from * to
// Restrictions, herd's WW(r), RM(r) ...: [from]; r; [to].
Relation restrict(const Relation& r, EventSet from, EventSet to);

bool acyclic(const Relation& r);
bool irreflexive(const Relation& r);

}  // namespace mh::axiom
