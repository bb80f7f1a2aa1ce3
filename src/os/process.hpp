// Processes for the model checker: a model may run several, each a group of
// threads with its own private memory. The model's main function is process
// 0, standing for the launcher (a shell, or a parent before fork).
//
// What a process creates (mh::var, mh::atomic, mh::make) is its private
// memory: another process that reaches it, through an address sent over a
// pipe or stored in shared memory, is reported (error::cross_process), since
// that address means nothing in its address space. Memory every process
// reaches is shared_memory (shm.hpp) and the kernel's objects (pipes, named
// semaphores). fork's copy of the parent's memory is not modeled: a process
// gets what it needs through shared memory, the kernel's objects, or its
// start function's arguments copied by value.
//
// With process_options::may_crash the process may be killed (SIGKILL) before
// any of its operations: each is a choice the search explores. What it held
// stays held; survivors that then wait forever are reported as a deadlock
// caused by that crash. A process that may crash has one thread.
#pragma once

#include <functional>
#include <utility>

#include "../check/source_location.hpp"
#include "../check/runtime.hpp"

namespace mh::os {

struct process_options {
  bool may_crash = false;
};

struct process_exit {
  bool killed = false;  // ended by the injected crash, not by returning
};

class process {
 public:
  template <typename F>
  explicit process(F&& body, process_options options = {},
                   check::source_location where = check::source_location::current())
      : thread_(check::spawn_process(std::function<void()>(std::forward<F>(body)), options.may_crash, where)) {}
  process(const process&) = delete;
  process& operator=(const process&) = delete;
  ~process() = default;  // an unwaited process still runs to its end

  // waitpid(2).
  process_exit wait(check::source_location where = check::source_location::current()) {
    return process_exit{check::join(thread_, where)};
  }

 private:
  check::ThreadId thread_;
};

}  // namespace mh::os
