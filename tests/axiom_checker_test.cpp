// The engine on hand-built IR, independent of the parser. Expected verdicts
// are the textbook ones: SB is the store-buffering shape TSO allows and SC
// forbids (Owens et al. 2009); MP is forbidden by TSO, allowed by ARMv8
// without barriers and forbidden with DMB + address dependency (Pulte et al.
// 2018); RC11 message passing needs release/acquire (Lahav et al. 2017).
#include <gtest/gtest.h>

#include "axiom/checker.hpp"

namespace mh::axiom {
namespace {

using litmus::Expr;
using litmus::Instr;
using litmus::InstrKind;
using litmus::MemOrder;
using litmus::Prop;
using litmus::Test;

struct Builder {
  Test test;
  explicit Builder(litmus::Arch arch, std::initializer_list<const char*> locations) {
    test.arch = arch;
    test.name = "T";
    for (const char* l : locations) test.intern_location(l, {});
  }
  litmus::Thread& thread(int id) {
    while (static_cast<int>(test.threads.size()) <= id) {
      test.threads.emplace_back();
      test.threads.back().id = static_cast<int>(test.threads.size()) - 1;
    }
    return test.threads[id];
  }
  Expr loc(const char* name) { return Expr::make_const(litmus::address_of(test.find_location(name))); }
  void store(int t, const char* l, litmus::Value v, MemOrder mo = MemOrder::Relaxed, std::uint8_t flags = 0) {
    Instr i;
    i.kind = InstrKind::Store;
    i.addr = loc(l);
    i.value = Expr::make_const(v);
    i.order = mo;
    i.flags = flags;
    thread(t).code.push_back(i);
  }
  int load(int t, const char* reg, const char* l, MemOrder mo = MemOrder::Relaxed, std::uint8_t flags = 0) {
    Instr i;
    i.kind = InstrKind::Load;
    i.dst = thread(t).intern_register(reg);
    i.addr = loc(l);
    i.order = mo;
    i.flags = flags;
    thread(t).code.push_back(i);
    return i.dst;
  }
  void fence(int t, litmus::FenceKind kind, MemOrder mo = MemOrder::SeqCst) {
    Instr i;
    i.kind = InstrKind::Fence;
    i.fence = kind;
    i.order = mo;
    thread(t).code.push_back(i);
  }
  static Prop eq(int t, const char* reg, litmus::Value v) {
    Prop p;
    p.kind = Prop::Kind::Eq;
    p.term.kind = litmus::CondTerm::Kind::Register;
    p.term.thread = t;
    p.term.reg = reg;
    p.value = v;
    return p;
  }
  static Prop both(Prop a, Prop b) {
    Prop p;
    p.kind = Prop::Kind::And;
    p.args = {std::move(a), std::move(b)};
    return p;
  }
  void exists(Prop p) { test.condition.prop = std::move(p); }
};

Builder store_buffering(litmus::Arch arch, bool fences) {
  Builder b(arch, {"x", "y"});
  b.store(0, "x", 1);
  if (fences) b.fence(0, litmus::FenceKind::MFence);
  b.load(0, "r0", "y");
  b.store(1, "y", 1);
  if (fences) b.fence(1, litmus::FenceKind::MFence);
  b.load(1, "r0", "x");
  b.exists(Builder::both(Builder::eq(0, "r0", 0), Builder::eq(1, "r0", 0)));
  return b;
}

TEST(AxiomChecker, StoreBufferingIsForbiddenBySCAndAllowedByTSO) {
  Builder b = store_buffering(litmus::Arch::X86, false);
  CheckResult sc = check_test(b.test, ModelKind::SC);
  CheckResult tso = check_test(b.test, ModelKind::TSO);
  EXPECT_EQ(sc.observation(), Observation::Never);
  EXPECT_EQ(sc.states.size(), 3U);
  EXPECT_EQ(tso.observation(), Observation::Sometimes);
  EXPECT_EQ(tso.states.size(), 4U);
  EXPECT_EQ(tso.positive, 1U);
  EXPECT_EQ(tso.negative, 3U);
}

TEST(AxiomChecker, MfencesRestoreSCForStoreBuffering) {
  Builder b = store_buffering(litmus::Arch::X86, true);
  EXPECT_EQ(check_test(b.test, ModelKind::TSO).observation(), Observation::Never);
}

Builder message_passing(litmus::Arch arch, MemOrder store_flag, MemOrder load_flag,
                        MemOrder payload = MemOrder::Relaxed) {
  Builder b(arch, {"x", "y"});
  b.store(0, "x", 1, payload);
  b.store(0, "y", 1, store_flag);
  b.load(1, "r0", "y", load_flag);
  b.load(1, "r1", "x", payload);
  b.exists(Builder::both(Builder::eq(1, "r0", 1), Builder::eq(1, "r1", 0)));
  return b;
}

TEST(AxiomChecker, MessagePassingUnderTSOAndARM) {
  Builder b = message_passing(litmus::Arch::AArch64, MemOrder::Relaxed, MemOrder::Relaxed);
  EXPECT_EQ(check_test(b.test, ModelKind::TSO).observation(), Observation::Never);
  EXPECT_EQ(check_test(b.test, ModelKind::ARM).observation(), Observation::Sometimes);
}

TEST(AxiomChecker, ReleaseAcquireMakesMessagePassingSafeInRC11) {
  Builder relaxed = message_passing(litmus::Arch::C, MemOrder::Relaxed, MemOrder::Relaxed);
  Builder synced = message_passing(litmus::Arch::C, MemOrder::Release, MemOrder::Acquire);
  EXPECT_EQ(check_test(relaxed.test, ModelKind::RC11).observation(), Observation::Sometimes);
  EXPECT_FALSE(check_test(relaxed.test, ModelKind::RC11).undefined);
  EXPECT_EQ(check_test(synced.test, ModelKind::RC11).observation(), Observation::Never);
}

// The consumer reads the payload only once it has seen the flag; reading it
// unconditionally would race in the executions where the flag is still 0.
Builder guarded_handoff(MemOrder store_flag, MemOrder load_flag) {
  Builder b(litmus::Arch::C, {"x", "y"});
  b.store(0, "x", 1, MemOrder::NonAtomic);
  b.store(0, "y", 1, store_flag);
  const int r0 = b.load(1, "r0", "y", load_flag);
  Instr skip;
  skip.kind = InstrKind::BranchIf;
  skip.value = Expr::make_binary(litmus::BinaryOp::Eq, Expr::make_reg(r0), Expr::make_const(0));
  skip.target = 3;
  b.thread(1).code.push_back(skip);
  b.load(1, "r1", "x", MemOrder::NonAtomic);
  b.exists(Builder::both(Builder::eq(1, "r0", 1), Builder::eq(1, "r1", 0)));
  return b;
}

TEST(AxiomChecker, PlainPayloadBehindARelaxedFlagIsADataRace) {
  EXPECT_TRUE(check_test(guarded_handoff(MemOrder::Relaxed, MemOrder::Relaxed).test, ModelKind::RC11).undefined);
  const CheckResult safe = check_test(guarded_handoff(MemOrder::Release, MemOrder::Acquire).test, ModelKind::RC11);
  EXPECT_FALSE(safe.undefined);
  EXPECT_EQ(safe.observation(), Observation::Never);
}

TEST(AxiomChecker, UnguardedPayloadReadRacesEvenWithReleaseAcquire) {
  Builder b = message_passing(litmus::Arch::C, MemOrder::Release, MemOrder::Acquire, MemOrder::NonAtomic);
  EXPECT_TRUE(check_test(b.test, ModelKind::RC11).undefined);
}

TEST(AxiomChecker, ARMBarriersForbidMessagePassing) {
  Builder b(litmus::Arch::AArch64, {"x", "y"});
  b.store(0, "x", 1);
  b.fence(0, litmus::FenceKind::DmbFull);
  b.store(0, "y", 1);
  b.load(1, "r0", "y");
  b.fence(1, litmus::FenceKind::DmbFull);
  b.load(1, "r1", "x");
  b.exists(Builder::both(Builder::eq(1, "r0", 1), Builder::eq(1, "r1", 0)));
  EXPECT_EQ(check_test(b.test, ModelKind::ARM).observation(), Observation::Never);
}

TEST(AxiomChecker, ReleaseAcquireFlagsForbidMessagePassingOnARM) {
  Builder b(litmus::Arch::AArch64, {"x", "y"});
  b.store(0, "x", 1);
  b.store(0, "y", 1, MemOrder::NonAtomic, litmus::kRelease);
  b.load(1, "r0", "y", MemOrder::NonAtomic, litmus::kAcquire);
  b.load(1, "r1", "x");
  b.exists(Builder::both(Builder::eq(1, "r0", 1), Builder::eq(1, "r1", 0)));
  EXPECT_EQ(check_test(b.test, ModelKind::ARM).observation(), Observation::Never);
}

}  // namespace
}  // namespace mh::axiom

#include "litmus/parser.hpp"

namespace mh::axiom {
namespace {

// Three threads each doing two relaxed fetch_adds: every consistent execution
// is one interleaving of the six RMWs that keeps each thread's order, i.e.
// 6! / (2! 2! 2!) = 90 of them, and every one ends with x = 6 (RMW atomicity).
TEST(AxiomChecker, RmwCounterHasOneExecutionPerInterleaving) {
  std::string text = "C Counter3x2\n{ x = 0; }\n";
  for (int t = 0; t < 3; ++t)
    text += "P" + std::to_string(t) +
            " (atomic_int* x) {\n  atomic_fetch_add_explicit(x, 1, memory_order_relaxed);\n"
            "  atomic_fetch_add_explicit(x, 1, memory_order_relaxed);\n}\n";
  text += "forall (x=6)\n";
  const litmus::Test test = litmus::parse_litmus(text, "counter.litmus");
  for (ModelKind model : {ModelKind::SC, ModelKind::RC11}) {
    const CheckResult result = check_test(test, model);
    ASSERT_EQ(result.status, CheckResult::Status::Ok) << result.too_large_reason;
    EXPECT_EQ(result.positive, 90U) << model_name(model);
    EXPECT_EQ(result.negative, 0U) << model_name(model);
  }
}

}  // namespace
}  // namespace mh::axiom
