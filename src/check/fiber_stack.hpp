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

// The allocator Boost.Context's fiber takes: a handle on a pool.
class PooledStack {
 public:
  explicit PooledStack(StackPool& pool) : pool_(&pool) {}
  boost::context::stack_context allocate() { return pool_->take(); }
  void deallocate(boost::context::stack_context& stack) noexcept { pool_->give_back(stack); }

 private:
  StackPool* pool_;
};

}  // namespace mh::check
