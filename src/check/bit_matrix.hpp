// A relation over the events of one execution graph as rows of bits, sized
// at run time (a graph may have hundreds of events). The same algebra as
// src/axiom/relation.hpp, whose 64-event rows a checked program outgrows.
#pragma once

#include <cstdint>
#include <vector>

namespace mh::check {

class BitMatrix {
 public:
  explicit BitMatrix(int size) : size_(size), words_((size + 63) / 64), bits_(static_cast<std::size_t>(size) * words_) {}

  int size() const { return size_; }
  bool has(int from, int to) const { return (row(from)[to / 64] >> (to % 64)) & 1U; }
  void add(int from, int to) { row(from)[to / 64] |= std::uint64_t{1} << (to % 64); }

  BitMatrix& operator|=(const BitMatrix& other) {
    for (std::size_t i = 0; i < bits_.size(); ++i) bits_[i] |= other.bits_[i];
    return *this;
  }
  friend BitMatrix operator|(BitMatrix a, const BitMatrix& b) { return a |= b; }
  friend BitMatrix operator&(BitMatrix a, const BitMatrix& b) {
    for (std::size_t i = 0; i < a.bits_.size(); ++i) a.bits_[i] &= b.bits_[i];
    return a;
  }
  friend BitMatrix operator-(BitMatrix a, const BitMatrix& b) {
    for (std::size_t i = 0; i < a.bits_.size(); ++i) a.bits_[i] &= ~b.bits_[i];
    return a;
  }

  // a ; b
  friend BitMatrix seq(const BitMatrix& a, const BitMatrix& b) {
    BitMatrix r(a.size_);
    for (int i = 0; i < a.size_; ++i) {
      std::uint64_t* out = r.row(i);
      const std::uint64_t* in = a.row(i);
      for (int w = 0; w < a.words_; ++w) {
        std::uint64_t bits = in[w];
        while (bits != 0) {
          const int k = w * 64 + __builtin_ctzll(bits);
          bits &= bits - 1;
          const std::uint64_t* bk = b.row(k);
          for (int x = 0; x < a.words_; ++x) out[x] |= bk[x];
        }
      }
    }
    return r;
  }

  // [s] ; this ; [t], with the sets given as membership vectors.
  BitMatrix restricted(const std::vector<bool>& from, const std::vector<bool>& to) const {
    BitMatrix r(size_);
    for (int i = 0; i < size_; ++i) {
      if (!from[i]) continue;
      for (int j = 0; j < size_; ++j)
        if (to[j] && has(i, j)) r.add(i, j);
    }
    return r;
  }

  BitMatrix with_identity(const std::vector<bool>& on) const {  // this | [on]
    BitMatrix r = *this;
    for (int i = 0; i < size_; ++i)
      if (on[i]) r.add(i, i);
    return r;
  }

  // Transitive closure (Warshall, one row-or per pair).
  BitMatrix plus() const {
    BitMatrix r = *this;
    for (int k = 0; k < size_; ++k) {
      const std::uint64_t* rk = r.row(k);
      for (int i = 0; i < size_; ++i) {
        if (!r.has(i, k)) continue;
        std::uint64_t* ri = r.row(i);
        for (int x = 0; x < words_; ++x) ri[x] |= rk[x];
      }
    }
    return r;
  }

  bool irreflexive() const {
    for (int i = 0; i < size_; ++i)
      if (has(i, i)) return false;
    return true;
  }
  bool acyclic() const { return plus().irreflexive(); }

 private:
  std::uint64_t* row(int i) { return bits_.data() + static_cast<std::size_t>(i) * words_; }
  const std::uint64_t* row(int i) const { return bits_.data() + static_cast<std::size_t>(i) * words_; }

  int size_;
  int words_;
  std::vector<std::uint64_t> bits_;
};

}  // namespace mh::check
