// Ulrich Drepper's futex-based mutexes ("Futexes Are Tricky", 2004-2011),
// each protecting a plain counter that every thread increments once.
//
//   take 1: lock increments the word and sleeps while the count it got was
//           not 0; unlock stores 0 and always wakes one.
//   take 2: the word is 0 (free), 1 (locked), 2 (locked, maybe waiters);
//           lock is a cmpxchg 0->1, and a waiter marks 2 with a cmpxchg
//           1->2 before sleeping and locks with cmpxchg 0->2 after;
//           unlock is a fetch_sub that wakes one when the old value was 2.
//   take 3: take 2 with the waiter's cmpxchgs replaced by one exchange(2).
//
// Drepper's atomics are x86 lock-prefixed instructions (full barriers); the
// correct variants here use the weakest orders that work: acquire to lock,
// release to unlock. The futex calls are the modeled FUTEX_WAIT/FUTEX_WAKE
// (src/os/futex.hpp): they prevent lost wake-ups but order nothing.
//
// Broken variants, each a single change from a correct one:
//   - the unlock never wakes: a sleeping waiter sleeps forever (deadlock);
//   - take 2's waiter locks with cmpxchg 0->1 after sleeping (the mistake
//     the paper warns about): the unlock then sees 1, wakes nobody, and a
//     third thread sleeps forever (a lost wake-up: deadlock, 3 threads);
//   - take 3 with relaxed orders: still exclusive, but the critical sections
//     are unordered (data race on the counter);
//   - a handoff by futex alone: a plain value, then a relaxed flag and a
//     wake; the waiter reads the value after waking (data race: the futex
//     gives no happens-before).
#include "check/mh.hpp"
#include "os/futex.hpp"

namespace {

using std::memory_order;
using std::memory_order_acquire;
using std::memory_order_relaxed;
using std::memory_order_release;

enum class Take { one, two, three };

struct Variant {
  Take take = Take::three;
  memory_order acquire = memory_order_acquire;
  memory_order release = memory_order_release;
  bool unlock_wakes = true;
  bool relock_with_two = true;  // take 2: the waiter's cmpxchg after sleeping stores 2
  mh::os::futex_options futex{};
};

class FutexMutex {
 public:
  explicit FutexMutex(const Variant& v) : v_(v), word_(0, "lock", v.futex) {}

  void lock() {
    switch (v_.take) {
      case Take::one: {
        int c;
        while ((c = word_.fetch_add(1, v_.acquire)) != 0) mh::os::futex_wait(word_, c + 1);
        return;
      }
      case Take::two: {
        int c = cmpxchg(0, 1);
        if (c == 0) return;
        do {
          if (c == 2 || cmpxchg(1, 2) != 0) mh::os::futex_wait(word_, 2);
        } while ((c = cmpxchg(0, v_.relock_with_two ? 2 : 1)) != 0);
        return;
      }
      case Take::three: {
        int c = cmpxchg(0, 1);
        if (c == 0) return;
        if (c != 2) c = word_.exchange(2, v_.acquire);
        while (c != 0) {
          mh::os::futex_wait(word_, 2);
          c = word_.exchange(2, v_.acquire);
        }
        return;
      }
    }
  }

  void unlock() {
    if (v_.take == Take::one) {
      word_.store(0, v_.release);
      if (v_.unlock_wakes) mh::os::futex_wake(word_, 1);
      return;
    }
    if (word_.fetch_sub(1, v_.release) != 1) {
      word_.store(0, v_.release);
      if (v_.unlock_wakes) mh::os::futex_wake(word_, 1);
    }
  }

 private:
  // Drepper's cmpxchg(var, old, new): returns the value it found.
  int cmpxchg(int expected, int desired) {
    word_.compare_exchange_strong(expected, desired, v_.acquire, memory_order_relaxed);
    return expected;
  }

  Variant v_;
  mh::os::futex_word<int> word_;
};

void run_futex_mutex(const Variant& v, int threads) {
  FutexMutex mutex(v);
  mh::var<int> counter{0, "counter"};
  auto body = [&] {
    mutex.lock();
    counter = counter + 1;
    mutex.unlock();
  };
  mh::thread workers[3];
  for (int i = 0; i < threads; ++i) workers[i] = mh::thread(body);
  for (int i = 0; i < threads; ++i) workers[i].join();
  MH_ASSERT_MSG(counter == threads, "an increment inside the critical section was lost");
}

Variant take(Take t) {
  Variant v;
  v.take = t;
  return v;
}

// The value is plain; the flag says it is there. Who reads the value after
// the futex woke it relies on the futex for ordering, or on the flag.
void run_futex_handoff(memory_order publish, memory_order observe) {
  mh::var<int> value{0, "value"};
  mh::os::futex_word<int> ready(0, "ready");
  mh::thread producer([&] {
    value = 42;
    ready.store(1, publish);
    mh::os::futex_wake(ready, 1);
  });
  while (ready.load(observe) == 0) mh::os::futex_wait(ready, 0);
  MH_ASSERT(value == 42);
  producer.join();
}

}  // namespace

MH_MODEL(futex_mutex_take1_2) { run_futex_mutex(take(Take::one), 2); }
MH_MODEL(futex_mutex_take2_2) { run_futex_mutex(take(Take::two), 2); }
MH_MODEL(futex_mutex_take2_3) { run_futex_mutex(take(Take::two), 3); }
MH_MODEL(futex_mutex_take3_2) { run_futex_mutex(take(Take::three), 2); }
MH_MODEL(futex_mutex_take3_3) { run_futex_mutex(take(Take::three), 3); }

MH_MODEL(futex_mutex_take3_2_spurious_wakeups) {
  Variant v = take(Take::three);
  v.futex.spurious_wakeups = true;
  run_futex_mutex(v, 2);
}

MH_MODEL_EXPECT(futex_mutex_take3_unlock_never_wakes, mh::error::deadlock,
                "a waiter that went to sleep on state 2 is woken by nothing else (Drepper: the wake in unlock is "
                "what makes state 2 mean 'maybe waiters')") {
  Variant v = take(Take::three);
  v.unlock_wakes = false;
  run_futex_mutex(v, 2);
}

MH_MODEL_EXPECT(futex_mutex_take2_relock_with_1, mh::error::deadlock,
                "a woken waiter that locks with 1 forgets the other sleepers: its unlock sees 1 and wakes nobody, "
                "so the third thread sleeps forever (Drepper: why the lock after futex_wait stores 2)") {
  Variant v = take(Take::two);
  v.relock_with_two = false;
  run_futex_mutex(v, 3);
}

MH_MODEL_EXPECT(futex_mutex_take3_relaxed, mh::error::data_race,
                "relaxed lock and unlock still exclude each other but order nothing: the next owner's increment "
                "does not happen after the previous one's (C++ [intro.races])") {
  Variant v = take(Take::three);
  v.acquire = v.release = memory_order_relaxed;
  run_futex_mutex(v, 2);
}

MH_MODEL_EXPECT(futex_handoff_relaxed, mh::error::data_race,
                "a relaxed flag and a futex wake do not publish the value: the futex gives no happens-before "
                "between wake and the woken wait (glibc documents none)") {
  run_futex_handoff(memory_order_relaxed, memory_order_relaxed);
}

MH_MODEL(futex_handoff_release_acquire) { run_futex_handoff(memory_order_release, memory_order_acquire); }
