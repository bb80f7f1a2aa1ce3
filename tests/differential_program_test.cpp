// The differential target's pieces (fuzz/): the byte format, the litmus
// text, and both sides on programs whose answers come from the literature,
// so that agreement between the two implementations is not all we check.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <stdexcept>

#include "differential.hpp"
#include "litmus/parser.hpp"
#include "program.hpp"
#include "program_from_litmus.hpp"
#include "program_litmus.hpp"
#include "run_axiom.hpp"
#include "run_checker.hpp"

namespace mh::fuzz {
namespace {

std::vector<std::uint8_t> random_bytes(std::mt19937& random) {
  std::vector<std::uint8_t> bytes(std::uniform_int_distribution<std::size_t>(0, 40)(random));
  for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
  return bytes;
}

TEST(DifferentialProgram, EveryDecodedProgramEncodesBackToItself) {
  std::mt19937 random(7);
  for (int i = 0; i < 3000; ++i) {
    const Program program = decode_program(random_bytes(random));
    ASSERT_GE(program.threads.size(), 2U);
    ASSERT_LE(program.threads.size(), static_cast<std::size_t>(kMaxThreads));
    ASSERT_LE(program.instruction_count(), static_cast<std::size_t>(kMaxInstructions));
    EXPECT_EQ(decode_program(encode_program(program)), program) << to_litmus(program);
  }
}

TEST(DifferentialProgram, EveryDecodedProgramIsAValidLitmusTest) {
  std::mt19937 random(11);
  for (int i = 0; i < 500; ++i) {
    const Program program = decode_program(random_bytes(random));
    EXPECT_NO_THROW(litmus::parse_litmus(to_litmus(program), "program.litmus")) << to_litmus(program);
  }
}

TEST(DifferentialProgram, EncodeRefusesWhatTheDecoderCannotProduce) {
  Program program;
  program.plain = {true};
  program.threads = {{Instr{}}, {Instr{}}};
  program.threads[0][0].kind = InstrKind::Rmw;  // an RMW on a plain location
  EXPECT_THROW(encode_program(program), std::invalid_argument);
  program.threads[0][0].kind = InstrKind::Store;
  program.threads[0][0].order = Order::Release;  // a plain store has no order
  EXPECT_THROW(encode_program(program), std::invalid_argument);
  program.threads[0][0].order = Order::Relaxed;
  EXPECT_NO_THROW(encode_program(program));
  program.threads[0][0].value = 7;  // values are 1-3
  EXPECT_THROW(encode_program(program), std::invalid_argument);
  program.threads.resize(1);  // one thread
  EXPECT_THROW(encode_program(program), std::invalid_argument);
}

Instr store(int location, int value, Order order = Order::Relaxed) {
  Instr i;
  i.kind = InstrKind::Store;
  i.location = location;
  i.value = value;
  i.order = order;
  return i;
}

Instr load(int location, Order order = Order::Relaxed) {
  Instr i;
  i.kind = InstrKind::Load;
  i.location = location;
  i.order = order;
  return i;
}

// Store buffering with relaxed accesses: columns 0:r1 1:r1 x y.
Program store_buffering() {
  Program p;
  p.plain = {false, false};
  p.threads = {{store(0, 1), load(1)}, {store(1, 1), load(0)}};
  return p;
}

// Message passing: a plain payload x, an atomic flag y, the payload read
// only when the flag was seen. Columns 1:r0 1:r1 x y.
Program message_passing(Order write_flag, Order read_flag) {
  Program p;
  p.plain = {true, false};
  Instr read_payload = load(0);
  read_payload.guard_register = 0;
  read_payload.guard_value = 1;
  p.threads = {{store(0, 1), store(1, 1, write_flag)}, {load(1, read_flag), read_payload}};
  return p;
}

// SB (Lahav et al., PLDI 2017; Batty et al., POPL 2011): relaxed accesses
// allow both loads to read 0; SC does not. One execution per state.
TEST(DifferentialProgram, StoreBufferingBothSidesMatchTheLiterature) {
  const std::set<State> sc = {{0, 1, 1, 1}, {1, 0, 1, 1}, {1, 1, 1, 1}};
  std::set<State> rc11 = sc;
  rc11.insert({0, 0, 1, 1});
  for (const auto run : {&run_axiom, &run_checker}) {
    const Outcome weak = run(store_buffering(), Model::RC11);
    const Outcome strong = run(store_buffering(), Model::SC);
    EXPECT_EQ(weak.states, rc11);
    EXPECT_EQ(weak.executions, 4U);
    EXPECT_FALSE(weak.race);
    EXPECT_EQ(strong.states, sc);
    EXPECT_EQ(strong.executions, 3U);
  }
  EXPECT_TRUE(compare_program(store_buffering()).difference.empty());
}

// MP with a release/acquire flag: race-free, the payload is never stale
// (1:r0=1 implies 1:r1=1). With a relaxed flag the execution that reads the
// flag as 1 has the plain write and read unordered by happens-before: a data
// race, under rc11 and in an SC interleaving alike (C11 races are defined by
// hb, not by the model's order).
TEST(DifferentialProgram, MessagePassingRacesOnlyWithoutSynchronisation) {
  const std::set<State> states = {{0, 0, 1, 1}, {1, 1, 1, 1}};
  for (const auto run : {&run_axiom, &run_checker}) {
    for (const Model model : {Model::RC11, Model::SC}) {
      const Outcome synced = run(message_passing(Order::Release, Order::Acquire), model);
      EXPECT_FALSE(synced.race) << model_name(model);
      EXPECT_EQ(synced.states, states) << model_name(model);
      EXPECT_TRUE(run(message_passing(Order::Relaxed, Order::Relaxed), model).race) << model_name(model);
    }
  }
}

// Two weak CAS statements may both fail spuriously (C11 7.17.7.4); the
// checker once explored only one spurious failure per thread and location.
TEST(DifferentialProgram, TwoWeakCasStatementsBothFailingIsAState) {
  Program p;
  p.plain = {false};
  Instr cas;
  cas.kind = InstrKind::Cas;
  cas.weak = true;
  cas.expected = 0;
  cas.value = 1;
  Instr second = cas;
  second.value = 2;
  p.threads = {{cas, second}, {load(0)}};
  // Columns 0:r0 0:e0 0:r1 0:e1 1:r0 x: both failed, x untouched.
  const State both_failed = {0, 0, 0, 0, 0, 0};
  for (const auto run : {&run_axiom, &run_checker})
    EXPECT_EQ(run(p, Model::SC).states.count(both_failed), 1U);
  EXPECT_TRUE(compare_program(p).difference.empty()) << compare_program(p).difference;
}

// A C test's compare-exchange fits a program only while its expected
// register holds a known constant: after a CAS has written the value it read
// into that register, a second CAS on it expects an unknown value.
TEST(DifferentialProgram, FromLitmusTracksTheExpectedRegister) {
  const std::string head =
      "C T\n{ x = 0; }\nP0 (atomic_int* x) {\n  int e = 0;\n"
      "  int r0 = atomic_compare_exchange_strong(x, &e, 1);\n";
  const std::string tail =
      "  int r1 = atomic_compare_exchange_strong(x, &e, 2);\n}\n"
      "P1 (atomic_int* x) { int r0 = atomic_load(x); }\nexists (0:r0=1)\n";
  EXPECT_FALSE(program_from_litmus(litmus::parse_litmus(head + tail, "t.litmus")).has_value());
  const std::optional<Program> reassigned =
      program_from_litmus(litmus::parse_litmus(head + "  e = 1;\n" + tail, "t.litmus"));
  ASSERT_TRUE(reassigned.has_value());
  EXPECT_EQ(reassigned->threads[0][0].expected, 0);
  EXPECT_EQ(reassigned->threads[0][1].expected, 1);
}

}  // namespace
}  // namespace mh::fuzz
