// A seqlock (Lameter 2005; Linux's seqcount_t), with the memory orders of
// H.-J. Boehm, "Can seqlocks get along with programming language memory
// models?" (MSPC 2012).
//
// The writer makes the sequence odd, writes the data, and makes it even
// again; a reader reads the sequence, the data, and the sequence again, and
// keeps the data only if both sequence reads are equal and even. The data is
// read while the writer may be writing it, so it must be atomic (relaxed):
// a plain mh::var would be a data race by design. Three orders make the
// snapshot consistent:
//   - reader: the first sequence load is acquire, so a reader that sees the
//     final even value also sees the data written before it;
//   - reader: an acquire fence before the second sequence load, so a reader
//     that saw any new data also sees the odd sequence stored before it
//     (its second read then differs from its first);
//   - writer: a release fence after the odd store, pairing with that acquire
//     fence (the data stores are relaxed, so they cannot release by themselves).
// Each broken variant drops one of them, and the reader accepts a torn or
// stale snapshot.
#include "check/mh.hpp"

namespace {

using std::memory_order;
using std::memory_order_acquire;
using std::memory_order_relaxed;
using std::memory_order_release;

struct SeqlockOrders {
  memory_order begin_load;    // the reader's first sequence load
  bool reader_acquire_fence;  // between the data loads and the second sequence load
  bool writer_release_fence;  // between the odd sequence store and the data stores
};

struct Snapshot {
  unsigned sequence;  // the even sequence value the data belongs to
  int first;
  int second;
};

// Two data words that are always written together with the same value.
class Seqlock {
 public:
  explicit Seqlock(const SeqlockOrders& orders) : orders_(orders) {}

  // Single writer: the sequence needs no read-modify-write.
  void write(int value) {
    const unsigned sequence = sequence_.load(memory_order_relaxed);
    sequence_.store(sequence + 1, memory_order_relaxed);
    if (orders_.writer_release_fence) mh::atomic_thread_fence(memory_order_release);
    first_.store(value, memory_order_relaxed);
    second_.store(value, memory_order_relaxed);
    sequence_.store(sequence + 2, memory_order_release);
  }

  Snapshot read() const {
    for (;;) {
      const unsigned begin = sequence_.load(orders_.begin_load);
      const int first = first_.load(memory_order_relaxed);
      const int second = second_.load(memory_order_relaxed);
      if (orders_.reader_acquire_fence) mh::atomic_thread_fence(memory_order_acquire);
      const unsigned end = sequence_.load(memory_order_relaxed);
      if (begin == end && begin % 2 == 0) return {begin, first, second};
      mh::yield();  // a write was in progress: read again
    }
  }

 private:
  SeqlockOrders orders_;
  mh::atomic<unsigned> sequence_{0u, "sequence"};
  mh::atomic<int> first_{0, "first"};
  mh::atomic<int> second_{0, "second"};
};

// One write of version 1 against one read. A snapshot is consistent when
// both words are equal and belong to the sequence read: version 0 at
// sequence 0, version 1 at sequence 2.
void run_seqlock(const SeqlockOrders& orders) {
  Seqlock lock(orders);
  mh::thread writer([&] { lock.write(1); });
  mh::thread reader([&] {
    const Snapshot snapshot = lock.read();
    MH_ASSERT_MSG(snapshot.first == snapshot.second, "torn read: the two words come from different writes");
    MH_ASSERT_MSG(snapshot.first == static_cast<int>(snapshot.sequence / 2),
                  "stale read: the data is older than the sequence number it was accepted under");
  });
  writer.join();
  reader.join();
}

constexpr SeqlockOrders kBoehmOrders{
    .begin_load = memory_order_acquire, .reader_acquire_fence = true, .writer_release_fence = true};

}  // namespace

MH_MODEL(seqlock) { run_seqlock(kBoehmOrders); }

MH_MODEL_EXPECT(seqlock_missing_reader_fence, mh::error::assertion,
                "without the acquire fence the second sequence load may read the old value although newer data "
                "was read, so a torn snapshot is accepted (Boehm, MSPC 2012)") {
  SeqlockOrders orders = kBoehmOrders;
  orders.reader_acquire_fence = false;
  run_seqlock(orders);
}

MH_MODEL_EXPECT(seqlock_relaxed_begin_load, mh::error::assertion,
                "a relaxed first sequence load may see the final even value without the data written before it, "
                "so old data is accepted as the new version (Boehm, MSPC 2012)") {
  SeqlockOrders orders = kBoehmOrders;
  orders.begin_load = memory_order_relaxed;
  run_seqlock(orders);
}

MH_MODEL_EXPECT(seqlock_missing_writer_fence, mh::error::assertion,
                "relaxed data stores with no release fence after the odd sequence store give the reader's acquire "
                "fence nothing to synchronize with, so a torn snapshot passes (Boehm, MSPC 2012)") {
  SeqlockOrders orders = kBoehmOrders;
  orders.writer_release_fence = false;
  run_seqlock(orders);
}
