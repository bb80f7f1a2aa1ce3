// Dekker's mutual exclusion for two threads (as given by E. W. Dijkstra,
// "Cooperating sequential processes", 1965): the first correct software
// solution. A thread raises its flag and enters when the other's flag is
// down; on contention, the thread whose turn it is not lowers its flag and
// waits for the turn.
//
// Like Peterson's lock it depends on a store being visible before the next
// load of another location (store buffering must be impossible), so it is
// correct with seq_cst accesses and broken with release/acquire ones, which
// allow both threads to read the other's flag as false and enter together.
#include "check/mh.hpp"
#include "critical_section.hpp"

namespace {

using std::memory_order;
using std::memory_order_acquire;
using std::memory_order_release;
using std::memory_order_seq_cst;

class DekkerLock {
 public:
  DekkerLock(memory_order store_order, memory_order load_order)
      : store_order_(store_order), load_order_(load_order) {}

  void lock(int me) {
    const int other = 1 - me;
    wants_[me].store(true, store_order_);
    while (wants_[other].load(load_order_)) {
      if (turn_.load(load_order_) != me) {
        // Back off: let the other thread, whose turn it is, go first.
        wants_[me].store(false, store_order_);
        while (turn_.load(load_order_) != me) mh::yield();
        wants_[me].store(true, store_order_);
      }
      mh::yield();
    }
  }

  // The turn passes to the other thread before the flag drops, so a thread
  // backing off finds its turn when it comes back.
  void unlock(int me) {
    turn_.store(1 - me, store_order_);
    wants_[me].store(false, store_order_);
  }

 private:
  memory_order store_order_;
  memory_order load_order_;
  mh::atomic<bool> wants_[2] = {{false, "wants0"}, {false, "wants1"}};
  mh::atomic<int> turn_{0, "turn"};
};

void run_dekker(memory_order store_order, memory_order load_order) {
  DekkerLock lock(store_order, load_order);
  mh::models::check_mutual_exclusion([&](int me, auto&& body) {
    lock.lock(me);
    body();
    lock.unlock(me);
  });
}

}  // namespace

MH_MODEL(dekker_seq_cst) { run_dekker(memory_order_seq_cst, memory_order_seq_cst); }

MH_MODEL_EXPECT(dekker_acq_rel, mh::error::data_race,
                "Dekker needs store->load order; release/acquire allows store buffering, so both threads "
                "read the other's flag as false and enter (Lahav et al., PLDI 2017; Adve & Gharachorloo 1996)") {
  run_dekker(memory_order_release, memory_order_acquire);
}
