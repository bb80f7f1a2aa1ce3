// mh::mutex: lock is an acquire read-modify-write that only succeeds on an
// unlocked mutex (a thread that finds it locked waits); unlock is a release
// write. Unlocking a mutex the thread does not hold is reported.
#pragma once


#include "source_location.hpp"
#include "runtime.hpp"
#include "value_codec.hpp"

namespace mh {

class mutex {
 public:
  explicit mutex(const char* name = nullptr, check::source_location where = check::source_location::current())
      : location_(check::new_location(check::location_info<int>(check::LocationKind::Mutex, name), true, 0, where)) {}
  ~mutex() { check::end_location(location_); }
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;

  void lock(check::source_location where = check::source_location::current()) { check::mutex_lock(location_, where); }
  bool try_lock(check::source_location where = check::source_location::current()) {
    return check::mutex_try_lock(location_, where);
  }
  void unlock(check::source_location where = check::source_location::current()) {
    check::mutex_unlock(location_, where);
  }
  check::LocationId location() const { return location_; }

 private:
  check::LocationId location_;
};

}  // namespace mh
