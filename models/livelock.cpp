// A spin loop that can never exit: the waiter awaits a start flag that the
// main thread forgets to raise before joining it. Unlike an await loop that
// a later store ends (see mp_await_release_acquire), no store of `go` exists
// in any execution, so the checker must report it instead of exploring or
// pruning it forever.
#include "check/mh.hpp"

MH_MODEL_EXPECT(livelock_flag_never_set, mh::error::livelock,
                "the waiter spins on a flag that no thread ever sets, so its loop never exits") {
  mh::atomic<bool> go{false, "go"};
  mh::thread waiter([&] {
    while (!go.load(std::memory_order_acquire)) mh::yield();
  });
  // Bug: go.store(true, std::memory_order_release) is missing here.
  waiter.join();
}
