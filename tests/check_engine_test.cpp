// Engine behaviours the models do not pin down: weak CAS retry loops,
// trace order, bounds.
#include <gtest/gtest.h>

#include <string>

#include "check/mh.hpp"

namespace {

using std::memory_order_relaxed;

// A weak CAS may fail spuriously; a retry loop must still end (one spurious
// failure in a row is explored, not every count of them), and a loop whose
// attempt failed spuriously is not waiting, so no livelock is reported.
void weak_cas_increments(bool yield_in_loop) {
  mh::atomic<int> counter{0, "counter"};
  auto increment = [&] {
    int seen = counter.load(memory_order_relaxed);
    while (!counter.compare_exchange_weak(seen, seen + 1, memory_order_relaxed))
      if (yield_in_loop) mh::yield();
  };
  mh::thread a(increment);
  mh::thread b(increment);
  a.join();
  b.join();
  MH_ASSERT(counter.load(memory_order_relaxed) == 2);
}

TEST(CheckEngine, WeakCasRetryLoopTerminates) {
  const mh::check_result result = mh::model_check([] { weak_cas_increments(false); });
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_GT(result.executions, 0U);
}

TEST(CheckEngine, WeakCasRetryLoopWithYieldIsNoLivelock) {
  const mh::check_result result = mh::model_check([] { weak_cas_increments(true); });
  EXPECT_TRUE(result.ok()) << result.message;
}

// The trace lists a write before every read of it, revisited reads included:
// a reader can follow it top to bottom.
TEST(CheckEngine, TraceListsWritesBeforeTheirReads) {
  const mh::check_result result = mh::check_model("condition_variable_lost_wakeup");
  ASSERT_TRUE(result.trace.has_value());
  for (const auto& e : result.trace->events) {
    if (e.read_from.empty() || e.read_from[0] != '#') continue;
    EXPECT_LT(std::stoi(e.read_from.substr(1)), e.number) << "event #" << e.number << " reads " << e.read_from;
  }
}

// --max-executions bounds complete executions and says the search stopped.
TEST(CheckEngine, ExecutionBoundIsReported) {
  mh::check_options options;
  options.max_executions = 10;
  const mh::check_result result = mh::check_model("mutex_counter_4", options);
  EXPECT_EQ(result.verdict, mh::verdict::bound_reached);
  EXPECT_EQ(result.executions, 10U);
}

}  // namespace
