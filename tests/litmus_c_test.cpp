// herd's C dialect: the IR that real-shaped C litmus tests parse into.
#include <gtest/gtest.h>

#include <string>

#include "litmus/parser.hpp"
#include "litmus_test_support.hpp"

namespace mh::litmus {
namespace {

using testing_support::error_of;
using testing_support::LitmusTest;
using testing_support::parse;

// A one-thread test whose P0 body is `body` (starting on line 3, column 1).
std::string one_thread(const std::string& body) {
  return "C T\n{ x = 0; y = 0; }\nP0 (atomic_int* x, atomic_int* y) {\n" + body + "\n}\nexists (x=0)\n";
}

std::string body_error(const std::string& body) {
  return error_of(one_thread(body));
}

const Thread& only_thread(const LitmusTest& test) {
  return test.threads.at(0);
}

void expect_const(const Expr& expr, Value value) {
  ASSERT_EQ(expr.kind, Expr::Kind::Const);
  EXPECT_EQ(expr.constant, value);
}

void expect_reg(const Expr& expr, int reg) {
  ASSERT_EQ(expr.kind, Expr::Kind::Reg);
  EXPECT_EQ(expr.reg, reg);
}

TEST(LitmusC, StoreBufferingWithRelaxedAtomics) {
  const LitmusTest test = parse(R"(C SB
{ x = 0; y = 0; }
P0 (atomic_int* x, atomic_int* y) {
  atomic_store_explicit(x, 1, memory_order_relaxed);
  int r0 = atomic_load_explicit(y, memory_order_relaxed);
}
P1 (atomic_int* x, atomic_int* y) {
  atomic_store_explicit(y, 1, memory_order_relaxed);
  int r0 = atomic_load_explicit(x, memory_order_relaxed);
}
exists (0:r0=0 /\ 1:r0=0)
)");
  EXPECT_EQ(test.arch, Arch::C);
  EXPECT_EQ(test.name, "SB");
  ASSERT_EQ(test.locations.size(), 2U);
  EXPECT_EQ(test.locations[0].name, "x");
  EXPECT_EQ(test.locations[0].type, "atomic_int*");  // from the parameter list
  ASSERT_EQ(test.threads.size(), 2U);
  for (int t = 0; t < 2; ++t) {
    const Thread& thread = test.threads[static_cast<std::size_t>(t)];
    EXPECT_EQ(thread.id, t);
    ASSERT_EQ(thread.registers, std::vector<std::string>{"r0"});
    EXPECT_EQ(thread.register_init, std::vector<Value>{0});
    ASSERT_EQ(thread.code.size(), 2U);
    const Instr& store = thread.code[0];
    EXPECT_EQ(store.kind, InstrKind::Store);
    EXPECT_EQ(store.order, MemOrder::Relaxed);
    expect_const(store.addr, address_of(test.find_location(t == 0 ? "x" : "y")));
    expect_const(store.value, 1);
    const Instr& load = thread.code[1];
    EXPECT_EQ(load.kind, InstrKind::Load);
    EXPECT_EQ(load.order, MemOrder::Relaxed);
    EXPECT_EQ(load.dst, 0);
    expect_const(load.addr, address_of(test.find_location(t == 0 ? "y" : "x")));
    EXPECT_EQ(load.pos.line, t == 0 ? 5 : 9);
    EXPECT_EQ(load.pos.col, 12);
  }
  EXPECT_EQ(test.condition.quantifier, Quantifier::Exists);
  EXPECT_EQ(test.condition.prop.kind, Prop::Kind::And);
}

TEST(LitmusC, MessagePassingWithReleaseAcquire) {
  const LitmusTest test = parse(R"(C MP+rel+acq
{}
P0 (int* x, atomic_int* y) {
  *x = 1;
  atomic_store_explicit(y, 1, memory_order_release);
}
P1 (int* x, atomic_int* y) {
  int r0 = atomic_load_explicit(y, memory_order_acquire);
  int r1 = *x;
}
exists (1:r0=1 /\ 1:r1=0)
)");
  EXPECT_EQ(test.locations.at(0).type, "int*");
  const Thread& writer = test.threads.at(0);
  ASSERT_EQ(writer.code.size(), 2U);
  EXPECT_EQ(writer.code[0].kind, InstrKind::Store);
  EXPECT_EQ(writer.code[0].order, MemOrder::NonAtomic);
  EXPECT_EQ(writer.code[0].pos.col, 3);
  EXPECT_EQ(writer.code[1].order, MemOrder::Release);
  const Thread& reader = test.threads.at(1);
  ASSERT_EQ(reader.registers, (std::vector<std::string>{"r0", "r1"}));
  ASSERT_EQ(reader.code.size(), 2U);
  EXPECT_EQ(reader.code[0].kind, InstrKind::Load);
  EXPECT_EQ(reader.code[0].order, MemOrder::Acquire);
  EXPECT_EQ(reader.code[0].dst, 0);
  EXPECT_EQ(reader.code[1].kind, InstrKind::Load);
  EXPECT_EQ(reader.code[1].order, MemOrder::NonAtomic);
  EXPECT_EQ(reader.code[1].dst, 1);
  expect_const(reader.code[1].addr, address_of(test.find_location("x")));
}

TEST(LitmusC, PlainDataMessagePassing) {
  const LitmusTest test = parse(R"(C MP+plain
{ int x = 0; int y = 0; }
P0 (int *x, int *y) { *x = 1; *y = 1; }
P1 (int *x, int *y) { int r0 = *y; int r1 = *x; }
exists (1:r0=1 /\ 1:r1=0)
)");
  EXPECT_EQ(test.locations.at(1).type, "int");  // the init block's type wins
  for (const Thread& thread : test.threads) {
    ASSERT_EQ(thread.code.size(), 2U);
    for (const Instr& instr : thread.code) EXPECT_EQ(instr.order, MemOrder::NonAtomic);
  }
  EXPECT_EQ(test.threads[1].code[0].kind, InstrKind::Load);
}

TEST(LitmusC, CompareExchangeStrongAndWeak) {
  const LitmusTest test = parse(one_thread(R"(
  int r0 = 0;
  int r1 = atomic_compare_exchange_strong_explicit(x, &r0, 1, memory_order_acq_rel, memory_order_acquire);
  atomic_compare_exchange_weak(y, &r0, 2);
)"));
  const Thread& thread = only_thread(test);
  ASSERT_EQ(thread.registers, (std::vector<std::string>{"r0", "r1"}));
  ASSERT_EQ(thread.code.size(), 3U);
  EXPECT_EQ(thread.code[0].kind, InstrKind::Assign);
  EXPECT_EQ(thread.code[0].dst, 0);
  expect_const(thread.code[0].value, 0);
  const Instr& strong = thread.code[1];
  EXPECT_EQ(strong.kind, InstrKind::Cas);
  EXPECT_EQ(strong.dst, 1);
  EXPECT_EQ(strong.expected, 0);
  expect_const(strong.value, 1);
  EXPECT_EQ(strong.order, MemOrder::AcqRel);
  EXPECT_EQ(strong.fail_order, MemOrder::Acquire);
  const Instr& weak = thread.code[2];
  EXPECT_EQ(weak.kind, InstrKind::Cas);
  EXPECT_EQ(weak.dst, -1);
  EXPECT_EQ(weak.order, MemOrder::SeqCst);
  EXPECT_EQ(weak.fail_order, MemOrder::SeqCst);
  expect_const(weak.addr, address_of(test.find_location("y")));
}

TEST(LitmusC, ReadModifyWrites) {
  const LitmusTest test = parse(one_thread(R"(
  atomic_fetch_add_explicit(x, 2, memory_order_relaxed);
  int r0 = atomic_fetch_sub(y, 1);
  int r1 = atomic_exchange_explicit(x, r0, memory_order_release);
  atomic_fetch_and_explicit(x, 3, memory_order_acquire);
  atomic_fetch_or(x, 4);
  int r2 = atomic_fetch_xor_explicit(y, 5, memory_order_seq_cst);
)"));
  const Thread& thread = only_thread(test);
  ASSERT_EQ(thread.code.size(), 6U);
  const RmwOp ops[] = {RmwOp::Add, RmwOp::Sub, RmwOp::Exchange, RmwOp::And, RmwOp::Or, RmwOp::Xor};
  const MemOrder orders[] = {MemOrder::Relaxed, MemOrder::SeqCst, MemOrder::Release,
                             MemOrder::Acquire, MemOrder::SeqCst, MemOrder::SeqCst};
  const int dsts[] = {-1, 0, 1, -1, -1, 2};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(thread.code[i].kind, InstrKind::Rmw) << i;
    EXPECT_EQ(thread.code[i].rmw_op, ops[i]) << i;
    EXPECT_EQ(thread.code[i].order, orders[i]) << i;
    EXPECT_EQ(thread.code[i].dst, dsts[i]) << i;
  }
  expect_reg(thread.code[2].value, 0);
}

TEST(LitmusC, FencesAndDefaultOrders) {
  const LitmusTest test = parse(one_thread(R"(
  atomic_store(x, 1);
  atomic_thread_fence(memory_order_seq_cst);
  atomic_thread_fence(memory_order_release);
  int r0 = atomic_load(y);
  int r1 = atomic_load_explicit(y, memory_order_consume);
)"));
  const Thread& thread = only_thread(test);
  ASSERT_EQ(thread.code.size(), 5U);
  EXPECT_EQ(thread.code[0].order, MemOrder::SeqCst);
  EXPECT_EQ(thread.code[1].kind, InstrKind::Fence);
  EXPECT_EQ(thread.code[1].fence, FenceKind::C);
  EXPECT_EQ(thread.code[1].order, MemOrder::SeqCst);
  EXPECT_EQ(thread.code[2].order, MemOrder::Release);
  EXPECT_EQ(thread.code[3].order, MemOrder::SeqCst);
  EXPECT_EQ(thread.code[4].order, MemOrder::Acquire);  // consume is acquire
}

TEST(LitmusC, IfElseBranchTargets) {
  const LitmusTest test = parse(one_thread(R"(
  int r0 = atomic_load_explicit(x, memory_order_relaxed);
  if (r0 == 1) {
    atomic_store_explicit(y, 1, memory_order_relaxed);
  } else {
    atomic_store_explicit(y, 2, memory_order_relaxed);
  }
  int r1 = 5;
  if (r1) atomic_store_explicit(x, 3, memory_order_relaxed);
)"));
  const Thread& thread = only_thread(test);
  ASSERT_EQ(thread.code.size(), 8U);
  const Instr& branch = thread.code[1];
  EXPECT_EQ(branch.kind, InstrKind::BranchIf);
  EXPECT_EQ(branch.target, 4);
  // The branch skips the then-part, so it tests the negated condition.
  ASSERT_EQ(branch.value.kind, Expr::Kind::Binary);
  EXPECT_EQ(branch.value.binary, BinaryOp::Ne);
  expect_reg(branch.value.args[0], 0);
  expect_const(branch.value.args[1], 1);
  expect_const(thread.code[2].value, 1);
  EXPECT_EQ(thread.code[3].kind, InstrKind::Jump);
  EXPECT_EQ(thread.code[3].target, 5);
  expect_const(thread.code[4].value, 2);
  EXPECT_EQ(thread.code[5].kind, InstrKind::Assign);
  const Instr& tail_branch = thread.code[6];
  EXPECT_EQ(tail_branch.kind, InstrKind::BranchIf);
  EXPECT_EQ(tail_branch.target, 8);  // code.size(): the end
  ASSERT_EQ(tail_branch.value.kind, Expr::Kind::Unary);
  EXPECT_EQ(tail_branch.value.unary, UnaryOp::LogicalNot);
}

TEST(LitmusC, NestedElseIf) {
  const LitmusTest test = parse(one_thread(R"(
  int r0 = *x;
  if (r0 == 1) *y = 1; else if (r0 == 2) *y = 2; else *y = 3;
)"));
  const Thread& thread = only_thread(test);
  // load, br, st1, jmp, br, st2, jmp, st3
  ASSERT_EQ(thread.code.size(), 8U);
  EXPECT_EQ(thread.code[1].target, 4);
  EXPECT_EQ(thread.code[3].target, 8);
  EXPECT_EQ(thread.code[4].target, 7);
  EXPECT_EQ(thread.code[6].target, 8);
}

TEST(LitmusC, LoadsInsideExpressionsAreHoisted) {
  const LitmusTest test = parse(one_thread(R"(
  int r0 = atomic_load_explicit(x, memory_order_relaxed) + 1;
  if (atomic_load(y) == 2) r0 = 3;
)"));
  const Thread& thread = only_thread(test);
  ASSERT_EQ(thread.registers, (std::vector<std::string>{"r0", "#t0", "#t1"}));
  ASSERT_EQ(thread.code.size(), 5U);
  EXPECT_EQ(thread.code[0].kind, InstrKind::Load);
  EXPECT_EQ(thread.code[0].dst, 1);
  EXPECT_EQ(thread.code[1].kind, InstrKind::Assign);
  EXPECT_EQ(thread.code[1].dst, 0);
  ASSERT_EQ(thread.code[1].value.kind, Expr::Kind::Binary);
  expect_reg(thread.code[1].value.args[0], 1);
  EXPECT_EQ(thread.code[2].kind, InstrKind::Load);
  EXPECT_EQ(thread.code[2].dst, 2);
  EXPECT_EQ(thread.code[3].kind, InstrKind::BranchIf);
  EXPECT_EQ(thread.code[3].target, 5);
}

TEST(LitmusC, OnceAccessorsArePlainRelaxed) {
  const LitmusTest test = parse(one_thread(R"(
  WRITE_ONCE(*x, 1);
  int r0 = READ_ONCE(*y);
)"));
  const Thread& thread = only_thread(test);
  ASSERT_EQ(thread.code.size(), 2U);
  EXPECT_EQ(thread.code[0].kind, InstrKind::Store);
  EXPECT_EQ(thread.code[0].order, MemOrder::Relaxed);
  EXPECT_EQ(thread.code[1].kind, InstrKind::Load);
  EXPECT_EQ(thread.code[1].order, MemOrder::Relaxed);
  EXPECT_EQ(thread.code[1].dst, 0);
}

TEST(LitmusC, PointersThroughLocalsAndInitBlockLocations) {
  const LitmusTest test = parse(R"(C ptr
{ int* p = x; int z = 0; }
P0 (atomic_int* p) {
  int* r0 = atomic_load(p);
  int r1 = *r0;
  atomic_store(&z, 1);
  atomic_store(p, z);
}
exists (0:r1=0)
)");
  const Thread& thread = only_thread(test);
  ASSERT_EQ(thread.code.size(), 4U);
  expect_reg(thread.code[1].addr, 0);
  expect_const(thread.code[2].addr, address_of(test.find_location("z")));
  // A location in a value position is its address.
  expect_const(thread.code[3].value, address_of(test.find_location("z")));
  EXPECT_EQ(body_error("atomic_store(x, y + 1);"), "4:19: unsupported pointer arithmetic");
  EXPECT_EQ(test.locations.at(0).name, "p");
  EXPECT_EQ(test.locations.at(0).init, address_of(test.find_location("x")));
  EXPECT_EQ(test.locations.at(0).type, "int*");
}

TEST(LitmusC, ParameterValueIsItsAddress) {
  const LitmusTest test = parse(one_thread("atomic_store(x, y);"));
  expect_const(only_thread(test).code[0].value, address_of(test.find_location("y")));
}

TEST(LitmusC, ExpressionsAndComments) {
  const LitmusTest test = parse(one_thread(R"(
  int r0 = 0x10, r1 = -2; // line comment
  /* block
     comment */ int r2 = (r0 + r1) * 3 << 1 ^ ~r0 & 7 | !r1;
  r2 = r0 < r1 && r1 >= 0 || r0 != 0;
)"));
  const Thread& thread = only_thread(test);
  ASSERT_EQ(thread.code.size(), 4U);
  expect_const(thread.code[0].value, 16);
  expect_const(thread.code[1].value, -2);
  const Expr& value = thread.code[2].value;
  ASSERT_EQ(value.kind, Expr::Kind::Binary);
  EXPECT_EQ(value.binary, BinaryOp::Or);
  ASSERT_EQ(thread.code[3].value.kind, Expr::Kind::Binary);
  EXPECT_EQ(thread.code[3].value.binary, BinaryOp::LogicalOr);
}

TEST(LitmusC, RegisterInitFromTheInitBlock) {
  const LitmusTest test = parse(R"(C init
{ 0:r0 = 7; }
P0 (atomic_int* x) { int r0; atomic_store(x, r0); }
exists (x=7)
)");
  EXPECT_EQ(only_thread(test).register_init, std::vector<Value>{7});
}

TEST(LitmusC, UnsupportedConstructsAreRejectedWhereTheyAre) {
  EXPECT_EQ(body_error("while (1) {}"), "4:1: unsupported statement 'while'");
  EXPECT_EQ(body_error("  for (;;) ;"), "4:3: unsupported statement 'for'");
  EXPECT_EQ(body_error("int r0 = foo(x);"), "4:10: unsupported function 'foo'");
  EXPECT_EQ(body_error("smp_mb();"), "4:1: unsupported function 'smp_mb'");
  EXPECT_EQ(body_error("int r0 = *(x + 1);"), "4:11: unsupported dereference of an expression");
  EXPECT_EQ(body_error("int r0 = x + 1;"), "4:12: unsupported pointer arithmetic");
  EXPECT_EQ(body_error("int r0 = atomic_load_explicit(x, memory_order_release);"),
            "4:34: invalid memory order 'memory_order_release' for a load");
  EXPECT_EQ(body_error("atomic_store_explicit(x, 1, memory_order_acquire);"),
            "4:29: invalid memory order 'memory_order_acquire' for a store");
  EXPECT_EQ(body_error("int r0 = 0; atomic_compare_exchange_strong_explicit(x, &r0, 1, memory_order_relaxed, "
                       "memory_order_acq_rel);"),
            "4:86: invalid memory order 'memory_order_acq_rel' for a failed compare-exchange");
  EXPECT_EQ(body_error("atomic_store_explicit(x, 1, memory_order_bogus);"),
            "4:29: unknown memory order 'memory_order_bogus'");
  EXPECT_EQ(body_error("r9 = 1;"), "4:1: undeclared identifier 'r9'");
  EXPECT_EQ(body_error("int r0 = 1; r0++;"), "4:15: unsupported operator '++'");
  EXPECT_EQ(body_error("int r0 = 1; r0 += 2;"), "4:16: unsupported operator '+='");
  EXPECT_EQ(body_error("int r0 = 1 / 2;"), "4:12: unsupported operator '/'");
  EXPECT_EQ(body_error("int r0 = (int) 1;"), "4:11: unsupported cast");
  EXPECT_EQ(body_error("int r0 = 1; int r0 = 2;"), "4:17: redeclaration of 'r0'");
  EXPECT_EQ(body_error("int x = 1;"), "4:5: redeclaration of 'x'");
  EXPECT_EQ(body_error("int r0 = 0; if (r0 && atomic_load(x)) r0 = 1;"),
            "4:23: unsupported memory access in the right operand of '&&'");
  EXPECT_EQ(body_error("atomic_int r0;"), "4:1: unsupported local variable of type 'atomic_int'");
  EXPECT_EQ(body_error("int r0 = atomic_store(x, 1);"),
            "4:10: unsupported 'atomic_store' inside an expression");
  EXPECT_EQ(body_error("int r0 = 1; atomic_compare_exchange_strong(x, r0, 2);"),
            "4:47: expected '&' and a local holding the expected value");
  EXPECT_EQ(body_error("atomic_store(q, 1);"), "4:14: unknown location 'q'");
  EXPECT_EQ(body_error("int r0 = 1; atomic_store(&r0, 1);"), "4:27: unsupported address of local 'r0'");
  EXPECT_EQ(body_error("x = 1;"), "4:1: unsupported assignment to shared location 'x' (write '*x = ...')");
  EXPECT_EQ(body_error("int r0 = 1\nint r1;"), "5:1: expected ';' after declaration");
  EXPECT_EQ(body_error("atomic_store(x, 1)"), "5:1: expected ';' after statement");
  EXPECT_EQ(body_error("int r0 = 99999999999999999999;"),
            "4:10: integer literal out of range '99999999999999999999'");
}

TEST(LitmusC, DeepNestingIsAnErrorNotACrash) {
  std::string parens(200, '(');
  EXPECT_EQ(body_error("int r0 = " + parens + "1" + std::string(200, ')') + ";"), "4:75: nested too deeply");
  std::string chain = "int r0 = 0; r0 = r0";
  for (int i = 0; i < 100; ++i) chain += " + r0";
  EXPECT_EQ(body_error(chain + ";"), "4:336: expression nested too deeply");
  std::string ifs;
  for (int i = 0; i < 100; ++i) ifs += "if (1) ";
  EXPECT_EQ(body_error(ifs + ";"), "4:456: nested too deeply");
  EXPECT_EQ(body_error(std::string(100, '{') + std::string(100, '}')), "4:66: nested too deeply");
  std::string negations;
  for (int i = 0; i < 100; ++i) negations += "- ";
  EXPECT_EQ(body_error("int r0 = " + negations + "1;"), "4:140: nested too deeply");
}

}  // namespace
}  // namespace mh::litmus
