// A test-and-test-and-set spinlock (Rudolph & Segall, ISCA 1984; the lock
// of Herlihy & Shavit, "The Art of Multiprocessor Programming", ch. 7):
// try to take the lock with an exchange, and while that fails, wait with
// plain loads until it looks free. Waiting on loads rather than repeated
// exchanges keeps the waiting loop read-only, an await loop the checker
// explores once per value it can see.
//
// The exchange must acquire and the unlock store release, so that one
// critical section happens before the next. Two broken variants:
//   - the exchange is relaxed: the lock still excludes, but orders nothing;
//   - the lock is taken with a load and a separate store ("check, then
//     set"): both threads can see it free and both take it, under any
//     memory model.
#include "check/mh.hpp"
#include "critical_section.hpp"

namespace {

using std::memory_order;
using std::memory_order_acquire;
using std::memory_order_relaxed;
using std::memory_order_release;

enum class Acquisition { exchange, load_then_store };

class Spinlock {
 public:
  Spinlock(Acquisition acquisition, memory_order acquire_order)
      : acquisition_(acquisition), acquire_order_(acquire_order) {}

  void lock() {
    for (;;) {
      if (acquisition_ == Acquisition::exchange) {
        if (!locked_.exchange(true, acquire_order_)) return;
      } else if (!locked_.load(acquire_order_)) {
        locked_.store(true, memory_order_relaxed);  // Bug: another thread may have taken it since the load.
        return;
      }
      while (locked_.load(memory_order_relaxed)) mh::yield();
    }
  }

  void unlock() { locked_.store(false, memory_order_release); }

 private:
  Acquisition acquisition_;
  memory_order acquire_order_;
  mh::atomic<bool> locked_{false, "locked"};
};

void run_spinlock(Acquisition acquisition, memory_order acquire_order) {
  Spinlock lock(acquisition, acquire_order);
  mh::models::check_mutual_exclusion([&](int, auto&& body) {
    lock.lock();
    body();
    lock.unlock();
  });
}

}  // namespace

MH_MODEL(spinlock) { run_spinlock(Acquisition::exchange, memory_order_acquire); }

MH_MODEL_EXPECT(spinlock_relaxed_exchange, mh::error::data_race,
                "a relaxed exchange reads the previous owner's release store without synchronizing with it: "
                "mutual exclusion holds but the critical sections are unordered (C++ [intro.races])") {
  run_spinlock(Acquisition::exchange, memory_order_relaxed);
}

MH_MODEL_EXPECT(spinlock_load_then_store, mh::error::data_race,
                "checking the lock with a load and taking it with a separate store is not atomic: both threads "
                "can see it free and enter together (why test-and-set must be one read-modify-write)") {
  run_spinlock(Acquisition::load_then_store, memory_order_acquire);
}
