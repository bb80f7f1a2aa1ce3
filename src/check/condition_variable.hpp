// mh::condition_variable. wait() releases the mutex, waits for a notify that
// comes after the wait began, and takes the mutex again. A notification with
// no waiter is lost, as in C++. Spurious wake-ups are not explored, but one
// notify_one may wake every waiter, so a wait must sit in a predicate loop.
#pragma once

#include <mutex>

#include "source_location.hpp"
#include "mutex.hpp"
#include "runtime.hpp"
#include "value_codec.hpp"

namespace mh {

class condition_variable {
 public:
  explicit condition_variable(const char* name = nullptr,
                              check::source_location where = check::source_location::current())
      : location_(
            check::new_location(check::location_info<unsigned>(check::LocationKind::CondVar, name), true, 0, where)) {}
  ~condition_variable() { check::end_location(location_); }
  condition_variable(const condition_variable&) = delete;
  condition_variable& operator=(const condition_variable&) = delete;

  void wait(mh::mutex& held, check::source_location where = check::source_location::current()) {
    check::condvar_wait(location_, held.location(), where);
  }
  void wait(std::unique_lock<mh::mutex>& held, check::source_location where = check::source_location::current()) {
    wait(*held.mutex(), where);
  }
  template <typename Predicate>
  void wait(std::unique_lock<mh::mutex>& held, Predicate ready,
            check::source_location where = check::source_location::current()) {
    while (!ready()) wait(*held.mutex(), where);
  }
  void notify_one(check::source_location where = check::source_location::current()) {
    check::condvar_notify(location_, false, where);
  }
  void notify_all(check::source_location where = check::source_location::current()) {
    check::condvar_notify(location_, true, where);
  }

 private:
  check::LocationId location_;
};

}  // namespace mh
