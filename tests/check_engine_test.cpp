// Engine behaviours the models do not pin down: weak CAS retry loops,
// trace order, bounds, runs continued without a replay.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "check/mh.hpp"
#include "os/pipe.hpp"

namespace {

using std::memory_order_acquire;
using std::memory_order_relaxed;
using std::memory_order_release;

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

// Two different weak CAS statements in a row may both fail spuriously (C11
// 7.17.7.4 lets every weak CAS fail so): with x untouched by anyone else,
// the only way to r0 == r1 == false is two spurious failures. Only a retry
// of the same statement is kept from failing twice in a row. The
// differential fuzzer found the state missing (docs/fuzzing.md).
TEST(CheckEngine, TwoWeakCasStatementsMayBothFailSpuriously) {
  std::set<std::pair<bool, bool>> outcomes;
  const mh::check_result result = mh::model_check([&] {
    mh::atomic<int> x{0, "x"};
    int expected0 = 0, expected1 = 0;
    const bool r0 = x.compare_exchange_weak(expected0, 1, memory_order_relaxed);
    const bool r1 = x.compare_exchange_weak(expected1, 2, memory_order_relaxed);
    outcomes.emplace(r0, r1);
  });
  ASSERT_TRUE(result.ok()) << result.message;
  // r0 fails (spuriously, x is 0) or succeeds; after a success x is 1 and the
  // second CAS expecting 0 fails for real; after a failure it may succeed or fail.
  EXPECT_EQ(outcomes, (std::set<std::pair<bool, bool>>{{false, false}, {false, true}, {true, false}}));
}

// The trace lists a write before every read of it, revisited reads included:
// a reader can follow it top to bottom.
TEST(CheckEngine, TraceListsWritesBeforeTheirReads) {
  const mh::check_result result = mh::check_model("condition_variable_lost_wakeup");
  ASSERT_TRUE(result.trace.has_value());
  for (const auto& e : result.trace->events) {
    if (e.read_from.empty() || e.read_from[0] != '#') continue;
    EXPECT_LT(std::stoi(e.read_from.substr(1)), e.number)
        << "event #" << e.number << " reads " << e.read_from;
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

// A run blocked on a mutex is continued in place by the revisit that lets
// the waiting lock read the unlock: in the mutex counter every blocked run
// is such a run (a thread's failed lock attempt read a lock that another
// thread's unlock then releases, and nothing else happened since), so only
// the N! complete executions need a replay of their own.
TEST(CheckEngine, RunsBlockedOnAMutexContinueWithoutAReplay) {
  const mh::check_result result = mh::check_model("mutex_counter_4");
  ASSERT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.executions, 24U);
  EXPECT_EQ(result.runs, result.executions + result.blocked);
  EXPECT_EQ(result.replays, result.executions);
}

// A spin loop that does something else on its third turn although its
// first two read the same. Thread 1 waits (its two iterations read x == 0,
// nothing else written yet); thread 2's store then revisits the second read.
// The run that follows must be a replay (a retry by the waiting fiber would
// be its third turn, which reads y), and no nondeterminism is reported.
// Executions: the loop reads 1 on its first turn, or 0 then 1 on its second
// (a third turn never happens: 0 twice is a wait, and x gets no other
// value) -- 2 executions, no error.
TEST(CheckEngine, SpinLoopThatIsNoPureRetryIsReplayed) {
  const mh::check_result result = mh::model_check([] {
    mh::atomic<int> x{0, "x"};
    mh::atomic<int> y{0, "y"};
    mh::thread waiter([&] {
      mh::yield();  // the loop's first turn is then compared with the next
      for (int turn = 0;; ++turn) {
        const int seen = turn < 2 ? x.load(memory_order_acquire) : y.load(memory_order_acquire);
        if (seen != 0) break;
        mh::yield();
      }
    });
    mh::thread setter([&] { x.store(1, memory_order_release); });
    waiter.join();
    setter.join();
  });
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.executions, 2U);
}

// A CAS retry loop is not a read-only spin: the failed attempt updates
// `expected`, so the next attempt reading the same value succeeds and
// writes. B's store is unordered with A's CAS, so co may put it last and x
// ends as 2 ([atomics.order] coherence allows either order): the assertion
// must be found, whatever iteration A reads the old value 1 in.
TEST(CheckEngine, CasRetryReadingAnOldValueAgainIsExplored) {
  const mh::check_result result = mh::model_check([] {
    mh::atomic<int> x{1, "x"};
    mh::thread a([&] {
      mh::yield();
      int expected = 0;
      while (!x.compare_exchange_strong(expected, 5)) mh::yield();
    });
    mh::thread b([&] { x.store(2); });
    a.join();
    b.join();
    MH_ASSERT(x.load() == 5);
  });
  EXPECT_TRUE(result.found(mh::error::assertion)) << result.message;
}

// An await loop that counts its turns: by the waiting rule (two turns in a
// row that read the same values wait), the loop reads x == 1 at once, or 0
// then 1 -- 2 executions, and never more than one failed turn. A checker
// that let the waiting thread run an extra turn to take a later write would
// count 2 and fail the assertion.
TEST(CheckEngine, AwaitLoopStateIsThatOfTheExploredTurns) {
  const mh::check_result result = mh::model_check([] {
    mh::atomic<int> x{0, "x"};
    mh::thread waiter([&] {
      mh::yield();
      int failed_turns = 0;
      while (x.load(memory_order_acquire) == 0) {
        ++failed_turns;
        mh::yield();
      }
      MH_ASSERT(failed_turns <= 1);
    });
    mh::thread setter([&] { x.store(1, memory_order_release); });
    waiter.join();
    setter.join();
  });
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.executions, 2U);
}

// Threads report into the test's own variables, as litmus-style models do:
// each thread counts its own mark once, before or after an await loop, and
// the joins order those writes before main's check, so every execution ends
// with one mark per thread. A checker that started a waiting thread over
// without replaying the others would have it count twice.
TEST(CheckEngine, ThreadsWriteTheTestsVariablesOncePerExecution) {
  const mh::check_result result = mh::model_check([] {
    mh::atomic<int> x{0, "x"};
    int waiter_marks = 0;
    int setter_marks = 0;
    mh::thread waiter([&] {
      ++waiter_marks;
      mh::yield();
      while (x.load(memory_order_acquire) == 0) mh::yield();
    });
    mh::thread setter([&] {
      x.store(1, memory_order_release);
      ++setter_marks;
    });
    waiter.join();
    setter.join();
    MH_ASSERT(waiter_marks == 1 && setter_marks == 1);
  });
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.executions, 2U);
}

// An exception that leaves a thread's body is an error of the model.
TEST(CheckEngine, ExceptionLeavingAThreadIsReported) {
  const mh::check_result standard = mh::model_check([] {
    mh::thread t([] { throw std::runtime_error("boom"); });
    t.join();
  });
  ASSERT_TRUE(standard.found(mh::error::exception)) << standard.message;
  EXPECT_NE(standard.message.find("boom"), std::string::npos) << standard.message;

  const mh::check_result other = mh::model_check([] {
    mh::thread t([] { throw 42; });
    t.join();
  });
  ASSERT_TRUE(other.found(mh::error::exception)) << other.message;
  EXPECT_NE(other.message.find("non-standard"), std::string::npos) << other.message;
}

// Threads of an abandoned or blocked run are unwound: every object a test
// thread constructed is destroyed, whatever run it was in.
TEST(CheckEngine, AbandonedThreadsRunTheirDestructors) {
  static int alive = 0;
  struct Counted {
    Counted() { ++alive; }
    ~Counted() { --alive; }
    Counted(const Counted&) = delete;
    Counted& operator=(const Counted&) = delete;
  };
  alive = 0;
  const mh::check_result result = mh::model_check([] {
    Counted in_main;
    mh::atomic<int> x{0, "x"};
    mh::thread waiter([&] {
      Counted in_waiter;
      mh::yield();
      while (x.load(memory_order_acquire) == 0) mh::yield();  // blocked runs leave it here
    });
    mh::thread setter([&] {
      Counted in_setter;
      x.store(1, memory_order_release);
    });
    waiter.join();
    setter.join();
  });
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_GT(result.blocked, 0U);
  EXPECT_EQ(alive, 0);
}

}  // namespace

namespace {

// An await loop may end on any write that satisfies it: with writers of 1
// and 2, RC11 (and SC) let the loop read either. A search that stops a run
// as soon as the awaited write is no longer the latest loses the second.
TEST(CheckEngine, AwaitLoopSeesEveryWriteThatEndsIt) {
  std::set<int> seen;
  const mh::check_result result = mh::model_check([&] {
    mh::atomic<int> x{0, "x"};
    mh::thread one([&] { x.store(1, memory_order_relaxed); });
    mh::thread two([&] { x.store(2, memory_order_relaxed); });
    int v = 0;
    while ((v = x.load(memory_order_relaxed)) == 0) mh::yield();
    one.join();
    two.join();
    seen.insert(v);
  });
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(seen, (std::set<int>{1, 2}));
}

// The same for a wait in the runtime: a reader blocked on an empty pipe may
// take either writer's byte first (the pipe is a conditional update that
// fails while empty, then waits).
TEST(CheckEngine, BlockingWaitSeesEveryWriteThatEndsIt) {
  std::set<char> seen;
  const mh::check_result result = mh::model_check([&] {
    mh::os::pipe channel(mh::os::pipe_options{}, "channel");
    mh::thread one([&] { channel.write("a", 1); });
    mh::thread two([&] { channel.write("x", 1); });
    char first = 0;
    MH_ASSERT(channel.read(&first, 1) == 1);
    char second = 0;
    MH_ASSERT(channel.read(&second, 1) == 1);
    one.join();
    two.join();
    seen.insert(first);
  });
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(seen, (std::set<char>{'a', 'x'}));
}

// check::choose: each alternative once, the first explored first.
TEST(CheckEngine, ChoiceExploresEachAlternativeOnce) {
  std::vector<std::uint32_t> order;
  const mh::check_result result = mh::model_check(
      [&] { order.push_back(mh::check::choose(3, "which", mh::check::source_location::current())); });
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.executions, 3U);
  std::sort(order.begin(), order.end());
  EXPECT_EQ(order, (std::vector<std::uint32_t>{0, 1, 2}));
}

// A choice combines with the reads around it: two choices of 2 and a read
// of one of two writes give 2 * 2 * 2 executions.
TEST(CheckEngine, ChoicesMultiplyWithReads) {
  const mh::check_result result = mh::model_check([] {
    mh::atomic<int> x{0, "x"};
    mh::thread writer([&] { x.store(1, memory_order_relaxed); });
    mh::check::choose(2, "a", mh::check::source_location::current());
    x.load(memory_order_relaxed);
    mh::check::choose(2, "b", mh::check::source_location::current());
    writer.join();
  });
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.executions, 8U);
}

}  // namespace
