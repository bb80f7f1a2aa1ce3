// mh::thread: a modeled thread. Spawning orders everything before it in the
// parent before the child's first event; join orders the child's last event
// before the parent's next.
#pragma once

#include <functional>
#include <utility>

#include "source_location.hpp"
#include "runtime.hpp"

namespace mh {

class thread {
 public:
  thread() = default;
  template <typename F>
  explicit thread(F&& body, check::source_location where = check::source_location::current())
      : id_(check::spawn(std::function<void()>(std::forward<F>(body)), where)), joinable_(true) {}
  thread(thread&& other) noexcept : id_(other.id_), joinable_(std::exchange(other.joinable_, false)) {}
  thread& operator=(thread&& other) noexcept {
    id_ = other.id_;
    joinable_ = std::exchange(other.joinable_, false);
    return *this;
  }
  thread(const thread&) = delete;
  thread& operator=(const thread&) = delete;
  // An unjoined thread is detached: the execution still waits for it to end.
  ~thread() = default;

  bool joinable() const { return joinable_; }
  void join(check::source_location where = check::source_location::current()) {
    if (!joinable_) check::assertion_failed("thread.joinable()", "join of a thread that is not joinable", where);
    joinable_ = false;
    check::join(id_, where);
  }
  void detach() { joinable_ = false; }
  check::ThreadId id() const { return id_; }

 private:
  check::ThreadId id_ = 0;
  bool joinable_ = false;
};

}  // namespace mh
