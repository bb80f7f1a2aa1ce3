// Treiber's lock-free stack (R. K. Treiber, "Systems programming: coping
// with parallelism", IBM RJ 5118, 1986): `top` points at the first node;
// push links a node above top with a CAS, pop swings top to top's successor
// with a CAS.
//
// Push's CAS must be release and pop's read of top acquire, so that a popper
// sees the node's fields as its pusher wrote them. Every later CAS on top is
// a read-modify-write and so continues the pusher's release sequence: a node
// that surfaces again after the nodes above it are popped is still
// published. Two broken variants:
//   - push's CAS is relaxed: popping another thread's node races with the
//     writes of its fields;
//   - pop reads top and then stores top's successor with a plain store: two
//     pops of the same node both succeed (an atomicity bug, wrong under SC).
//
// Nodes come from a pool created by the main function and are linked by index,
// for the reasons given in michael_scott_queue.cpp (stable across replays, no
// reclamation, hence no ABA).
#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "check/mh.hpp"

namespace {

using std::memory_order;
using std::memory_order_acquire;
using std::memory_order_relaxed;
using std::memory_order_release;

constexpr int kNoNode = -1;

struct Node {
  Node(const char* next_name, const char* value_name) : next(kNoNode, next_name), value(0, value_name) {}
  mh::var<int> next;   // plain: written only before the node is pushed
  mh::var<int> value;  // plain: written once, before the node is pushed
};

enum class PopUpdate { compare_exchange, load_then_store };

class TreiberStack {
 public:
  TreiberStack(std::array<Node, 2>& nodes, memory_order push_order, PopUpdate pop_update)
      : nodes_(nodes), push_order_(push_order), pop_update_(pop_update) {}

  // The CAS loops below are retry loops, not await loops, so they do not
  // call mh::yield(): a CAS fails only when another thread's write got in
  // first, and the failed CAS has already read that write, so each retry
  // works on a newer top. The number of retries is bounded by the other
  // threads' successful operations.
  //
  // Strong, not weak: a weak CAS's spurious failures would only multiply the
  // executions explored without adding behaviour.
  void push(int node, int value) {
    nodes_[node].value.store(value);
    int top = top_.load(memory_order_relaxed);
    for (;;) {
      nodes_[node].next.store(top);
      if (top_.compare_exchange_strong(top, node, push_order_, memory_order_relaxed)) return;
    }
  }

  std::optional<int> pop() {
    int top = top_.load(memory_order_acquire);
    while (top != kNoNode) {
      const int next = nodes_[top].next.load();
      if (pop_update_ == PopUpdate::load_then_store) {
        top_.store(next, memory_order_release);
        return nodes_[top].value.load();
      }
      if (top_.compare_exchange_strong(top, next, memory_order_acquire, memory_order_acquire))
        return nodes_[top].value.load();
    }
    return std::nullopt;
  }

 private:
  std::array<Node, 2>& nodes_;
  memory_order push_order_;
  PopUpdate pop_update_;
  mh::atomic<int> top_{kNoNode, "top"};
};

// Two threads each push their own value and then pop once. Whatever the
// interleaving, each pop finds the stack non-empty (the other thread pops at
// most what it pushed), and together they pop both values.
void run_treiber_stack(memory_order push_order, PopUpdate pop_update) {
  std::array<Node, 2> nodes = {{{"node0.next", "node0.value"}, {"node1.next", "node1.value"}}};
  TreiberStack stack(nodes, push_order, pop_update);
  int popped[2] = {0, 0};
  auto push_then_pop = [&](int me) {
    stack.push(me, me + 1);
    const std::optional<int> value = stack.pop();
    MH_ASSERT_MSG(value.has_value(), "pop found the stack empty after this thread's own push");
    popped[me] = *value;
  };
  mh::thread first([&] { push_then_pop(0); });
  mh::thread second([&] { push_then_pop(1); });
  first.join();
  second.join();
  MH_ASSERT_MSG(std::min(popped[0], popped[1]) == 1 && std::max(popped[0], popped[1]) == 2,
                "a value was popped twice or lost");
}

}  // namespace

MH_MODEL(treiber_stack) { run_treiber_stack(memory_order_release, PopUpdate::compare_exchange); }

MH_MODEL_EXPECT(treiber_stack_relaxed_push, mh::error::data_race,
                "a relaxed push CAS publishes the node without its fields: a thread popping it reads next and "
                "value with no happens-before from their writes (C++ [intro.races])") {
  run_treiber_stack(memory_order_relaxed, PopUpdate::compare_exchange);
}

MH_MODEL_EXPECT(treiber_stack_unsynchronized_pop, mh::error::assertion,
                "pop as a load and a separate store is not atomic: both threads pop the same node, or a pop "
                "overwrites a concurrent push (Treiber 1986 needs the CAS)") {
  run_treiber_stack(memory_order_release, PopUpdate::load_then_store);
}
