// Drepper's futex mutexes ("Futexes Are Tricky") on the real futex system
// call: T workers hammer a counter that only the lock protects, and every
// critical section checks that it is alone. The same variants as the model
// (models/futex_mutex.cpp), plus the reorder hunters that real cores break.
//
// The critical section's checks use relaxed atomics only and the counter is a
// ProtectedWord: they add no ordering of their own, so a lock whose orders are
// too weak shows up as two owners at once or as increments lost (and, under
// ThreadSanitizer, as a race on the counter).
#include <fmt/format.h>
#include <atomic>
#include <climits>
#include <cstdint>
#include <memory>
#include <vector>

#include "stress/context.hpp"
#include "stress/drepper_mutex.hpp"
#include "stress/futex.hpp"
#include "stress/protected_word.hpp"
#include "stress/variant.hpp"

namespace mh::stress {
namespace {

using std::memory_order;
using std::memory_order_acquire;
using std::memory_order_relaxed;
using std::memory_order_release;

// The data only the lock protects, and the checks of a critical section.
struct ProtectedCounter {
  alignas(64) std::atomic<int> owner{-1};
  ProtectedWord counter{0};

  void critical_section(Context& context, int worker, unsigned hold = 0) {
    const int before = owner.load(memory_order_relaxed);
    if (before != -1)
      context.violation(
          "mutual exclusion",
          fmt::format("worker {} entered the critical section while worker {} was in it", worker, before));
    owner.store(worker, memory_order_relaxed);
    // A read-modify-write in two steps: two owners at once lose increments.
    const std::uint64_t value = counter.load();
    for (unsigned i = 0; i < hold; ++i) cpu_pause();
    counter.store(value + 1);
    const int after = owner.load(memory_order_relaxed);
    if (after != worker)
      context.violation(
          "mutual exclusion",
          after == -1
              ? fmt::format("another worker entered and left the critical section while "
                            "worker {} held it",
                            worker)
              : fmt::format("worker {} found worker {} in the critical section it held", worker, after));
    owner.store(-1, memory_order_relaxed);
  }

  void check_total(Context& context, std::uint64_t increments) {
    const std::uint64_t final_value = counter.load();
    if (final_value != increments)
      context.violation("lost increments",
                        fmt::format("the protected counter is {} after {} increments ({} lost)", final_value,
                                    increments, static_cast<std::int64_t>(increments - final_value)));
  }
};

// Workers meet at the end of every round: a worker asleep after a lost
// wake-up then stays asleep (nobody contends any more to wake it by chance)
// and the others wait here for it, so the watchdog sees every worker blocked.
// The last to arrive decides for all whether another round starts, so no
// worker waits for one that already left.
class RoundBarrier {
 public:
  RoundBarrier(Context& context, int workers) : context_(context), workers_(std::uint32_t(workers)) {}

  // False when the run is over.
  bool next_round(int worker) {
    const std::uint32_t round = generation_.load(memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == workers_) {
      arrived_.store(0, memory_order_relaxed);
      last_round_.store(context_.stopping(), memory_order_relaxed);
      generation_.store(round + 1, memory_order_release);
      futex_wake(generation_, INT_MAX);
    } else {
      while (generation_.load(memory_order_acquire) == round) {
        context_.enter_blocking(worker, "futex_wait(round barrier)");
        futex_wait(generation_, round);
        context_.leave_blocking(worker);
        if (context_.aborted()) return false;
      }
    }
    return !last_round_.load(memory_order_relaxed);
  }

  void wake_all() { futex_wake(generation_, INT_MAX); }
  std::uint32_t waiting() const { return arrived_.load(memory_order_relaxed); }

 private:
  Context& context_;
  const std::uint32_t workers_;
  alignas(64) std::atomic<std::uint32_t> arrived_{0};
  alignas(64) std::atomic<std::uint32_t> generation_{0};
  std::atomic<bool> last_round_{false};
};

void run_mutex(Context& context, const MutexVariant& variant) {
  FutexMutex mutex(variant, &context);
  ProtectedCounter data;
  RoundBarrier barrier(context, context.workers());
  std::vector<std::uint64_t> increments(static_cast<std::size_t>(context.workers()), 0);
  const auto hang_hooks = context.on_hang(
      [&] {
        return fmt::format(
            "futex word = {}, {} workers waiting at the end of the round, {} futex_wait calls, {} "
            "futex_wake calls",
            mutex.value(), barrier.waiting(), mutex.sleeps(), mutex.wakes());
      },
      [&] {
        mutex.wake_all();
        barrier.wake_all();
      });
  context.run_threads(context.workers(), [&](int worker) {
    // Rounds of random length (1 to 256 critical sections), so the end of a
    // round falls anywhere in the protocol's cycle.
    std::uint64_t random = context.seed() * 0x9e3779b97f4a7c15ull + std::uint64_t(worker) + 1;
    std::uint64_t done = 0;
    do {
      random ^= random << 13;
      random ^= random >> 7;
      random ^= random << 17;
      const unsigned round_length = 1 + unsigned(random % 256);
      // Critical sections that take a while (up to a few microseconds), so
      // that waiters really sleep rather than finding the lock free again.
      const unsigned hold = unsigned(random >> 32) % 32;
      for (unsigned i = 0; i < round_length; ++i) {
        mutex.lock(worker);
        if (context.aborted()) break;
        data.critical_section(context, worker, hold + i % 4);
        mutex.unlock();
        ++done;
      }
      context.add_progress(worker, round_length);
      if (context.aborted()) break;
    } while (barrier.next_round(worker));
    increments[static_cast<std::size_t>(worker)] = done;
  });
  std::uint64_t total = 0;
  for (auto count : increments) total += count;
  if (!context.aborted()) data.check_total(context, total);
  context.metric("futex_wait_calls", double(mutex.sleeps()));
  context.metric("futex_wake_calls", double(mutex.wakes()));
}

// A handoff by futex alone: the value is published by a flag and a wake; the
// consumer reads it once the flag says so. The futex system call orders
// nothing by itself (only the flag's orders do).
void run_handoff(Context& context, memory_order publish, memory_order observe) {
  struct alignas(64) Channel {
    std::atomic<std::uint32_t> ready{0};              // the sequence number published
    alignas(64) std::atomic<std::uint32_t> taken{0};  // the sequence number consumed
    alignas(64) ProtectedWord payload[4]{};
  };
  auto channel = std::make_unique<Channel>();
  const auto hang_hooks = context.on_hang(
      [&] {
        return fmt::format("ready = {}, taken = {}", channel->ready.load(memory_order_relaxed),
                           channel->taken.load(memory_order_relaxed));
      },
      [&] {
        futex_wake(channel->ready, INT_MAX);
        futex_wake(channel->taken, INT_MAX);
      });
  static constexpr std::uint32_t closed = 0xffffffff;
  const auto pattern = [](std::uint32_t sequence, int field) {
    return (std::uint64_t(sequence) << 8) ^ (0x9e3779b97f4a7c15ull * std::uint64_t(field + 1));
  };
  // Waits for `word` to reach `target`: spin a little (where the reordering
  // shows: the value is read without sleeping), then sleep.
  const auto await = [&](int worker, std::atomic<std::uint32_t>& word, std::uint32_t target,
                         memory_order order, const char* what) {
    unsigned spins = 0;
    for (;;) {
      std::uint32_t seen = word.load(order);
      if (seen == target) return true;
      if (seen == closed || context.stopping()) return false;
      if (spins < 256 && !context.oversubscribed()) {
        context.spin_pause(spins);
        continue;
      }
      context.enter_blocking(worker, what);
      futex_wait(word, seen);
      context.leave_blocking(worker);
      if (context.aborted()) return false;
    }
  };
  context.run_threads(2, [&](int worker) {
    // The side that leaves first says so, or the other would sleep forever.
    struct Close {
      std::atomic<std::uint32_t>& word;
      ~Close() {
        word.store(closed, memory_order_release);
        futex_wake(word, INT_MAX);
      }
    } close{worker == 0 ? channel->ready : channel->taken};
    if (worker == 0) {
      for (std::uint32_t sequence = 1; !context.stopping(); ++sequence) {
        for (int field = 0; field < 4; ++field) channel->payload[field].store(pattern(sequence, field));
        channel->ready.store(sequence, publish);
        futex_wake(channel->ready, 1);
        if (!await(worker, channel->taken, sequence, memory_order_acquire, "futex_wait(taken)")) return;
        context.add_progress(worker);
      }
      return;
    }
    for (std::uint32_t sequence = 1; !context.stopping(); ++sequence) {
      if (!await(worker, channel->ready, sequence, observe, "futex_wait(ready)")) return;
      for (int field = 0; field < 4; ++field) {
        const std::uint64_t seen = channel->payload[field].load();
        if (seen != pattern(sequence, field)) {
          context.violation("stale data", fmt::format("message {}: field {} holds {:#x}, written {:#x}",
                                                      sequence, field, seen, pattern(sequence, field)));
          break;
        }
      }
      channel->taken.store(sequence, memory_order_release);
      futex_wake(channel->taken, 1);
      context.add_progress(worker);
    }
  });
}

// Two workers and a flag each: raise yours, enter if the other's is down.
// Worker 1 backs off when both are raised, worker 0 waits: deadlock-free.
// Without a store-load fence between raising and looking, both can enter:
// the store buffer of every x86 and ARM core allows it (the SB shape).
void run_flag_handshake(Context& context, bool fenced) {
  struct alignas(64) Flag {
    std::atomic<int> raised{0};
  };
  auto flags = std::make_unique<Flag[]>(2);
  ProtectedCounter data;
  std::uint64_t increments[2] = {0, 0};
  context.run_threads(2, [&](int worker) {
    const int other = 1 - worker;
    std::uint64_t done = 0;
    while (!context.stopping()) {
      unsigned spins = 0;
      for (;;) {
        flags[worker].raised.store(1, memory_order_relaxed);
        if (fenced) std::atomic_thread_fence(std::memory_order_seq_cst);
        // Acquire: entering on the other's lowered flag must see its
        // critical section (its release store), or ARM could let this one's
        // reads run ahead of that store.
        if (flags[other].raised.load(memory_order_acquire) == 0) break;
        if (worker == 1) flags[worker].raised.store(0, memory_order_relaxed);
        while (flags[other].raised.load(memory_order_relaxed) != 0 && !context.stopping())
          context.spin_pause(spins);
        if (context.stopping()) break;
      }
      if (context.stopping()) break;
      data.critical_section(context, worker);
      flags[worker].raised.store(0, memory_order_release);
      ++done;
      if ((done & 255) == 0) context.add_progress(worker, 256);
    }
    flags[worker].raised.store(0, memory_order_release);
    context.add_progress(worker, done & 255);
    increments[worker] = done;
  });
  data.check_total(context, increments[0] + increments[1]);
}

MutexVariant take(Take which) {
  MutexVariant variant;
  variant.take = which;
  return variant;
}

Variant mutex_variant(std::string name, std::string description, Expectation expectation,
                      std::vector<std::string> hunted_on, MutexVariant mutex, int least_workers = 1) {
  // A mutex bug hunted on one architecture only is its orders' (take 3
  // relaxed); the others are lost wake-ups, interleavings any machine shows.
  const bool reordering = !hunted_on.empty();
  Variant variant = two_worker_variant("futex_mutex", std::move(name), std::move(description), expectation,
                                       std::move(hunted_on), reordering,
                                       [mutex](Context& context) { run_mutex(context, mutex); });
  variant.workers = [least_workers](int requested) { return std::max(requested, least_workers); };
  return variant;
}

// The handoffs and the flag handshake: every hunted bug is a reordering.
Variant pair_variant(std::string name, std::string description, Expectation expectation,
                     std::vector<std::string> hunted_on, std::function<void(Context&)> run) {
  return two_worker_variant("futex_mutex", std::move(name), std::move(description), expectation,
                            std::move(hunted_on), expectation == Expectation::hunted, std::move(run));
}

const bool registered = [] {
  register_variant(mutex_variant("take1", "take 1: the word counts lockers; unlock stores 0 and wakes one",
                                 Expectation::correct, {}, take(Take::one), 2));
  register_variant(mutex_variant("take2", "take 2: states 0/1/2, cmpxchg to lock, fetch_sub to unlock",
                                 Expectation::correct, {}, take(Take::two), 2));
  register_variant(mutex_variant("take3", "take 3: take 2 with the waiter's cmpxchgs replaced by exchange(2)",
                                 Expectation::correct, {}, take(Take::three), 2));
  MutexVariant never_wakes = take(Take::three);
  never_wakes.unlock_wakes = false;
  register_variant(mutex_variant("take3-unlock-never-wakes",
                                 "take 3 whose unlock never calls futex_wake: a sleeper sleeps forever",
                                 Expectation::hunted, {}, never_wakes, 2));
  MutexVariant relock_one = take(Take::two);
  relock_one.relock_with_two = false;
  register_variant(
      mutex_variant("take2-relock-with-1",
                    "take 2 whose woken waiter locks with 1, not 2: the next unlock wakes nobody "
                    "(a lost wake-up; three workers at least)",
                    Expectation::hunted, {}, relock_one, 3));
  MutexVariant relaxed = take(Take::three);
  relaxed.acquire = memory_order_relaxed;
  relaxed.release = memory_order_relaxed;
  register_variant(mutex_variant("take3-relaxed",
                                 "take 3 with relaxed orders on the lock word: exclusive, but the critical "
                                 "sections are unordered (increments lost on ARM)",
                                 Expectation::hunted, {"aarch64"}, relaxed, 2));
  register_variant(pair_variant(
      "handoff-release-acquire",
      "a value handed over by a release flag and futex_wake, read after an acquire", Expectation::correct, {},
      [](Context& context) { run_handoff(context, memory_order_release, memory_order_acquire); }));
  register_variant(pair_variant(
      "handoff-relaxed",
      "the same handoff with a relaxed flag: the futex orders nothing, the value can be stale (the MP shape)",
      Expectation::hunted, {"aarch64"},
      [](Context& context) { run_handoff(context, memory_order_relaxed, memory_order_relaxed); }));
  register_variant(pair_variant("flag-handshake-fenced",
                                "a two-flag lock (raise yours, enter if the other's is down) with a "
                                "seq_cst fence between store and load",
                                Expectation::correct, {},
                                [](Context& context) { run_flag_handshake(context, true); }));
  register_variant(pair_variant(
      "flag-handshake-no-fence",
      "the two-flag lock without the fence: the store buffer lets both enter (the SB shape, on x86 and ARM)",
      Expectation::hunted, {}, [](Context& context) { run_flag_handshake(context, false); }));
  return true;
}();

}  // namespace
}  // namespace mh::stress
