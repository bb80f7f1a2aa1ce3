// A view (vector clock): for each thread, how many of its first events a set
// contains. porf- and hb-prefixes are views, so "is a before b" is one
// comparison and a prefix join is a loop over threads.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

namespace mh::check {

inline constexpr int kMaxThreads = 16;

struct EventRef {
  std::uint32_t thread = 0;
  std::uint32_t index = 0;
  friend bool operator==(const EventRef&, const EventRef&) = default;
};

inline constexpr EventRef kNoEvent{0xFFFFFFFFU, 0xFFFFFFFFU};

class View {
 public:
  View() { counts_.fill(0); }
  bool contains(EventRef e) const { return e.index < counts_[e.thread]; }
  std::uint32_t count(std::uint32_t thread) const { return counts_[thread]; }
  void include(EventRef e) {
    counts_[e.thread] = std::max<std::uint16_t>(counts_[e.thread], static_cast<std::uint16_t>(e.index + 1));
  }
  void join(const View& other) {
    for (int t = 0; t < kMaxThreads; ++t) counts_[t] = std::max(counts_[t], other.counts_[t]);
  }
  friend bool operator==(const View&, const View&) = default;

 private:
  // 16 bits: events per thread are bounded by check_options::max_steps_per_thread (at most 65,000).
  std::array<std::uint16_t, kMaxThreads> counts_;
};

}  // namespace mh::check
