// The model checker against answers known in advance:
//   - every model in models/ gets the verdict it was registered with, and
//     the correct ones stay correct under SC;
//   - litmus shapes written with mh:: types produce exactly the outcome sets
//     the memory models allow (RC11: Lahav et al., "Repairing sequential
//     consistency in C/C++11", PLDI 2017; SC: Lamport 1979; the shapes'
//     names and verdicts as in herd7's catalogue, Alglave et al., "Herding
//     cats", TOPLAS 2014);
//   - an optimal explorer visits each consistent execution once, so the
//     execution counts are known too (GenMC/TruSt, Kokologiannakis et al.,
//     POPL 2022: N! for the mutex counter with N threads).
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "check/gtest.hpp"
#include "check/mh.hpp"

namespace {

using std::memory_order;
using std::memory_order_acquire;
using std::memory_order_relaxed;
using std::memory_order_release;
using std::memory_order_seq_cst;

mh::check_options options_for(mh::memory_model model) {
  mh::check_options options;
  options.model = model;
  return options;
}

// ---------------------------------------------------------------------------
// The registered models

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUnderAddressSanitizer = true;
#else
constexpr bool kUnderAddressSanitizer = false;
#endif

// Every model; under AddressSanitizer (an unoptimised build, about 26 times
// slower here) but for the three largest, which the default preset checks:
// 571,050, 263,898 and 180,224 executions, minutes each under ASan. Their
// smaller versions (2 threads, one producer) run under ASan too.
std::vector<std::string> all_model_names() {
  const std::set<std::string> largest = {"futex_mutex_take2_3", "futex_mutex_take3_3", "pipe_mpsc_queue"};
  std::vector<std::string> names;
  for (const mh::registered_model& model : mh::registered_models())
    if (!kUnderAddressSanitizer || !largest.contains(model.name)) names.push_back(model.name);
  return names;
}

// The correct models, but for the largest ones, whose smaller versions are
// checked under SC too: the two largest mutex counters (ExecutionCounts
// checks N <= 6; these have 5,040 and 40,320 executions), the 3-thread futex
// mutexes (their 2-thread versions; 264,000 and 571,000 executions, a
// minute or more under SC's slower consistency check) and the pipe MPSC
// queue (pipe_handoff_linux; 180,000 executions).
std::vector<std::string> correct_model_names_for_sc() {
  const std::set<std::string> largest = {"mutex_counter_7", "mutex_counter_8", "futex_mutex_take2_3",
                                         "futex_mutex_take3_3", "pipe_mpsc_queue"};
  std::vector<std::string> names;
  for (const mh::registered_model& model : mh::registered_models()) {
    if (model.expected != mh::error::none) continue;
    if (largest.contains(model.name)) continue;
    names.push_back(model.name);
  }
  return names;
}

std::string param_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

class RegisteredModel : public ::testing::TestWithParam<std::string> {};

TEST_P(RegisteredModel, VerdictMatchesItsExpectation) {
  const mh::registered_model* model = mh::find_model(GetParam());
  ASSERT_NE(model, nullptr);
  const mh::check_result result = mh::check_model(model->name);
  if (model->expected == mh::error::none) {
    EXPECT_TRUE(result.ok()) << mh::testing::describe(result);
    EXPECT_GT(result.executions, 0u);
    return;
  }
  ASSERT_TRUE(result.found(model->expected))
      << "expected " << mh::to_string(model->expected) << ", got " << mh::testing::describe(result);
  ASSERT_TRUE(result.trace.has_value()) << "an error comes with its trace";
  EXPECT_EQ(result.trace->kind, model->expected);
  EXPECT_FALSE(result.trace->events.empty());
  ASSERT_FALSE(result.trace->replay_id.empty());

  // The error's execution id replays that execution, and the error with it.
  mh::check_options replay;
  replay.replay = result.trace->replay_id;
  const mh::check_result replayed = mh::check_model(model->name, replay);
  EXPECT_TRUE(replayed.found(model->expected)) << mh::testing::describe(replayed);
}

INSTANTIATE_TEST_SUITE_P(Models, RegisteredModel, ::testing::ValuesIn(all_model_names()), param_name);

// SC keeps a subset of RC11's executions, and the ones it keeps have the
// same happens-before (synchronization still comes only from release and
// acquire), so a model with no error under RC11 has none under SC either.
class CorrectModelUnderSc : public ::testing::TestWithParam<std::string> {};

TEST_P(CorrectModelUnderSc, IsCorrectUnderScToo) {
  const mh::check_options sc = options_for(mh::memory_model::sc);
  EXPECT_TRUE(mh::testing::model_ok(GetParam(), &sc));
}

INSTANTIATE_TEST_SUITE_P(Models, CorrectModelUnderSc, ::testing::ValuesIn(correct_model_names_for_sc()),
                         param_name);

// The bugs that only weak memory exposes. Under SC each of these models is
// correct: the assertions of SB, MP and the seqlock check exactly what an
// interleaving guarantees, and in Peterson's and Dekker's locks the thread
// that enters second always leaves its wait loop by reading the first one's
// release store with an acquire load, so the critical sections are ordered
// by happens-before. (Not listed: the relaxed-publication bugs of the SPSC
// ring, the Michael-Scott queue, the Treiber stack, the ticket lock and the
// spinlock stay data races under SC, since a relaxed access synchronizes
// with nothing whatever the interleaving.)
TEST(WeakMemoryBugs, DisappearUnderSc) {
  const mh::check_options sc = options_for(mh::memory_model::sc);
  for (const char* name : {"sb_relaxed", "sb_acq_rel", "mp_relaxed_atomic", "peterson_acq_rel",
                           "peterson_fence_after_stores", "dekker_acq_rel", "seqlock_missing_reader_fence",
                           "seqlock_relaxed_begin_load", "seqlock_missing_writer_fence"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(mh::testing::model_ok(name, &sc));
  }
}

TEST(ModelRegistry, HoldsTheModelsOfIssue3) {
  for (const char* name : {"peterson_seq_cst",
                           "peterson_acq_rel",
                           "peterson_fenced",
                           "dekker_seq_cst",
                           "dekker_acq_rel",
                           "ticket_lock",
                           "ticket_lock_relaxed_serving",
                           "seqlock",
                           "seqlock_missing_reader_fence",
                           "spsc_ring",
                           "spsc_ring_relaxed_publish",
                           "michael_scott_queue",
                           "michael_scott_queue_relaxed_link",
                           "treiber_stack",
                           "treiber_stack_relaxed_push",
                           "mutex_counter_1",
                           "mutex_counter_8",
                           "unprotected_counter",
                           "sb_seq_cst",
                           "sb_relaxed",
                           "mp_release_acquire",
                           "mp_seq_cst_fences",
                           "mp_relaxed_var",
                           "deadlock_lock_order_inversion",
                           "livelock_flag_never_set",
                           "uninitialized_atomic_read",
                           "mutex_unlock_unlocked",
                           "condition_variable_handoff",
                           "condition_variable_lost_wakeup"}) {
    EXPECT_NE(mh::find_model(name), nullptr) << name << " is not registered";
  }
}

TEST(ModelRegistry, NamesAreUniqueAndEveryExpectedErrorSaysWhy) {
  std::set<std::string> seen;
  for (const mh::registered_model& model : mh::registered_models()) {
    EXPECT_TRUE(seen.insert(model.name).second) << model.name << " is registered twice";
    if (model.expected != mh::error::none) {
      EXPECT_FALSE(model.description.empty()) << model.name << " expects an error without saying why";
    }
  }
}

// The GoogleTest glue a user's own suite would use.
TEST(GtestGlue, ExpectModelMacros) {
  EXPECT_MODEL_OK(peterson_seq_cst);
  EXPECT_MODEL_FINDS(peterson_acq_rel, mh::error::data_race);
  EXPECT_MODEL_FINDS(condition_variable_lost_wakeup, mh::error::deadlock);

  // Relaxed store buffering is a bug only because of weak memory.
  const mh::check_options sc = options_for(mh::memory_model::sc);
  EXPECT_MODEL_OK_WITH(sb_relaxed, sc);

  // A random search finds it too: a quarter of SB's executions read 0 twice.
  mh::check_options random;
  random.mode = mh::search_mode::random;
  random.seed = 7;
  random.max_executions = 1'000;
  EXPECT_MODEL_FINDS_WITH(sb_relaxed, mh::error::assertion, random);
}

// ---------------------------------------------------------------------------
// Outcome sets of litmus shapes

// One execution's outcome: the values its threads loaded (or the final
// values of the locations), in the order the shape documents.
using Outcome = std::vector<int>;
using Outcomes = std::set<Outcome>;

struct Exploration {
  Outcomes outcomes;
  mh::check_result result;
};

// Explores every execution of `shape` under `model`. `shape` is the main
// function of one execution: it spawns and joins the threads and returns
// what they loaded. The checker runs it once per explored execution and only
// a complete, consistent execution gets past the joins, so `outcomes` holds
// exactly the outcomes the model allows.
//
// In every shape below an execution is determined by its outcome: each
// location has at most one write besides its initial value, so the
// reads-from choices are the values loaded, or (2+2W) the final values name
// the coherence order. An optimal explorer therefore visits exactly one
// execution per outcome.
Exploration explore(const std::function<Outcome()>& shape, mh::memory_model model) {
  Exploration exploration;
  exploration.result = mh::model_check([&] { exploration.outcomes.insert(shape()); }, options_for(model));
  EXPECT_TRUE(exploration.result.ok()) << mh::testing::describe(exploration.result);
  EXPECT_EQ(exploration.result.model, mh::to_string(model));
  EXPECT_EQ(exploration.result.executions, exploration.outcomes.size());
  return exploration;
}

struct AccessOrders {
  memory_order store;
  memory_order load;
};
constexpr AccessOrders kRelaxed{memory_order_relaxed, memory_order_relaxed};
constexpr AccessOrders kReleaseAcquire{memory_order_release, memory_order_acquire};
constexpr AccessOrders kSeqCst{memory_order_seq_cst, memory_order_seq_cst};

// Registers are plain ints of the main function's frame: each is written by
// one thread and read by main after joining it, as with std::thread.

// SB: x = 1; r0 = y  ||  y = 1; r1 = x.  Outcome {r0, r1}.
Outcome store_buffering(AccessOrders orders) {
  mh::atomic<int> x{0, "x"};
  mh::atomic<int> y{0, "y"};
  int r0 = -1;
  int r1 = -1;
  mh::thread t0([&] {
    x.store(1, orders.store);
    r0 = y.load(orders.load);
  });
  mh::thread t1([&] {
    y.store(1, orders.store);
    r1 = x.load(orders.load);
  });
  t0.join();
  t1.join();
  return {r0, r1};
}

// MP: data = 1; [fence]; flag = 1  ||  r0 = flag; [fence]; r1 = data.
// Outcome {r0, r1}. The data accesses are relaxed atomics, so that every
// outcome is race-free and observable.
struct MessagePassingVariant {
  AccessOrders flag = kRelaxed;
  std::optional<memory_order> writer_fence = std::nullopt;  // between the data store and the flag store
  std::optional<memory_order> reader_fence = std::nullopt;  // between the flag load and the data load
};

Outcome message_passing(const MessagePassingVariant& variant) {
  mh::atomic<int> data{0, "data"};
  mh::atomic<int> flag{0, "flag"};
  int r0 = -1;
  int r1 = -1;
  mh::thread writer([&] {
    data.store(1, memory_order_relaxed);
    if (variant.writer_fence) mh::atomic_thread_fence(*variant.writer_fence);
    flag.store(1, variant.flag.store);
  });
  mh::thread reader([&] {
    r0 = flag.load(variant.flag.load);
    if (variant.reader_fence) mh::atomic_thread_fence(*variant.reader_fence);
    r1 = data.load(memory_order_relaxed);
  });
  writer.join();
  reader.join();
  return {r0, r1};
}

// LB: r0 = x; y = 1  ||  r1 = y; x = 1.  Outcome {r0, r1}.
Outcome load_buffering(AccessOrders orders) {
  mh::atomic<int> x{0, "x"};
  mh::atomic<int> y{0, "y"};
  int r0 = -1;
  int r1 = -1;
  mh::thread t0([&] {
    r0 = x.load(orders.load);
    y.store(1, orders.store);
  });
  mh::thread t1([&] {
    r1 = y.load(orders.load);
    x.store(1, orders.store);
  });
  t0.join();
  t1.join();
  return {r0, r1};
}

// IRIW: x = 1  ||  y = 1  ||  r0 = x; r1 = y  ||  r2 = y; r3 = x.
// Outcome {r0, r1, r2, r3}.
Outcome independent_reads_of_independent_writes(AccessOrders orders) {
  mh::atomic<int> x{0, "x"};
  mh::atomic<int> y{0, "y"};
  int r0 = -1;
  int r1 = -1;
  int r2 = -1;
  int r3 = -1;
  mh::thread write_x([&] { x.store(1, orders.store); });
  mh::thread write_y([&] { y.store(1, orders.store); });
  mh::thread read_x_then_y([&] {
    r0 = x.load(orders.load);
    r1 = y.load(orders.load);
  });
  mh::thread read_y_then_x([&] {
    r2 = y.load(orders.load);
    r3 = x.load(orders.load);
  });
  write_x.join();
  write_y.join();
  read_x_then_y.join();
  read_y_then_x.join();
  return {r0, r1, r2, r3};
}

// CoRR: x = 1  ||  r0 = x; r1 = x.  Outcome {r0, r1}. Relaxed.
Outcome coherent_read_read() {
  mh::atomic<int> x{0, "x"};
  int r0 = -1;
  int r1 = -1;
  mh::thread writer([&] { x.store(1, memory_order_relaxed); });
  mh::thread reader([&] {
    r0 = x.load(memory_order_relaxed);
    r1 = x.load(memory_order_relaxed);
  });
  writer.join();
  reader.join();
  return {r0, r1};
}

// 2+2W: x = 1; y = 2  ||  y = 1; x = 2.  Outcome: the final {x, y}, read by
// main after the joins (everything is then ordered before its loads, so
// each reads the last write in coherence order).
Outcome two_plus_two_writes(memory_order order) {
  mh::atomic<int> x{0, "x"};
  mh::atomic<int> y{0, "y"};
  mh::thread t0([&] {
    x.store(1, order);
    y.store(2, order);
  });
  mh::thread t1([&] {
    y.store(1, order);
    x.store(2, order);
  });
  t0.join();
  t1.join();
  return {x.load(memory_order_relaxed), y.load(memory_order_relaxed)};
}

// SB: under SC the store that comes first in the interleaving is seen by
// the other thread's load, so {0, 0} is impossible. RC11 allows it for
// relaxed and release/acquire accesses (x86-TSO does too, through store
// buffers), and forbids it for seq_cst ones.
TEST(LitmusOutcomes, StoreBuffering) {
  const Outcomes all = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  const Outcomes sc = {{0, 1}, {1, 0}, {1, 1}};
  EXPECT_EQ(explore([] { return store_buffering(kRelaxed); }, mh::memory_model::rc11).outcomes, all);
  EXPECT_EQ(explore([] { return store_buffering(kReleaseAcquire); }, mh::memory_model::rc11).outcomes, all);
  EXPECT_EQ(explore([] { return store_buffering(kSeqCst); }, mh::memory_model::rc11).outcomes, sc);
  EXPECT_EQ(explore([] { return store_buffering(kRelaxed); }, mh::memory_model::sc).outcomes, sc);
}

// MP: a reader that sees the flag sees the data only if the flag hand-off
// synchronizes: a release store read by an acquire load, or relaxed flag
// accesses between a release (or seq_cst) fence in the writer and an acquire
// (or seq_cst) fence in the reader. Relaxed alone allows {1, 0}.
TEST(LitmusOutcomes, MessagePassing) {
  const Outcomes all = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  const Outcomes synchronized = {{0, 0}, {0, 1}, {1, 1}};
  const auto under = [](mh::memory_model model, const MessagePassingVariant& variant) {
    return explore([&] { return message_passing(variant); }, model).outcomes;
  };
  EXPECT_EQ(under(mh::memory_model::rc11, {}), all);
  EXPECT_EQ(under(mh::memory_model::rc11, {.flag = kReleaseAcquire}), synchronized);
  EXPECT_EQ(under(mh::memory_model::rc11,
                  {.writer_fence = memory_order_release, .reader_fence = memory_order_acquire}),
            synchronized);
  EXPECT_EQ(under(mh::memory_model::rc11,
                  {.writer_fence = memory_order_seq_cst, .reader_fence = memory_order_seq_cst}),
            synchronized);
  EXPECT_EQ(under(mh::memory_model::sc, {}), synchronized);
}

// LB: {1, 1} needs each load to read a store that comes after the other
// load in its own thread: a cycle in po ∪ rf. RC11 forbids every such cycle
// (no load buffering, hence no out-of-thin-air values), even for relaxed
// accesses; C++ itself and ARMv8/POWER hardware allow {1, 1} there. This is
// RC11's documented strengthening, not C++'s answer.
TEST(LitmusOutcomes, LoadBuffering) {
  const Outcomes no_cycle = {{0, 0}, {0, 1}, {1, 0}};
  EXPECT_EQ(explore([] { return load_buffering(kRelaxed); }, mh::memory_model::rc11).outcomes, no_cycle);
  EXPECT_EQ(explore([] { return load_buffering(kRelaxed); }, mh::memory_model::sc).outcomes, no_cycle);
}

// IRIW: the readers disagreeing on the order of the two independent writes
// ({1, 0, 1, 0}) is allowed with acquire loads (C++ promises no single
// order of writes to non-seq_cst readers; POWER shows it) and forbidden when
// every access is seq_cst. Nothing else is constrained: each of the four
// loads reads 0 or 1 freely otherwise.
TEST(LitmusOutcomes, IndependentReadsOfIndependentWrites) {
  const Outcome readers_disagree = {1, 0, 1, 0};
  const Exploration acquire = explore([] { return independent_reads_of_independent_writes(kReleaseAcquire); },
                                      mh::memory_model::rc11);
  EXPECT_EQ(acquire.outcomes.size(), 16u);
  EXPECT_TRUE(acquire.outcomes.contains(readers_disagree));

  const Exploration seq_cst =
      explore([] { return independent_reads_of_independent_writes(kSeqCst); }, mh::memory_model::rc11);
  EXPECT_EQ(seq_cst.outcomes.size(), 15u);
  EXPECT_FALSE(seq_cst.outcomes.contains(readers_disagree));
}

// CoRR: two reads of one location in one thread never go backwards in its
// coherence order, even relaxed: {1, 0} is forbidden under every model.
TEST(LitmusOutcomes, CoherentReadRead) {
  const Outcomes coherent = {{0, 0}, {0, 1}, {1, 1}};
  EXPECT_EQ(explore(coherent_read_read, mh::memory_model::rc11).outcomes, coherent);
  EXPECT_EQ(explore(coherent_read_read, mh::memory_model::sc).outcomes, coherent);
}

// 2+2W: final {1, 1} needs x = 2 before x = 1 and y = 2 before y = 1 in
// coherence order, which with program order makes a cycle
// x=1 -po-> y=2 -co-> y=1 -po-> x=2 -co-> x=1. RC11's coherence axiom
// (hb ; eco? irreflexive) only rules out a cycle of one happens-before path
// and one eco path; this one alternates twice, so relaxed stores allow it.
// With seq_cst stores, RC11's SC order (psc) contains both program order and
// coherence between them, and the cycle is forbidden, as under SC.
TEST(LitmusOutcomes, TwoPlusTwoWrites) {
  const Outcomes all = {{1, 1}, {1, 2}, {2, 1}, {2, 2}};
  const Outcomes without_cycle = {{1, 2}, {2, 1}, {2, 2}};
  EXPECT_EQ(
      explore([] { return two_plus_two_writes(memory_order_relaxed); }, mh::memory_model::rc11).outcomes,
      all);
  EXPECT_EQ(
      explore([] { return two_plus_two_writes(memory_order_seq_cst); }, mh::memory_model::rc11).outcomes,
      without_cycle);
  EXPECT_EQ(explore([] { return two_plus_two_writes(memory_order_relaxed); }, mh::memory_model::sc).outcomes,
            without_cycle);
}

// ---------------------------------------------------------------------------
// Execution counts of an optimal explorer

std::uint64_t factorial(int n) {
  return n <= 1 ? 1 : static_cast<std::uint64_t>(n) * factorial(n - 1);
}

// mutex_counter_N: N threads each lock, increment a plain counter, unlock.
// The lock acquisitions are read-modify-writes of the mutex, so they form
// one chain in coherence order; an execution is that chain's order, a
// permutation of the N threads, and everything else (each counter read
// reads the previous holder's write, the only one happens-before allows)
// follows from it. N! executions, each consistent, under RC11 and SC alike:
// GenMC reports 1, 2, 6, 24, 120, 720, ... 40,320 for N = 8. N = 7 and 8 run
// in the parameterized suite; here N <= 6 keeps the unit test fast.
TEST(ExecutionCounts, MutexCounterExploresNFactorialExecutions) {
  for (int threads = 1; threads <= 6; ++threads) {
    const std::string name = "mutex_counter_" + std::to_string(threads);
    SCOPED_TRACE(name);
    for (const mh::memory_model model : {mh::memory_model::rc11, mh::memory_model::sc}) {
      const mh::check_result result = mh::check_model(name, options_for(model));
      EXPECT_TRUE(result.ok()) << mh::testing::describe(result);
      EXPECT_EQ(result.executions, factorial(threads)) << "under " << mh::to_string(model);
    }
  }
}

// SB with relaxed accesses, main only spawning and joining: each of the two
// loads reads either the initial 0 or the other thread's store, and every
// location has a single write besides its initial value, so there is no
// coherence choice. 2 x 2 = 4 executions under RC11, all consistent; SC
// drops the one where both read 0, leaving 3.
TEST(ExecutionCounts, StoreBufferingRelaxed) {
  EXPECT_EQ(explore([] { return store_buffering(kRelaxed); }, mh::memory_model::rc11).result.executions, 4u);
  EXPECT_EQ(explore([] { return store_buffering(kRelaxed); }, mh::memory_model::sc).result.executions, 3u);
}

// IRIW: four loads, each reading 0 or 1: 16 executions with acquire loads,
// 15 with seq_cst (the readers-disagree one is inconsistent). 2+2W: one
// coherence choice per location, 2 x 2 = 4 relaxed, 3 seq_cst.
TEST(ExecutionCounts, IriwAndTwoPlusTwoWrites) {
  EXPECT_EQ(
      explore([] { return independent_reads_of_independent_writes(kReleaseAcquire); }, mh::memory_model::rc11)
          .result.executions,
      16u);
  EXPECT_EQ(explore([] { return independent_reads_of_independent_writes(kSeqCst); }, mh::memory_model::rc11)
                .result.executions,
            15u);
  EXPECT_EQ(explore([] { return two_plus_two_writes(memory_order_relaxed); }, mh::memory_model::rc11)
                .result.executions,
            4u);
  EXPECT_EQ(explore([] { return two_plus_two_writes(memory_order_seq_cst); }, mh::memory_model::rc11)
                .result.executions,
            3u);
}

}  // namespace
