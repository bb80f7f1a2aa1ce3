// The two classic litmus shapes as models, each in the variants where the
// answer changes: store buffering (SB) and message passing (MP). The
// verdicts are those of the RC11 paper (Lahav, Vafeiadis, Kang, Hur, Dreyer,
// "Repairing sequential consistency in C/C++11", PLDI 2017) and of C++
// itself. The ok ones are the checker's no-false-alarm cases: seq_cst SB is
// the test loom gets wrong, and fence-based MP is a ThreadSanitizer blind
// spot (clang 14 does not model standalone fences).
//
// The outcome sets of these and more shapes (LB, IRIW, CoRR, 2+2W) are
// tested in tests/check_models_test.cpp.
#include "check/mh.hpp"

namespace {

using std::memory_order;
using std::memory_order_acquire;
using std::memory_order_relaxed;
using std::memory_order_release;
using std::memory_order_seq_cst;

// SB: each thread stores 1 to its own location, then loads the other's.
// SC forbids both loads reading 0: whichever store comes first in the total
// order is seen by the other thread's load, which comes after its own store.
void store_buffering(memory_order store_order, memory_order load_order, bool seq_cst_fences) {
  mh::atomic<int> x{0, "x"};
  mh::atomic<int> y{0, "y"};
  int seen_y = -1;
  int seen_x = -1;
  mh::thread first([&] {
    x.store(1, store_order);
    if (seq_cst_fences) mh::atomic_thread_fence(memory_order_seq_cst);
    seen_y = y.load(load_order);
  });
  mh::thread second([&] {
    y.store(1, store_order);
    if (seq_cst_fences) mh::atomic_thread_fence(memory_order_seq_cst);
    seen_x = x.load(load_order);
  });
  first.join();
  second.join();
  MH_ASSERT_MSG(!(seen_y == 0 && seen_x == 0), "both loads missed the other thread's store");
}

// MP with a plain payload: the writer fills `data` and raises `flag`; a
// reader that sees the flag reads the data. The flag hand-off must order the
// data write before the data read, or the read is a data race.
enum class Handoff {
  release_acquire,  // release store, acquire load
  relaxed,          // relaxed store and load: no synchronization
  release_acquire_fences,  // relaxed flag accesses between release and acquire fences
  seq_cst_fences,          // relaxed flag accesses between seq_cst fences
};

void message_passing(Handoff handoff) {
  mh::var<int> data{0, "data"};
  mh::atomic<int> flag{0, "flag"};
  const bool fences = handoff == Handoff::release_acquire_fences || handoff == Handoff::seq_cst_fences;
  const memory_order writer_fence =
      handoff == Handoff::seq_cst_fences ? memory_order_seq_cst : memory_order_release;
  const memory_order reader_fence =
      handoff == Handoff::seq_cst_fences ? memory_order_seq_cst : memory_order_acquire;
  const memory_order flag_store = handoff == Handoff::release_acquire ? memory_order_release : memory_order_relaxed;
  const memory_order flag_load = handoff == Handoff::release_acquire ? memory_order_acquire : memory_order_relaxed;

  mh::thread writer([&] {
    data.store(42);
    if (fences) mh::atomic_thread_fence(writer_fence);
    flag.store(1, flag_store);
  });
  mh::thread reader([&] {
    if (flag.load(flag_load) == 1) {
      if (fences) mh::atomic_thread_fence(reader_fence);
      MH_ASSERT_MSG(data.load() == 42, "the flag was seen but not the data written before it");
    }
  });
  writer.join();
  reader.join();
}

}  // namespace

MH_MODEL(sb_seq_cst) { store_buffering(memory_order_seq_cst, memory_order_seq_cst, false); }

MH_MODEL(sb_seq_cst_fences) { store_buffering(memory_order_relaxed, memory_order_relaxed, true); }

MH_MODEL_EXPECT(sb_relaxed, mh::error::assertion,
                "relaxed SB: both loads may read 0, as on x86-TSO's store buffers (Owens et al. 2009; RC11)") {
  store_buffering(memory_order_relaxed, memory_order_relaxed, false);
}

MH_MODEL_EXPECT(sb_acq_rel, mh::error::assertion,
                "release/acquire does not order a store before a later load of another location: SB's 0/0 is "
                "allowed (Lahav et al., PLDI 2017)") {
  store_buffering(memory_order_release, memory_order_acquire, false);
}

MH_MODEL(mp_release_acquire) { message_passing(Handoff::release_acquire); }

MH_MODEL(mp_release_acquire_fences) { message_passing(Handoff::release_acquire_fences); }

MH_MODEL(mp_seq_cst_fences) { message_passing(Handoff::seq_cst_fences); }

// The reader waits for the flag instead of testing it once: an await loop,
// which must neither multiply the executions nor look like a livelock.
MH_MODEL(mp_await_release_acquire) {
  mh::var<int> data{0, "data"};
  mh::atomic<bool> ready{false, "ready"};
  mh::thread writer([&] {
    data.store(42);
    ready.store(true, memory_order_release);
  });
  mh::thread reader([&] {
    while (!ready.load(memory_order_acquire)) mh::yield();
    MH_ASSERT_MSG(data.load() == 42, "the flag was seen but not the data written before it");
  });
  writer.join();
  reader.join();
}

MH_MODEL_EXPECT(mp_relaxed_var, mh::error::data_race,
                "a relaxed flag creates no synchronizes-with edge, so the plain data write and read are unordered: "
                "a data race (C++ [intro.races]; RC11)") {
  message_passing(Handoff::relaxed);
}

// The same relaxed hand-off with an atomic payload is race-free but may read
// the old value: the reader sees flag == 1 and data == 0 (MP is allowed by
// RC11 for relaxed accesses, and by ARMv8 and POWER hardware).
MH_MODEL_EXPECT(mp_relaxed_atomic, mh::error::assertion,
                "relaxed MP: the flag may be seen before the data (Lahav et al., PLDI 2017; Alglave et al., "
                "Herding cats, TOPLAS 2014)") {
  mh::atomic<int> data{0, "data"};
  mh::atomic<int> flag{0, "flag"};
  mh::thread writer([&] {
    data.store(42, memory_order_relaxed);
    flag.store(1, memory_order_relaxed);
  });
  mh::thread reader([&] {
    if (flag.load(memory_order_relaxed) == 1)
      MH_ASSERT_MSG(data.load(memory_order_relaxed) == 42, "the flag was seen but not the data written before it");
  });
  writer.join();
  reader.join();
}
