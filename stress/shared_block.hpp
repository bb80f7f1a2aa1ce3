// The counters a variant and the processes it forks share with the watchdog:
// one anonymous shared mapping, lock-free fields only (a forked process may
// die anywhere, holding nothing).
#pragma once

#include <atomic>
#include <cstdint>

namespace mh::stress {

enum class WorkerState : int { idle = 0, running = 1, blocked = 2, finished = 3 };

struct alignas(64) WorkerSlot {
  std::atomic<std::uint64_t> operations{0};
  std::atomic<int> state{0};              // WorkerState
  std::atomic<std::int64_t> since_ns{0};  // when it entered its state
  std::atomic<int> pid{0};
  std::atomic<int> tid{0};  // for its scheduler state in /proc
  // The blocking call: a string literal, valid in every forked process.
  std::atomic<const char*> what{nullptr};
};

struct SharedBlock {
  std::int64_t start_ns = 0;
  std::atomic<int> stop{0};
  std::atomic<int> abort{0};
  std::atomic<std::uint64_t> violations{0};
  // 0: no failure recorded, 1: being written, 2: written.
  std::atomic<int> first_state{0};
  std::int64_t first_at_ns = 0;
  char first_kind[64]{};
  char first_details[1024]{};
  WorkerSlot slots[512];
};

}  // namespace mh::stress
