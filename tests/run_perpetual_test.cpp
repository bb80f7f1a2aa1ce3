// The perpetual mode's reconstruction of outcomes (src/run/perpetual_analysis)
// against its definition, enumerated by brute force: a state counts for
// iteration k of thread 0 when some frame (k, k_1, ..., k_T-1) shows it, a
// load of x in a frame seeing the frame's store of x exactly when it read
// that iteration's value or a later one. Reads are synthetic and random but
// monotone per load, as coherence makes them on hardware.
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <set>

#include "axiom/checker.hpp"
#include "litmus_test_support.hpp"
#include "run/perpetual_analysis.hpp"

namespace {

using mh::litmus::testing_support::parse;
using mh::run::Histogram;
using mh::run::PerpetualAnalysis;
using mh::run::State;
using mh::run::word;

struct LoadInfo {
  int thread, index, writer;
  mh::litmus::Value initial, stored;
  int column;  // -1 when no column shows it
};

// Every thread's loads in program order, with the writer of their location.
std::vector<LoadInfo> loads_of(const mh::litmus::Test& test, const std::vector<mh::litmus::CondTerm>& observed) {
  std::vector<int> writer(test.locations.size(), -1);
  std::vector<mh::litmus::Value> stored(test.locations.size(), 0);
  for (std::size_t t = 0; t < test.threads.size(); ++t)
    for (const auto& instr : test.threads[t].code)
      if (instr.kind == mh::litmus::InstrKind::Store) {
        const int location = *mh::litmus::location_of(instr.addr.constant);
        writer[location] = static_cast<int>(t);
        stored[location] = instr.value.constant;
      }
  std::vector<LoadInfo> loads;
  for (std::size_t t = 0; t < test.threads.size(); ++t) {
    int index = 0;
    for (const auto& instr : test.threads[t].code) {
      if (instr.kind != mh::litmus::InstrKind::Load) continue;
      const int location = *mh::litmus::location_of(instr.addr.constant);
      int column = -1;
      for (std::size_t c = 0; c < observed.size(); ++c)
        if (observed[c].thread == test.threads[t].id &&
            observed[c].reg == test.threads[t].registers[instr.dst])
          column = static_cast<int>(c);
      loads.push_back({static_cast<int>(t), index++, writer[location], test.locations[location].init,
                       stored[location], column});
    }
  }
  return loads;
}

Histogram brute_force(const mh::litmus::Test& test, const std::vector<mh::litmus::CondTerm>& observed,
                      const std::vector<std::vector<word>>& reads, std::int64_t n) {
  const auto loads = loads_of(test, observed);
  std::vector<int> per_thread(test.threads.size(), 0);
  for (const auto& load : loads) ++per_thread[load.thread];
  Histogram histogram;
  const int threads = static_cast<int>(test.threads.size());
  std::vector<std::int64_t> frame(threads, 0);
  for (std::int64_t anchor = 0; anchor < n; ++anchor) {
    std::set<State> states;
    frame[0] = anchor;
    std::function<void(int)> enumerate = [&](int t) {
      if (t == threads) {
        State state(observed.size(), 0);
        for (const auto& load : loads) {
          if (load.column < 0) continue;
          const std::int64_t seen = reads[load.thread][frame[load.thread] * per_thread[load.thread] + load.index] - 1;
          const bool sees_store = load.writer >= 0 && seen >= frame[load.writer];
          state[load.column] = sees_store ? load.stored : load.initial;
        }
        states.insert(state);
        return;
      }
      for (std::int64_t k = 0; k < n; ++k) {
        frame[t] = k;
        enumerate(t + 1);
      }
    };
    enumerate(1);
    for (const State& state : states) ++histogram[state];
  }
  return histogram;
}

// Random reads, non-decreasing per load, within what the writer can have
// written (iterations 0..n-1, or the initial value).
std::vector<std::vector<word>> random_reads(const mh::litmus::Test& test,
                                            const std::vector<mh::litmus::CondTerm>& observed, std::int64_t n,
                                            std::mt19937& random) {
  const auto loads = loads_of(test, observed);
  std::vector<int> per_thread(test.threads.size(), 0);
  for (const auto& load : loads) ++per_thread[load.thread];
  std::vector<std::vector<word>> reads(test.threads.size());
  for (std::size_t t = 0; t < test.threads.size(); ++t) reads[t].assign(n * per_thread[t], 0);
  for (const auto& load : loads) {
    word value = 0;
    for (std::int64_t k = 0; k < n; ++k) {
      if (load.writer >= 0 && random() % 3 == 0) value = std::min<word>(n, value + 1 + random() % 2);
      reads[load.thread][k * per_thread[load.thread] + load.index] = value;
    }
  }
  return reads;
}

void expect_matches_brute_force(const std::string& text, std::int64_t n, int rounds) {
  const auto test = parse(text);
  const auto observed = mh::axiom::check_test(test, mh::axiom::ModelKind::SC).observed;
  const PerpetualAnalysis analysis(test, observed);
  std::mt19937 random(12345);
  for (int round = 0; round < rounds; ++round) {
    const auto reads = random_reads(test, observed, n, random);
    std::vector<const word*> pointers;
    for (const auto& r : reads) pointers.push_back(r.data());
    Histogram histogram;
    std::string violation;
    EXPECT_EQ(analysis.add_chunk(pointers, n, histogram, violation), static_cast<std::uint64_t>(n));
    EXPECT_EQ(violation, "");
    ASSERT_EQ(histogram, brute_force(test, observed, reads, n)) << test.name << " round " << round;
  }
}

constexpr const char* kSB = R"(X86 SB
{ x=0; y=0; }
 P0          | P1          ;
 MOV [x],$1  | MOV [y],$1  ;
 MOV EAX,[y] | MOV EAX,[x] ;
exists (0:EAX=0 /\ 1:EAX=0)
)";

constexpr const char* kMP = R"(X86 MP
{ x=0; y=0; }
 P0          | P1          ;
 MOV [x],$1  | MOV EAX,[y] ;
 MOV [y],$1  | MOV EBX,[x] ;
exists (1:EAX=1 /\ 1:EBX=0)
)";

constexpr const char* kWRC = R"(X86 WRC
{ x=0; y=0; }
 P0         | P1          | P2          ;
 MOV [x],$1 | MOV EAX,[x] | MOV EAX,[y] ;
            | MOV [y],$1  | MOV EBX,[x] ;
exists (1:EAX=1 /\ 2:EAX=1 /\ 2:EBX=0)
)";

constexpr const char* kIRIW = R"(X86 IRIW
{ x=0; y=0; }
 P0         | P1         | P2          | P3          ;
 MOV [x],$1 | MOV [y],$1 | MOV EAX,[x] | MOV EAX,[y] ;
            |            | MOV EBX,[y] | MOV EBX,[x] ;
exists (2:EAX=1 /\ 2:EBX=0 /\ 3:EAX=1 /\ 3:EBX=0)
)";

// A load of the thread's own store, and a location nobody writes.
constexpr const char* kOwnStore = R"(X86 OwnStore
{ x=0; y=0; z=0; }
 P0          | P1          ;
 MOV [x],$1  | MOV [y],$2  ;
 MOV EAX,[x] | MOV EAX,[x] ;
 MOV EBX,[y] | MOV EBX,[z] ;
exists (0:EAX=1 /\ 0:EBX=0)
)";

TEST(PerpetualAnalysis, TwoThreadsMatchEveryFrame) {
  expect_matches_brute_force(kSB, 12, 40);
  expect_matches_brute_force(kMP, 12, 40);
}

TEST(PerpetualAnalysis, ThreeAndFourThreadsMatchEveryFrame) {
  expect_matches_brute_force(kWRC, 7, 30);
  expect_matches_brute_force(kIRIW, 5, 30);
}

TEST(PerpetualAnalysis, OwnStoresAndUnwrittenLocationsMatchEveryFrame) { expect_matches_brute_force(kOwnStore, 10, 40); }

// Thread 0 ran all its iterations before thread 1 started: no frame can show
// SB's weak outcome; thread 1 always sees x's store.
TEST(PerpetualAnalysis, ThreadsThatNeverOverlapShowNoWeakOutcome) {
  const auto test = parse(kSB);
  const auto observed = mh::axiom::check_test(test, mh::axiom::ModelKind::SC).observed;
  const PerpetualAnalysis analysis(test, observed);
  const std::int64_t n = 100;
  std::vector<word> reads0(n, 0), reads1(n, n);  // thread 0 saw no y; thread 1 saw x's last iteration
  Histogram histogram;
  std::string violation;
  analysis.add_chunk({reads0.data(), reads1.data()}, n, histogram, violation);
  EXPECT_EQ(histogram, (Histogram{{State{0, 1}, 100}}));
}

TEST(PerpetualAnalysis, AReadThatGoesBackIsACoherenceViolation) {
  const auto test = parse(kSB);
  const auto observed = mh::axiom::check_test(test, mh::axiom::ModelKind::SC).observed;
  const PerpetualAnalysis analysis(test, observed);
  std::vector<word> reads0{1, 3, 2, 4}, reads1{0, 0, 0, 0};
  Histogram histogram;
  std::string violation;
  EXPECT_EQ(analysis.add_chunk({reads0.data(), reads1.data()}, 4, histogram, violation), 0u);
  EXPECT_NE(violation.find("coherence forbids it"), std::string::npos) << violation;
  EXPECT_TRUE(histogram.empty());
}

}  // namespace
