// The futex, as Linux implements FUTEX_WAIT and FUTEX_WAKE (futex(2),
// kernel/futex/waitwake.c), for the model checker.
//
// A futex_word is a 32-bit atomic with std::atomic's operations. The kernel's
// wait queue for it is kept in the same modeled location, beside the value:
// futex_wait's compare and its queueing are then one atomic step, as they are
// in the kernel (both under the hash bucket's lock), and a futex_wake that
// comes after a store in its thread sees every waiter whose compare read a
// value older than that store (coherence: the compare is ordered before the
// store in the location's modification order). That is exactly the no-lost-
// wake-up guarantee that the kernel's barriers (A) and (B) provide.
//
// Which write the compare reads: when it matches, the latest write of the
// word at the place the wait takes in the word's modification order, which
// the search explores like any read-modify-write's place; when it does not
// (EAGAIN), any write coherence allows. A waiter never sleeps on a value
// older than a write that happens before it, nor older than a store after
// which a wake missed it. (Relacy lets the compare read any stale value, and
// so reports lost wake-ups the kernel never has.)
//
// A known limit: store() is a read-modify-write (it keeps the queue). Its
// read orders nothing, but RC11 forbids po/rf cycles, so a few load-buffering
// executions through the word that relaxed code may show are not explored
// (docs/protocols.md).
//
// The futex orders nothing else: the kernel's changes to the queue are
// transparent (reading the word after one is reading the user's write before
// it), and a woken futex_wait does not happen after the futex_wake that woke
// it (glibc documents no such guarantee), so data handed over by a futex
// alone races. futex_options::wake_synchronizes asks for Linux's actual
// behaviour, where a wake-up implies a full barrier: the wake releases, the
// woken wait acquires.
//
// Waiters are woken in the order they queued (the kernel's plist keeps FIFO
// order among equal priorities), at most 7 queued on one word. Spurious
// wake-ups (futex(2): a wait may return 0 with no wake) are explored with
// futex_options::spurious_wakeups, at most once in a row per thread and word.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <type_traits>

#include "../check/source_location.hpp"
#include "../check/runtime.hpp"
#include "../check/view.hpp"

namespace mh::os {

struct futex_options {
  bool wake_synchronizes = false;  // a woken wait happens after its wake (Linux's scheduler barrier)
  bool spurious_wakeups = false;   // a wait may return without a wake
};

enum class futex_result : std::uint8_t {
  woken,          // a futex_wake woke it: the syscall returns 0
  value_changed,  // the word did not hold `expected`: -1 with errno EAGAIN
  spurious,       // returned without a wake (spurious_wakeups only): 0 as well
};

namespace detail {

// The untyped word: the value in the low 32 bits, the queue above.
class futex_location {
 public:
  futex_location(std::uint32_t initial, bool is_signed, const char* name, futex_options options,
                 check::source_location where);
  std::uint32_t load(std::memory_order order, check::source_location where) const;
  void store(std::uint32_t value, std::memory_order order, check::source_location where);
  std::uint32_t exchange(std::uint32_t value, std::memory_order order, check::source_location where);
  std::uint32_t fetch_add(std::uint32_t operand, std::memory_order order, check::source_location where,
                          const char* label = nullptr);
  bool compare_exchange(std::uint32_t& expected, std::uint32_t desired, std::memory_order success,
                        std::memory_order failure, check::source_location where);
  futex_result wait(std::uint32_t expected, check::source_location where);
  int wake(int count, check::source_location where);

 private:
  check::LocationId location_;
  futex_options options_;
  // Per thread, touched only by that thread: its last wait returned spuriously.
  std::array<bool, check::kMaxThreads> spurious_before_{};
};

}  // namespace detail

template <typename T = int>
class futex_word {
  static_assert(sizeof(T) == 4 && std::is_integral_v<T>, "a futex word is a 32-bit integer");

 public:
  using value_type = T;

  explicit futex_word(T initial, const char* name = nullptr, futex_options options = {},
                      check::source_location where = check::source_location::current())
      : word_(static_cast<std::uint32_t>(initial), std::is_signed_v<T>, name, options, where) {}
  futex_word(const futex_word&) = delete;
  futex_word& operator=(const futex_word&) = delete;

  T load(std::memory_order order = std::memory_order_seq_cst,
         check::source_location where = check::source_location::current()) const {
    return static_cast<T>(word_.load(order, where));
  }
  void store(T value, std::memory_order order = std::memory_order_seq_cst,
             check::source_location where = check::source_location::current()) {
    word_.store(static_cast<std::uint32_t>(value), order, where);
  }
  T exchange(T value, std::memory_order order = std::memory_order_seq_cst,
             check::source_location where = check::source_location::current()) {
    return static_cast<T>(word_.exchange(static_cast<std::uint32_t>(value), order, where));
  }
  T fetch_add(T operand, std::memory_order order = std::memory_order_seq_cst,
              check::source_location where = check::source_location::current()) {
    return static_cast<T>(word_.fetch_add(static_cast<std::uint32_t>(operand), order, where));
  }
  T fetch_sub(T operand, std::memory_order order = std::memory_order_seq_cst,
              check::source_location where = check::source_location::current()) {
    return static_cast<T>(word_.fetch_add(0U - static_cast<std::uint32_t>(operand), order, where, "fetch_sub"));
  }
  // No spurious failures: compare_exchange_weak behaves as the strong one.
  bool compare_exchange_strong(T& expected, T desired, std::memory_order success, std::memory_order failure,
                               check::source_location where = check::source_location::current()) {
    auto seen = static_cast<std::uint32_t>(expected);
    const bool exchanged = word_.compare_exchange(seen, static_cast<std::uint32_t>(desired), success, failure, where);
    expected = static_cast<T>(seen);
    return exchanged;
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order order = std::memory_order_seq_cst,
                               check::source_location where = check::source_location::current()) {
    return compare_exchange_strong(expected, desired, order, failure_order(order), where);
  }

  detail::futex_location& untyped() { return word_; }

 private:
  static constexpr std::memory_order failure_order(std::memory_order order) {
    if (order == std::memory_order_acq_rel) return std::memory_order_acquire;
    if (order == std::memory_order_release) return std::memory_order_relaxed;
    return order;
  }

  detail::futex_location word_;
};

// FUTEX_WAIT: sleeps until woken if the word holds `expected`.
template <typename T>
futex_result futex_wait(futex_word<T>& word, T expected,
                        check::source_location where = check::source_location::current()) {
  return word.untyped().wait(static_cast<std::uint32_t>(expected), where);
}

// FUTEX_WAKE: wakes at most `count` waiters; returns how many it woke.
template <typename T>
int futex_wake(futex_word<T>& word, int count, check::source_location where = check::source_location::current()) {
  return word.untyped().wake(count, where);
}

}  // namespace mh::os
