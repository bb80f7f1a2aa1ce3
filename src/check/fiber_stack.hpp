// Stacks for test-thread fibers, reused across executions: a stateless
// checker starts every thread again for every execution, and mapping a fresh
// stack each time would cost more than the execution.
#pragma once

#include <boost/context/stack_context.hpp>

#include <cstddef>
#include <vector>

namespace mh::check {

class StackPool {
 public:
  explicit StackPool(std::size_t bytes);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  boost::context::stack_context take();
  void give_back(boost::context::stack_context& stack) noexcept;

 private:
  std::size_t bytes_;
  std::vector<void*> free_;  // bases of mapped stacks (guard page first)
  std::vector<void*> all_;
};

// Where a fiber's stack lies.
struct FiberStack {
  const void* bottom = nullptr;
  std::size_t size = 0;
};

// The allocator Boost.Context's fiber takes: a handle on a pool, which
// notes where the stack it hands out lies.
class PooledStack {
 public:
  PooledStack(StackPool& pool, FiberStack* note) : pool_(&pool), note_(note) {}
  boost::context::stack_context allocate() {
    boost::context::stack_context stack = pool_->take();
    note_->bottom = static_cast<char*>(stack.sp) - stack.size;
    note_->size = stack.size;
    return stack;
  }
  void deallocate(boost::context::stack_context& stack) noexcept { pool_->give_back(stack); }

 private:
  StackPool* pool_;
  FiberStack* note_;
};

}  // namespace mh::check
