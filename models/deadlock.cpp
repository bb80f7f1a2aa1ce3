// Deadlocks: executions in which every unfinished thread waits for a mutex
// (or a join) that can never be granted. Both are found in some
// interleavings only, which is the point of exploring all of them.
#include "check/mh.hpp"

// The textbook lock-order inversion (Coffman et al., "System deadlocks",
// Computing Surveys 1971: circular wait): each thread holds one mutex and
// waits for the other's.
MH_MODEL_EXPECT(deadlock_lock_order_inversion, mh::error::deadlock,
                "two threads take the same two mutexes in opposite orders: each can hold one and wait forever "
                "for the other (circular wait, Coffman et al. 1971)") {
  mh::mutex accounts{"accounts"};
  mh::mutex journal{"journal"};
  mh::thread transfer([&] {
    accounts.lock();
    journal.lock();
    journal.unlock();
    accounts.unlock();
  });
  mh::thread audit([&] {
    journal.lock();
    accounts.lock();
    accounts.unlock();
    journal.unlock();
  });
  transfer.join();
  audit.join();
}

// A worker takes the lock and ends without releasing it (the early-return
// path that forgets to unlock); the next lock of the mutex waits forever.
MH_MODEL_EXPECT(deadlock_lock_never_released, mh::error::deadlock,
                "the worker returns still holding the mutex, so the main thread's lock of it can never succeed") {
  mh::mutex lock{"lock"};
  mh::var<int> result{0, "result"};
  mh::thread worker([&] {
    lock.lock();
    result.store(1);
    // Bug: no lock.unlock() on this path.
  });
  worker.join();
  lock.lock();
  MH_ASSERT(result.load() == 1);
  lock.unlock();
}
