// Ulrich Drepper's futex-based mutexes ("Futexes Are Tricky", 2004-2011) on
// the real futex system call, with the single-change bugs the model checker
// finds (models/futex_mutex.cpp):
//
//   take 1: lock increments the word and sleeps while the count it got was
//           not 0; unlock stores 0 and always wakes one.
//   take 2: the word is 0 (free), 1 (locked), 2 (locked, maybe waiters);
//           lock is a cmpxchg 0->1, and a waiter marks 2 with a cmpxchg
//           1->2 before sleeping and locks with cmpxchg 0->2 after;
//           unlock is a fetch_sub that wakes one when the old value was 2.
//   take 3: take 2 with the waiter's cmpxchgs replaced by one exchange(2).
//
// Used by the stress variants (with a Context, so the watchdog sees who
// sleeps) and by bench/futex_mutex_bench (without).
#pragma once

#include <atomic>
#include <climits>
#include <cstdint>

#include "stress/context.hpp"
#include "stress/futex.hpp"

namespace mh::stress {

enum class Take { one, two, three };

inline void cpu_pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

struct MutexVariant {
  Take take = Take::three;
  std::memory_order acquire = std::memory_order_acquire;
  std::memory_order release = std::memory_order_release;
  bool unlock_wakes = true;
  bool relock_with_two = true;  // take 2: the waiter's cmpxchg after sleeping stores 2
};

class FutexMutex {
 public:
  // `context` may be null (no watchdog, no abort: a benchmark).
  FutexMutex(const MutexVariant& variant, Context* context) : v_(variant), context_(context) {}

  void lock(int worker) {
    switch (v_.take) {
      case Take::one: {
        std::uint32_t c;
        while ((c = word_.fetch_add(1, v_.acquire)) != 0) {
          if (!sleep(worker, c + 1, "futex_wait(lock, count)")) return;
        }
        return;
      }
      case Take::two: {
        std::uint32_t c = cmpxchg(0, 1);
        if (c == 0) return;
        do {
          if (c == 2 || cmpxchg(1, 2) != 0) {
            if (!sleep(worker, 2, "futex_wait(lock, 2)")) return;
          }
        } while ((c = cmpxchg(0, v_.relock_with_two ? 2 : 1)) != 0);
        return;
      }
      case Take::three: {
        std::uint32_t c = cmpxchg(0, 1);
        if (c == 0) return;
        if (c != 2) c = word_.exchange(2, v_.acquire);
        while (c != 0) {
          if (!sleep(worker, 2, "futex_wait(lock, 2)")) return;
          c = word_.exchange(2, v_.acquire);
        }
        return;
      }
    }
  }

  void unlock() {
    if (v_.take == Take::one) {
      word_.store(0, v_.release);
      if (v_.unlock_wakes) wake(1);
      return;
    }
    if (word_.fetch_sub(1, v_.release) != 1) {
      word_.store(0, v_.release);
      if (v_.unlock_wakes) wake(1);
    }
  }

  std::uint32_t value() const { return word_.load(std::memory_order_relaxed); }
  void wake_all() { futex_wake(word_, INT_MAX); }
  std::uint64_t wakes() const { return wakes_.load(std::memory_order_relaxed); }
  std::uint64_t sleeps() const { return sleeps_.load(std::memory_order_relaxed); }

 private:
  // False when the watchdog aborted the run: the caller gives up the lock
  // attempt and the worker leaves.
  bool sleep(int worker, std::uint32_t expected, const char* what) {
    // Without a context (a benchmark) nothing is counted: the counters'
    // shared cache line would slow the contended path down.
    if (context_ == nullptr) {
      futex_wait(word_, expected);
      return true;
    }
    sleeps_.fetch_add(1, std::memory_order_relaxed);
    context_->enter_blocking(worker, what);
    futex_wait(word_, expected);
    context_->leave_blocking(worker);
    return !context_->aborted();
  }

  void wake(int count) {
    if (context_ != nullptr) wakes_.fetch_add(1, std::memory_order_relaxed);
    futex_wake(word_, count);
  }

  std::uint32_t cmpxchg(std::uint32_t expected, std::uint32_t desired) {
    word_.compare_exchange_strong(expected, desired, v_.acquire, std::memory_order_relaxed);
    return expected;
  }

  MutexVariant v_;
  Context* context_;
  alignas(64) std::atomic<std::uint32_t> word_{0};
  alignas(64) std::atomic<std::uint64_t> wakes_{0};
  std::atomic<std::uint64_t> sleeps_{0};
};

}  // namespace mh::stress
