// The Michael-Scott lock-free queue (M. M. Michael & M. L. Scott, "Simple,
// fast, and practical non-blocking and blocking concurrent queue
// algorithms", PODC 1996): a linked list with a dummy node, `head` at the
// dummy and `tail` at or one behind the last node. Enqueue links the new node
// after the last one with a CAS on its `next`, then swings `tail` (anyone who
// finds tail lagging helps swing it); dequeue moves `head` to the dummy's
// successor and returns that node's value.
//
// The CAS that links a node is what publishes it: a release CAS, read by
// acquire loads of `next`, orders the enqueuer's write of the value before
// the dequeuer's read of it. Relaxed, the dequeuer reads the value racily.
//
// Nodes come from a pool created by the main function and are linked by index.
// Real pointers are not stable across the replays of a stateless checker (the
// allocator may hand out other addresses when the threads run in another
// order), and a pool also sidesteps reclamation, which the algorithm leaves
// to a garbage collector or hazard pointers. CDSChecker's ms-queue benchmark
// (Norris & Demsky, OOPSLA 2013) is written the same way.
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
  mh::atomic<int> next;  // index of the successor, kNoNode at the end
  mh::var<int> value;    // written once, by the enqueuer, before the node is linked
};

// Node 0 is the initial dummy; enqueuer i uses node i + 1.
using NodePool = std::array<Node, 3>;

class MichaelScottQueue {
 public:
  MichaelScottQueue(NodePool& nodes, memory_order link_order) : nodes_(nodes), link_order_(link_order) {}

  // A retry loop, not an await loop, so no mh::yield(): an iteration either
  // writes (links the node, or helps tail along) or fails a CAS because
  // another thread wrote first, having read that write; every retry starts
  // from a newer state, and the retries are bounded by the other threads'
  // successful operations.
  void enqueue(int node, int value) {
    nodes_[node].value.store(value);
    for (;;) {
      int last = tail_.load(memory_order_acquire);
      int next = nodes_[last].next.load(memory_order_acquire);
      if (next == kNoNode) {
        // Link the node after the last one: the linearization point.
        if (nodes_[last].next.compare_exchange_strong(next, node, link_order_, memory_order_relaxed)) {
          // Swing tail to the new node; if it fails, someone helped already.
          tail_.compare_exchange_strong(last, node, memory_order_release, memory_order_relaxed);
          return;
        }
      } else {
        help_swing_tail(last, next);
      }
    }
  }

  // The original re-reads head after reading `next`, to catch a snapshot
  // torn by a concurrent dequeue and a reused node; nodes are never reused
  // here, so the CASes alone keep it correct. A retry loop like enqueue's,
  // except for the one iteration that only read: see below.
  std::optional<int> dequeue() {
    for (;;) {
      int first = head_.load(memory_order_acquire);
      int last = tail_.load(memory_order_acquire);
      const int next = nodes_[first].next.load(memory_order_acquire);
      if (first == last) {
        if (next == kNoNode) return std::nullopt;  // empty
        help_swing_tail(last, next);
      } else if (next == kNoNode) {
        // Tail is past head but head's link is not visible yet: a stale
        // snapshot that only a later write ends, so wait as an await loop.
        mh::yield();
      } else {
        // Read the value before the CAS: once head moves past `first`,
        // `next` is the new dummy and may be dequeued by someone else.
        const int value = nodes_[next].value.load();
        if (head_.compare_exchange_strong(first, next, memory_order_release, memory_order_relaxed)) return value;
      }
    }
  }

 private:
  void help_swing_tail(int last, int next) {
    tail_.compare_exchange_strong(last, next, memory_order_release, memory_order_relaxed);
  }

  NodePool& nodes_;
  memory_order link_order_;
  mh::atomic<int> head_{0, "head"};
  mh::atomic<int> tail_{0, "tail"};
};

// Two threads enqueue 1 and 2, a third dequeues once; the main function
// then drains the queue. Every value must come out exactly once.
void run_michael_scott_queue(memory_order link_order) {
  NodePool nodes = {{{"dummy.next", "dummy.value"}, {"node1.next", "node1.value"}, {"node2.next", "node2.value"}}};
  MichaelScottQueue queue(nodes, link_order);
  std::optional<int> dequeued;
  mh::thread enqueue_one([&] { queue.enqueue(1, 1); });
  mh::thread enqueue_two([&] { queue.enqueue(2, 2); });
  mh::thread dequeuer([&] { dequeued = queue.dequeue(); });
  enqueue_one.join();
  enqueue_two.join();
  dequeuer.join();

  std::vector<int> values;
  if (dequeued) values.push_back(*dequeued);
  while (const std::optional<int> rest = queue.dequeue()) values.push_back(*rest);
  std::sort(values.begin(), values.end());
  MH_ASSERT_MSG((values == std::vector<int>{1, 2}), "a value was lost or dequeued twice");
}

}  // namespace

MH_MODEL(michael_scott_queue) { run_michael_scott_queue(memory_order_release); }

MH_MODEL_EXPECT(michael_scott_queue_relaxed_link, mh::error::data_race,
                "a relaxed CAS on next publishes the node without its value: the dequeuer reads the value "
                "through the link with no happens-before from the enqueuer's write (C++ [intro.races])") {
  run_michael_scott_queue(memory_order_relaxed);
}
