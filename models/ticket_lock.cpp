// The ticket lock (Mellor-Crummey & Scott, "Algorithms for scalable
// synchronization on shared-memory multiprocessors", TOCS 1991): a thread
// takes the next ticket with fetch_add and waits until `now_serving` reaches
// it; unlock serves the next ticket. FIFO, and the only shared write on the
// waiting path is the one fetch_add.
//
// The ticket counter needs atomicity, not ordering (a relaxed fetch_add); the
// hand-off is `now_serving`: a release store by the owner and an acquire load
// by the next one. In the broken variant the waiter's load is relaxed: it
// sees its turn but not the previous owner's critical section.
//
// (Taking the ticket with a load and a separate store is the other classic
// mistake, but it fails two ways: two threads draw the same ticket and enter
// together, or one draws a ticket already served and waits forever. A model
// must have one expected error, so the atomicity bug is shown with the
// spinlock in spinlock.cpp instead.)
#include "check/mh.hpp"
#include "critical_section.hpp"

namespace {

using std::memory_order;
using std::memory_order_acquire;
using std::memory_order_relaxed;
using std::memory_order_release;

class TicketLock {
 public:
  explicit TicketLock(memory_order serving_load) : serving_load_(serving_load) {}

  // Returns the ticket; unlock needs it.
  unsigned lock() {
    const unsigned ticket = next_ticket_.fetch_add(1, memory_order_relaxed);
    while (now_serving_.load(serving_load_) != ticket) mh::yield();
    return ticket;
  }

  // Only the owner writes now_serving, so a plain store of the next ticket
  // suffices; release publishes the critical section to the next owner.
  void unlock(unsigned ticket) { now_serving_.store(ticket + 1, memory_order_release); }

 private:
  memory_order serving_load_;
  mh::atomic<unsigned> next_ticket_{0u, "next_ticket"};
  mh::atomic<unsigned> now_serving_{0u, "now_serving"};
};

void run_ticket_lock(memory_order serving_load) {
  TicketLock lock(serving_load);
  mh::models::check_mutual_exclusion([&](int, auto&& body) {
    const unsigned ticket = lock.lock();
    body();
    lock.unlock(ticket);
  });
}

}  // namespace

MH_MODEL(ticket_lock) { run_ticket_lock(memory_order_acquire); }

MH_MODEL_EXPECT(ticket_lock_relaxed_serving, mh::error::data_race,
                "a relaxed load of now_serving does not synchronize with the previous owner's release store, so "
                "its critical section is not ordered before the next one (C++ [intro.races]; RC11 sw needs acquire)") {
  run_ticket_lock(memory_order_relaxed);
}
