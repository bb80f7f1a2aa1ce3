// Shared memory for the model checker: shm_open + ftruncate + mmap of a
// region holding a T, done by the model's main (the launcher) before it
// starts the processes that map it. Everything T's constructor creates
// (mh::var, mh::atomic, mutexes, pshared semaphores, futex words) is shared:
// every process may use it.
//
// The region's name, size and unlinking are not modeled; what the processes
// do with the memory is.
#pragma once

#include <optional>
#include <utility>

#include "../check/source_location.hpp"
#include "../check/runtime.hpp"

namespace mh::os {

template <typename T>
class shared_memory {
 public:
  template <typename... Args>
  explicit shared_memory(Args&&... args) {
    const bool previous = check::set_shared_allocation(true);
    object_.emplace(std::forward<Args>(args)...);
    check::set_shared_allocation(previous);
  }
  shared_memory(const shared_memory&) = delete;
  shared_memory& operator=(const shared_memory&) = delete;

  T& operator*() { return *object_; }
  T* operator->() { return &*object_; }
  T* get() { return &*object_; }

 private:
  std::optional<T> object_;
};

}  // namespace mh::os
