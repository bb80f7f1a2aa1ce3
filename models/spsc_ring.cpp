// A single-producer single-consumer ring buffer (Lamport, "Specifying
// concurrent program modules", TOPLAS 1983; the shape of Linux's kfifo and
// of every SPSC queue since), with capacity 2.
//
// The producer owns `tail` and the consumer owns `head`; each only reads the
// other's index. The slots are plain memory, handed back and forth by the
// two index stores:
//   - tail's release store publishes the slot just written to the consumer;
//   - head's release store returns the slot just read to the producer, so
//     that its next write to the slot cannot overtake the consumer's read.
// Three items through two slots make the producer reuse slot 0, so both
// hand-offs are exercised. Each broken variant makes one of them relaxed.
#include "check/mh.hpp"

namespace {

using std::memory_order;
using std::memory_order_acquire;
using std::memory_order_relaxed;
using std::memory_order_release;

constexpr unsigned kCapacity = 2;
constexpr int kItems = 3;

class SpscRing {
 public:
  SpscRing(memory_order publish_order, memory_order free_order)
      : publish_order_(publish_order), free_order_(free_order) {}

  void push(int value) {
    const unsigned tail = tail_.load(memory_order_relaxed);  // only the producer writes it
    while (tail - head_.load(memory_order_acquire) >= kCapacity) mh::yield();  // full
    slots_[tail % kCapacity].store(value);
    tail_.store(tail + 1, publish_order_);
  }

  int pop() {
    const unsigned head = head_.load(memory_order_relaxed);  // only the consumer writes it
    while (tail_.load(memory_order_acquire) == head) mh::yield();  // empty
    const int value = slots_[head % kCapacity].load();
    head_.store(head + 1, free_order_);
    return value;
  }

 private:
  memory_order publish_order_;  // the producer's tail store
  memory_order free_order_;     // the consumer's head store
  mh::var<int> slots_[kCapacity] = {{0, "slot0"}, {0, "slot1"}};
  mh::atomic<unsigned> head_{0u, "head"};
  mh::atomic<unsigned> tail_{0u, "tail"};
};

void run_spsc_ring(memory_order publish_order, memory_order free_order) {
  SpscRing ring(publish_order, free_order);
  mh::thread producer([&] {
    for (int item = 1; item <= kItems; ++item) ring.push(item);
  });
  mh::thread consumer([&] {
    for (int expected = 1; expected <= kItems; ++expected)
      MH_ASSERT_MSG(ring.pop() == expected, "items must come out in the order they went in");
  });
  producer.join();
  consumer.join();
}

}  // namespace

MH_MODEL(spsc_ring) { run_spsc_ring(memory_order_release, memory_order_release); }

MH_MODEL_EXPECT(spsc_ring_relaxed_publish, mh::error::data_race,
                "a relaxed tail store does not synchronize with the consumer's acquire load, so reading the slot "
                "races with the producer's write of it (C++ [intro.races]; Lamport 1983 assumes SC)") {
  run_spsc_ring(memory_order_relaxed, memory_order_release);
}

MH_MODEL_EXPECT(spsc_ring_relaxed_free, mh::error::data_race,
                "a relaxed head store hands the slot back without ordering the consumer's read of it before "
                "the producer's next write to it: a write-after-read race on the reused slot") {
  run_spsc_ring(memory_order_release, memory_order_relaxed);
}
