// Handing a value to a waiting thread through a condition variable.
//
// Correct: the producer sets the predicate under the mutex, then notifies;
// the consumer checks the predicate under the mutex and waits in a loop. A
// notify with no waiter is lost, but then the consumer finds the predicate
// already true and does not wait.
//
// Broken (the lost wake-up): the producer notifies before it sets the
// predicate, and the consumer waits without a predicate loop. A consumer
// that starts waiting after that notify waits for one that has already
// happened; the producer then sets the predicate and ends, and the consumer
// never wakes. (A predicate loop alone does not save it: woken early, the
// consumer would find the predicate false and wait again, for good.)
#include "check/mh.hpp"

MH_MODEL(condition_variable_handoff) {
  mh::mutex lock{"lock"};
  mh::condition_variable ready_changed{"ready_changed"};
  mh::var<bool> ready{false, "ready"};
  mh::var<int> payload{0, "payload"};
  mh::thread producer([&] {
    lock.lock();
    payload.store(42);
    ready.store(true);
    lock.unlock();
    ready_changed.notify_one();
  });
  mh::thread consumer([&] {
    lock.lock();
    while (!ready.load()) ready_changed.wait(lock);
    MH_ASSERT_MSG(payload.load() == 42, "woken with the predicate true but without the payload");
    lock.unlock();
  });
  producer.join();
  consumer.join();
}

MH_MODEL_EXPECT(condition_variable_lost_wakeup, mh::error::deadlock,
                "the notify comes before the predicate is set and the wait is not in a predicate loop: a "
                "consumer that starts waiting after the notify is never woken (a lost wake-up)") {
  mh::mutex lock{"lock"};
  mh::condition_variable ready_changed{"ready_changed"};
  mh::var<bool> ready{false, "ready"};
  mh::thread producer([&] {
    ready_changed.notify_one();  // Bug: before the predicate is set.
    lock.lock();
    ready.store(true);
    lock.unlock();
  });
  mh::thread consumer([&] {
    lock.lock();
    if (!ready.load()) ready_changed.wait(lock);  // Bug: no predicate loop.
    lock.unlock();
  });
  producer.join();
  consumer.join();
}
