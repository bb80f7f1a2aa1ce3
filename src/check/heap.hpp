// mh::make<T>: objects that threads hand to each other by address. A model
// that writes an address into a pipe or an atomic needs the same address in
// every replay of an execution, which the C++ heap does not give; these come
// from a region per thread that each run starts afresh.
#pragma once

#include <new>
#include <utility>

#include "runtime.hpp"

namespace mh {

template <typename T, typename... Args>
T* make(Args&&... args) {
  void* memory = check::allocate(sizeof(T), alignof(T));
  return ::new (memory) T(std::forward<Args>(args)...);
}

template <typename T>
void destroy(T* object) {
  if (object == nullptr) return;
  object->~T();
  check::deallocate(object);
}

}  // namespace mh
