// Peterson's mutual exclusion for two threads (G. L. Peterson, "Myths about
// the mutual exclusion problem", IPL 1981), in four memory-order variants.
//
// Each thread announces interest, gives the turn to the other, and waits
// while the other is interested and has the turn. The argument is sequential:
// it needs a thread's store of its own flag to be visible before it reads the
// other's flag, which is exactly the store->load order that store buffering
// (SB) breaks. So:
//   - all seq_cst:                    correct (RC11 gives SC to SC-only code);
//   - release/acquire:                broken, both threads read the other's flag
//                                     as false (SB) and enter together;
//   - relaxed + two seq_cst fences:   correct, one fence after each store;
//   - relaxed + one fence after both: broken under RC11 (the flag and turn
//                                     stores may be seen out of order: the R
//                                     shape), correct on x86-TSO and under SC.
// The critical section increments a plain mh::var, so a broken lock shows up
// as a data race on it.
#include "check/mh.hpp"
#include "critical_section.hpp"

namespace {

using std::memory_order;
using std::memory_order_acquire;
using std::memory_order_relaxed;
using std::memory_order_release;
using std::memory_order_seq_cst;

struct PetersonOrders {
  memory_order flag_store;  // "I am interested"
  memory_order turn_store;  // "you go first"
  memory_order wait_load;   // both loads of the wait loop
  bool fence_after_flag;    // seq_cst fence between the flag store and the turn store
  bool fence_after_turn;    // seq_cst fence between the turn store and the wait loop
};

class PetersonLock {
 public:
  explicit PetersonLock(const PetersonOrders& orders) : orders_(orders) {}

  void lock(int me) {
    const int other = 1 - me;
    interested_[me].store(true, orders_.flag_store);
    if (orders_.fence_after_flag) mh::atomic_thread_fence(memory_order_seq_cst);
    turn_.store(other, orders_.turn_store);
    if (orders_.fence_after_turn) mh::atomic_thread_fence(memory_order_seq_cst);
    while (interested_[other].load(orders_.wait_load) && turn_.load(orders_.wait_load) == other) mh::yield();
  }

  // Release: the next owner reads this store with an acquire load, which
  // orders this critical section before its own.
  void unlock(int me) { interested_[me].store(false, memory_order_release); }

 private:
  PetersonOrders orders_;
  mh::atomic<bool> interested_[2] = {{false, "interested0"}, {false, "interested1"}};
  mh::atomic<int> turn_{0, "turn"};
};

void run_peterson(const PetersonOrders& orders) {
  PetersonLock lock(orders);
  mh::models::check_mutual_exclusion([&](int me, auto&& body) {
    lock.lock(me);
    body();
    lock.unlock(me);
  });
}

}  // namespace

MH_MODEL(peterson_seq_cst) {
  run_peterson({.flag_store = memory_order_seq_cst,
                .turn_store = memory_order_seq_cst,
                .wait_load = memory_order_seq_cst,
                .fence_after_flag = false,
                .fence_after_turn = false});
}

MH_MODEL_EXPECT(peterson_acq_rel, mh::error::data_race,
                "release stores and acquire loads allow store buffering: both threads read the other's flag "
                "as false and enter (Lahav et al., PLDI 2017; Williams, Peterson's lock with C++0x atomics)") {
  run_peterson({.flag_store = memory_order_release,
                .turn_store = memory_order_release,
                .wait_load = memory_order_acquire,
                .fence_after_flag = false,
                .fence_after_turn = false});
}

// Relaxed stores with a seq_cst fence after each: RC11's fence rule (psc over
// [F];hb;eco;hb;[F]) forbids every way both threads could leave the wait loop
// without seeing the other's release of the lock.
MH_MODEL(peterson_fenced) {
  run_peterson({.flag_store = memory_order_relaxed,
                .turn_store = memory_order_relaxed,
                .wait_load = memory_order_acquire,
                .fence_after_flag = true,
                .fence_after_turn = true});
}

// One fence after both stores is what x86 needs (TSO keeps the two stores in
// order), but C++ does not order two relaxed stores: thread 0 may read
// interested1 == false while thread 1's turn store is already overwritten by
// thread 0's, so thread 1 reads turn == 1 and enters too. The seq_cst fences
// only order thread 0's fence before thread 1's, which permits it.
MH_MODEL_EXPECT(peterson_fence_after_stores, mh::error::data_race,
                "one fence after both relaxed stores leaves the flag and turn stores unordered (the R shape, "
                "allowed by RC11 and ARMv8), so both threads can enter; correct only on x86-TSO and under SC") {
  run_peterson({.flag_store = memory_order_relaxed,
                .turn_store = memory_order_relaxed,
                .wait_load = memory_order_acquire,
                .fence_after_flag = false,
                .fence_after_turn = true});
}
