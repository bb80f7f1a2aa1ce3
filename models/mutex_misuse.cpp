// Misuses of a mutex that C++ makes undefined behaviour ([thread.mutex.requirements.mutex]):
// unlock requires that the calling thread owns the mutex, and lock of a
// non-recursive mutex requires that it does not own it already.
#include "check/mh.hpp"

MH_MODEL_EXPECT(mutex_unlock_unlocked, mh::error::mutex_misuse,
                "unlock of a mutex nobody holds: the precondition 'the calling thread owns the mutex' fails "
                "([thread.mutex.requirements.mutex])") {
  mh::mutex lock{"lock"};
  lock.unlock();
}

// The main thread locks and a helper unlocks "on its behalf": a std::mutex
// must be unlocked by the thread that locked it (pthread's error-checking
// mutexes return EPERM here).
MH_MODEL_EXPECT(mutex_unlock_by_non_owner, mh::error::mutex_misuse,
                "a thread unlocks a mutex another thread holds: only the owner may unlock "
                "([thread.mutex.requirements.mutex]; POSIX EPERM for error-checking mutexes)") {
  mh::mutex lock{"lock"};
  lock.lock();
  mh::thread helper([&] { lock.unlock(); });
  helper.join();
}

// std::mutex is not recursive: locking it again from its owner is undefined
// (in practice a self-deadlock, or EDEADLK from an error-checking mutex).
// memharness reports it as misuse of the mutex (result.hpp: "relock by its
// owner"), at the second lock, rather than as a deadlock.
MH_MODEL_EXPECT(mutex_relock_by_owner, mh::error::mutex_misuse,
                "lock of a std::mutex the thread already owns is undefined behaviour; with an error-checking "
                "mutex POSIX returns EDEADLK ([thread.mutex.requirements.mutex])") {
  mh::mutex lock{"lock"};
  lock.lock();
  lock.lock();
  lock.unlock();
}
