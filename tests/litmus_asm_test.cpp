#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "litmus/asm_dialect.hpp"
#include "litmus/ast.hpp"
#include "litmus/parse_error.hpp"

namespace mh::litmus {
namespace {

constexpr int kFirstLine = 5;
constexpr int kColumn = 3;

// One cell per line, starting at line kFirstLine, column kColumn.
std::vector<AsmLine> column(const std::vector<std::string>& cells) {
  std::vector<AsmLine> lines;
  for (std::size_t i = 0; i < cells.size(); ++i)
    lines.push_back(AsmLine{cells[i], Pos{kFirstLine + static_cast<int>(i), kColumn}, {}});
  return lines;
}

struct Parsed {
  Test test;
  Thread thread;
};

Parsed parse(Arch arch, const std::vector<std::string>& cells) {
  Parsed parsed;
  parsed.test.arch = arch;
  parsed.test.file = "t.litmus";
  parsed.thread = parse_asm_thread(arch, 0, column(cells), parsed.test);
  return parsed;
}

// The ParseError of parsing `cells`; fails the test if there is none.
ParseError parse_error(Arch arch, const std::vector<std::string>& cells) {
  Test test;
  test.file = "t.litmus";
  try {
    parse_asm_thread(arch, 0, column(cells), test);
  } catch (const ParseError& error) {
    return error;
  }
  ADD_FAILURE() << "no ParseError";
  return ParseError("", Pos{}, "");
}

Value address(const Test& test, const std::string& location) {
  int index = test.find_location(location);
  EXPECT_GE(index, 0) << location;
  return address_of(index);
}

void expect_const(const Expr& expr, Value value) {
  ASSERT_EQ(expr.kind, Expr::Kind::Const);
  EXPECT_EQ(expr.constant, value);
}

void expect_reg(const Thread& thread, const Expr& expr, const std::string& name) {
  ASSERT_EQ(expr.kind, Expr::Kind::Reg);
  ASSERT_GE(expr.reg, 0);
  EXPECT_EQ(thread.registers.at(static_cast<std::size_t>(expr.reg)), name);
}

void expect_binary(const Expr& expr, BinaryOp op) {
  ASSERT_EQ(expr.kind, Expr::Kind::Binary);
  EXPECT_EQ(expr.binary, op);
  ASSERT_EQ(expr.args.size(), 2u);
}

std::string name_of(const Thread& thread, int reg) {
  if (reg < 0) return "<none>";
  return thread.registers.at(static_cast<std::size_t>(reg));
}

void expect_error(const ParseError& error, int line, int col, const std::string& message) {
  EXPECT_EQ(error.pos().line, line) << error.what();
  EXPECT_EQ(error.pos().col, col) << error.what();
  EXPECT_EQ(error.message(), message);
  EXPECT_EQ(error.file(), "t.litmus");
}

// ---------------------------------------------------------------- X86

TEST(LitmusAsmX86, StoreBuffering) {
  Parsed p = parse(Arch::X86, {"MOV [x],$1", "MOV EAX,[y]"});
  const Thread& t = p.thread;
  ASSERT_EQ(t.code.size(), 2u);
  EXPECT_EQ(t.code[0].kind, InstrKind::Store);
  expect_const(t.code[0].addr, address(p.test, "x"));
  expect_const(t.code[0].value, 1);
  EXPECT_EQ(t.code[0].flags, 0);
  EXPECT_EQ(t.code[0].order, MemOrder::NonAtomic);
  EXPECT_EQ(t.code[0].pos.line, kFirstLine);
  EXPECT_EQ(t.code[0].pos.col, kColumn);
  EXPECT_EQ(t.code[1].kind, InstrKind::Load);
  EXPECT_EQ(name_of(t, t.code[1].dst), "EAX");
  expect_const(t.code[1].addr, address(p.test, "y"));
  EXPECT_EQ(p.test.locations.size(), 2u);
}

TEST(LitmusAsmX86, MessagePassingWithFencesAndRegisterForms) {
  Parsed p = parse(Arch::X86, {"mov eax,$-1", "MOV [x],EAX", "SFENCE", "MOV [y],1", "MFENCE", "MOV EBX,RAX",
                               "LFENCE", "MOV ECX,[EBX]"});
  const Thread& t = p.thread;
  ASSERT_EQ(t.code.size(), 8u);
  EXPECT_EQ(t.code[0].kind, InstrKind::Assign);
  EXPECT_EQ(name_of(t, t.code[0].dst), "EAX");
  expect_const(t.code[0].value, -1);
  EXPECT_EQ(t.code[1].kind, InstrKind::Store);
  expect_reg(t, t.code[1].value, "EAX");
  EXPECT_EQ(t.code[2].fence, FenceKind::SFence);
  expect_const(t.code[3].value, 1);
  EXPECT_EQ(t.code[4].kind, InstrKind::Fence);
  EXPECT_EQ(t.code[4].fence, FenceKind::MFence);
  EXPECT_EQ(t.code[5].kind, InstrKind::Assign);
  EXPECT_EQ(name_of(t, t.code[5].dst), "EBX");
  expect_reg(t, t.code[5].value, "EAX");  // RAX is EAX
  EXPECT_EQ(t.code[6].fence, FenceKind::LFence);
  EXPECT_EQ(t.code[7].kind, InstrKind::Load);
  expect_reg(t, t.code[7].addr, "EBX");
}

TEST(LitmusAsmX86, LockedReadModifyWrites) {
  Parsed p = parse(Arch::X86, {"XCHG [x],EAX", "XCHG EBX,[x]", "LOCK XCHG [x],ECX", "LOCK XADD [x],EAX",
                               "LOCK ADD [x],$2", "LOCK SUB [x],EBX", "LOCK AND [x],$1", "LOCK OR [x],$1",
                               "LOCK XOR [x],$1", "LOCK INC [x]", "lock dec [x]"});
  const Thread& t = p.thread;
  ASSERT_EQ(t.code.size(), 11u);
  for (const Instr& instr : t.code) {
    EXPECT_EQ(instr.kind, InstrKind::Rmw);
    EXPECT_EQ(instr.flags, kLocked);
    expect_const(instr.addr, address(p.test, "x"));
  }
  EXPECT_EQ(t.code[0].rmw_op, RmwOp::Exchange);
  EXPECT_EQ(name_of(t, t.code[0].dst), "EAX");
  expect_reg(t, t.code[0].value, "EAX");
  EXPECT_EQ(name_of(t, t.code[1].dst), "EBX");
  expect_reg(t, t.code[1].value, "EBX");
  EXPECT_EQ(name_of(t, t.code[2].dst), "ECX");
  EXPECT_EQ(t.code[3].rmw_op, RmwOp::Add);
  EXPECT_EQ(name_of(t, t.code[3].dst), "EAX");
  expect_reg(t, t.code[3].value, "EAX");
  EXPECT_EQ(t.code[4].rmw_op, RmwOp::Add);
  EXPECT_EQ(t.code[4].dst, -1);
  expect_const(t.code[4].value, 2);
  EXPECT_EQ(t.code[5].rmw_op, RmwOp::Sub);
  expect_reg(t, t.code[5].value, "EBX");
  EXPECT_EQ(t.code[6].rmw_op, RmwOp::And);
  EXPECT_EQ(t.code[7].rmw_op, RmwOp::Or);
  EXPECT_EQ(t.code[8].rmw_op, RmwOp::Xor);
  EXPECT_EQ(t.code[9].rmw_op, RmwOp::Add);
  expect_const(t.code[9].value, 1);
  EXPECT_EQ(t.code[9].dst, -1);
  EXPECT_EQ(t.code[10].rmw_op, RmwOp::Sub);
  expect_const(t.code[10].value, 1);
}

TEST(LitmusAsmX86, CompareExchangeRetryLoop) {
  Parsed p = parse(Arch::X86, {"L0:", "MOV EAX,[x]", "MOV EBX,EAX", "INC EBX", "LOCK CMPXCHG [x],EBX",
                               "JNE L0", "CMP EAX,$1", "JE Out", "JMP L0", "Out:"});
  const Thread& t = p.thread;
  ASSERT_EQ(t.code.size(), 8u);
  const Instr& increment = t.code[2];
  EXPECT_EQ(increment.kind, InstrKind::Assign);
  EXPECT_EQ(name_of(t, increment.dst), "EBX");
  expect_binary(increment.value, BinaryOp::Add);
  expect_reg(t, increment.value.args[0], "EBX");
  expect_const(increment.value.args[1], 1);

  const Instr& cas = t.code[3];
  EXPECT_EQ(cas.kind, InstrKind::Cas);
  EXPECT_EQ(cas.flags, kLocked);
  EXPECT_EQ(name_of(t, cas.expected), "EAX");
  expect_reg(t, cas.value, "EBX");
  EXPECT_EQ(name_of(t, cas.dst), "ZF");
  expect_const(cas.addr, address(p.test, "x"));

  const Instr& retry = t.code[4];
  EXPECT_EQ(retry.kind, InstrKind::BranchIf);
  EXPECT_EQ(retry.target, 0);
  ASSERT_EQ(retry.value.kind, Expr::Kind::Unary);
  EXPECT_EQ(retry.value.unary, UnaryOp::LogicalNot);
  expect_reg(t, retry.value.args.at(0), "ZF");

  const Instr& compare = t.code[5];
  EXPECT_EQ(compare.kind, InstrKind::Assign);
  EXPECT_EQ(name_of(t, compare.dst), "ZF");
  expect_binary(compare.value, BinaryOp::Eq);
  expect_reg(t, compare.value.args[0], "EAX");
  expect_const(compare.value.args[1], 1);

  EXPECT_EQ(t.code[6].kind, InstrKind::BranchIf);
  expect_reg(t, t.code[6].value, "ZF");
  EXPECT_EQ(t.code[6].target, 8);  // the end
  EXPECT_EQ(t.code[7].kind, InstrKind::Jump);
  EXPECT_EQ(t.code[7].target, 0);
}

TEST(LitmusAsmX86, RegisterArithmeticAndLabelBeforeInstruction) {
  Parsed p =
      parse(Arch::X86, {"XOR EAX,EAX", "L1: SUB EAX,EBX", "AND EAX,$3", "OR EAX,$4", "DEC EAX", "JMP L1"});
  const Thread& t = p.thread;
  ASSERT_EQ(t.code.size(), 6u);
  expect_binary(t.code[0].value, BinaryOp::Xor);
  expect_reg(t, t.code[0].value.args[0], "EAX");
  expect_reg(t, t.code[0].value.args[1], "EAX");
  expect_binary(t.code[1].value, BinaryOp::Sub);
  expect_reg(t, t.code[1].value.args[1], "EBX");
  expect_binary(t.code[2].value, BinaryOp::And);
  expect_binary(t.code[3].value, BinaryOp::Or);
  expect_binary(t.code[4].value, BinaryOp::Sub);
  EXPECT_EQ(t.code[5].target, 1);
}

TEST(LitmusAsmX86, CanonicalRegisters) {
  EXPECT_EQ(canonical_register(Arch::X86, "EAX"), "EAX");
  EXPECT_EQ(canonical_register(Arch::X86, "eax"), "EAX");
  EXPECT_EQ(canonical_register(Arch::X86, "RDI"), "EDI");
  EXPECT_EQ(canonical_register(Arch::X86, "EBP"), "");
  EXPECT_EQ(canonical_register(Arch::X86, "ZF"), "");
  EXPECT_EQ(canonical_register(Arch::X86, "x"), "");
  EXPECT_EQ(canonical_register(Arch::C, "r0"), "");
}

TEST(LitmusAsmX86, Errors) {
  expect_error(parse_error(Arch::X86, {"MOV [x],$1", "FOO EAX"}), kFirstLine + 1, kColumn,
               "unsupported instruction 'FOO EAX'");
  expect_error(parse_error(Arch::X86, {"MOV EAX,EBP"}), kFirstLine, kColumn + 8,
               "expected a register, an immediate or a memory operand, got 'EBP'");
  expect_error(parse_error(Arch::X86, {"MOV $1,EAX"}), kFirstLine, kColumn + 4,
               "expected a register or a memory operand, got '$1'");
  expect_error(parse_error(Arch::X86, {"MOV EAX,[x]", "JMP L9"}), kFirstLine + 1, kColumn + 4,
               "undefined label 'L9'");
  expect_error(parse_error(Arch::X86, {"INC [x]"}), kFirstLine, kColumn,
               "unsupported instruction 'INC [x]' (non-atomic read-modify-write)");
  expect_error(parse_error(Arch::X86, {"ADD [x],$1"}), kFirstLine, kColumn,
               "unsupported instruction 'ADD [x],$1' (non-atomic read-modify-write)");
  expect_error(parse_error(Arch::X86, {"CMPXCHG [x],EBX"}), kFirstLine, kColumn,
               "unsupported instruction 'CMPXCHG [x],EBX' (non-atomic read-modify-write)");
  expect_error(parse_error(Arch::X86, {"LOCK MOV [x],$1"}), kFirstLine, kColumn, "LOCK cannot prefix MOV");
  expect_error(parse_error(Arch::X86, {"LOCK ADD EAX,$1"}), kFirstLine, kColumn,
               "LOCK needs a memory destination");
  expect_error(parse_error(Arch::X86, {"MOV EAX"}), kFirstLine, kColumn, "MOV takes 2 operands, got 1");
  expect_error(parse_error(Arch::X86, {"DEC EAX", "JNE L0", "L0:"}), kFirstLine + 1, kColumn,
               "JNE after 'DEC EAX': only the flags of CMP and LOCK CMPXCHG are modelled");
  expect_error(parse_error(Arch::X86, {"L0:", "JE L0"}), kFirstLine + 1, kColumn,
               "JE needs a preceding CMP or LOCK CMPXCHG");
  expect_error(parse_error(Arch::X86, {"L0:", "L0: MFENCE"}), kFirstLine + 1, kColumn,
               "duplicate label 'L0'");
  expect_error(parse_error(Arch::X86, {"MOV EAX,[x"}), kFirstLine, kColumn + 8, "unclosed '['");
  expect_error(parse_error(Arch::X86, {"MOV EAX,"}), kFirstLine, kColumn + 8,
               "expected an operand after ','");
  expect_error(parse_error(Arch::X86, {"MOV [x],$99999999999999999999"}), kFirstLine, kColumn + 9,
               "number out of range '99999999999999999999'");
  expect_error(parse_error(Arch::X86, {"MOV [x],$1 ; MOV"}), kFirstLine, kColumn + 11,
               "unexpected character ';'");
}

// ---------------------------------------------------------------- X86_64

TEST(LitmusAsmX86_64, StoreBuffering) {
  Parsed p = parse(Arch::X86_64, {"movl $1,(x)", "movl (y),%eax"});
  const Thread& t = p.thread;
  ASSERT_EQ(t.code.size(), 2u);
  EXPECT_EQ(t.code[0].kind, InstrKind::Store);
  expect_const(t.code[0].addr, address(p.test, "x"));
  expect_const(t.code[0].value, 1);
  EXPECT_EQ(t.code[1].kind, InstrKind::Load);
  EXPECT_EQ(name_of(t, t.code[1].dst), "rax");
  expect_const(t.code[1].addr, address(p.test, "y"));
}

TEST(LitmusAsmX86_64, MessagePassingWithFencesAndAddressingForms) {
  Parsed p = parse(Arch::X86_64, {"movq $1,%r8", "movl %r8d,x(%rip)", "sfence", "movq $1,(y)", "mfence",
                                  "movl %ebx,%eax", "lfence", "movq (%rbx),%ecx"});
  const Thread& t = p.thread;
  ASSERT_EQ(t.code.size(), 8u);
  EXPECT_EQ(t.code[0].kind, InstrKind::Assign);
  EXPECT_EQ(name_of(t, t.code[0].dst), "r8");
  EXPECT_EQ(t.code[1].kind, InstrKind::Store);
  expect_reg(t, t.code[1].value, "r8");
  expect_const(t.code[1].addr, address(p.test, "x"));
  EXPECT_EQ(t.code[2].fence, FenceKind::SFence);
  EXPECT_EQ(t.code[4].fence, FenceKind::MFence);
  EXPECT_EQ(t.code[5].kind, InstrKind::Assign);
  EXPECT_EQ(name_of(t, t.code[5].dst), "rax");
  expect_reg(t, t.code[5].value, "rbx");
  EXPECT_EQ(t.code[6].fence, FenceKind::LFence);
  EXPECT_EQ(t.code[7].kind, InstrKind::Load);
  EXPECT_EQ(name_of(t, t.code[7].dst), "rcx");
  expect_reg(t, t.code[7].addr, "rbx");
}

TEST(LitmusAsmX86_64, LockedReadModifyWrites) {
  Parsed p =
      parse(Arch::X86_64, {"xchgl %eax,(x)", "xchgq (x),%rbx", "xchg %ecx,(x)", "lock xaddl %eax,(x)",
                           "lock addl $1,(x)", "lock subq %ebx,(x)", "lock incl (x)", "lock decq (x)"});
  const Thread& t = p.thread;
  ASSERT_EQ(t.code.size(), 8u);
  for (const Instr& instr : t.code) {
    EXPECT_EQ(instr.kind, InstrKind::Rmw);
    EXPECT_EQ(instr.flags, kLocked);
  }
  EXPECT_EQ(name_of(t, t.code[0].dst), "rax");
  EXPECT_EQ(name_of(t, t.code[1].dst), "rbx");
  EXPECT_EQ(name_of(t, t.code[2].dst), "rcx");
  EXPECT_EQ(t.code[3].rmw_op, RmwOp::Add);
  EXPECT_EQ(name_of(t, t.code[3].dst), "rax");
  EXPECT_EQ(t.code[4].dst, -1);
  expect_const(t.code[4].value, 1);
  EXPECT_EQ(t.code[5].rmw_op, RmwOp::Sub);
  expect_reg(t, t.code[5].value, "rbx");
  EXPECT_EQ(t.code[6].rmw_op, RmwOp::Add);
  EXPECT_EQ(t.code[7].rmw_op, RmwOp::Sub);
}

TEST(LitmusAsmX86_64, CompareExchangeAndBranches) {
  Parsed p =
      parse(Arch::X86_64, {"L0: movl (x),%eax", "movl %eax,%ebx", "addl $1,%ebx", "subl %eax,%ebx",
                           "lock cmpxchgl %ebx,(x)", "jne L0", "cmpl $2,%eax", "je L1", "jmp L0", "L1:"});
  const Thread& t = p.thread;
  ASSERT_EQ(t.code.size(), 9u);
  // AT&T `subl %eax,%ebx` is ebx = ebx - eax.
  expect_binary(t.code[3].value, BinaryOp::Sub);
  expect_reg(t, t.code[3].value.args[0], "rbx");
  expect_reg(t, t.code[3].value.args[1], "rax");
  const Instr& cas = t.code[4];
  EXPECT_EQ(cas.kind, InstrKind::Cas);
  EXPECT_EQ(name_of(t, cas.expected), "rax");
  expect_reg(t, cas.value, "rbx");
  EXPECT_EQ(name_of(t, cas.dst), "ZF");
  EXPECT_EQ(t.code[5].target, 0);
  expect_binary(t.code[6].value, BinaryOp::Eq);
  expect_reg(t, t.code[6].value.args[0], "rax");
  expect_const(t.code[6].value.args[1], 2);
  EXPECT_EQ(t.code[7].target, 9);
  EXPECT_EQ(t.code[8].kind, InstrKind::Jump);
}

TEST(LitmusAsmX86_64, CanonicalRegisters) {
  EXPECT_EQ(canonical_register(Arch::X86_64, "rax"), "rax");
  EXPECT_EQ(canonical_register(Arch::X86_64, "eax"), "rax");
  EXPECT_EQ(canonical_register(Arch::X86_64, "%eax"), "rax");
  EXPECT_EQ(canonical_register(Arch::X86_64, "%r9d"), "r9");
  EXPECT_EQ(canonical_register(Arch::X86_64, "r15"), "r15");
  EXPECT_EQ(canonical_register(Arch::X86_64, "r16"), "");
  EXPECT_EQ(canonical_register(Arch::X86_64, "%"), "");
  EXPECT_EQ(canonical_register(Arch::X86_64, "x"), "");
}

TEST(LitmusAsmX86_64, Errors) {
  expect_error(parse_error(Arch::X86_64, {"frob %eax"}), kFirstLine, kColumn,
               "unsupported instruction 'frob %eax'");
  expect_error(parse_error(Arch::X86_64, {"movl %foo,(x)"}), kFirstLine, kColumn + 5,
               "unknown register '%foo'");
  expect_error(parse_error(Arch::X86_64, {"movl 1,(x)"}), kFirstLine, kColumn + 5,
               "expected a register (%eax), an immediate ($1) or a memory operand ((x), "
               "x(%rip)), got '1'");
  expect_error(parse_error(Arch::X86_64, {"jmp Nowhere"}), kFirstLine, kColumn + 4,
               "undefined label 'Nowhere'");
  expect_error(parse_error(Arch::X86_64, {"incl (x)"}), kFirstLine, kColumn,
               "unsupported instruction 'incl (x)' (non-atomic read-modify-write)");
  expect_error(parse_error(Arch::X86_64, {"addq $1,(x)"}), kFirstLine, kColumn,
               "unsupported instruction 'addq $1,(x)' (non-atomic read-modify-write)");
  expect_error(parse_error(Arch::X86_64, {"xchgl %eax,%ebx"}), kFirstLine, kColumn + 6,
               "expected a memory operand, got '%eax'");
}

// ---------------------------------------------------------------- AArch64

TEST(LitmusAsmAArch64, StoreBuffering) {
  Parsed p = parse(Arch::AArch64, {"MOV W0,#1", "STR W0,[X1]", "LDR W2,[X3]"});
  const Thread& t = p.thread;
  ASSERT_EQ(t.code.size(), 3u);
  EXPECT_EQ(t.code[0].kind, InstrKind::Assign);
  EXPECT_EQ(name_of(t, t.code[0].dst), "X0");
  expect_const(t.code[0].value, 1);
  EXPECT_EQ(t.code[1].kind, InstrKind::Store);
  EXPECT_EQ(t.code[1].flags, 0);
  expect_reg(t, t.code[1].value, "X0");
  expect_reg(t, t.code[1].addr, "X1");
  EXPECT_EQ(t.code[2].kind, InstrKind::Load);
  EXPECT_EQ(t.code[2].flags, 0);
  EXPECT_EQ(name_of(t, t.code[2].dst), "X2");
  expect_reg(t, t.code[2].addr, "X3");
  EXPECT_TRUE(p.test.locations.empty());
}

TEST(LitmusAsmAArch64, MessagePassingWithBarriersAndOrderedAccesses) {
  Parsed p = parse(Arch::AArch64, {"STR W0,[X1]", "DMB SY", "DMB ish", "DMB ISHLD", "DMB LD", "DMB ISHST",
                                   "DMB ST", "DSB OSH", "DSB NSHLD", "ISB", "STLR W0,[X3]", "LDAR W4,[X3]",
                                   "LDAPR W5,[X3]", "LDR XZR,[X3]"});
  const Thread& t = p.thread;
  ASSERT_EQ(t.code.size(), 14u);
  const FenceKind fences[] = {FenceKind::DmbFull, FenceKind::DmbFull, FenceKind::DmbLd,
                              FenceKind::DmbLd,   FenceKind::DmbSt,   FenceKind::DmbSt,
                              FenceKind::DmbFull, FenceKind::DmbLd,   FenceKind::Isb};
  for (std::size_t i = 0; i < 9; ++i) {
    EXPECT_EQ(t.code[1 + i].kind, InstrKind::Fence);
    EXPECT_EQ(t.code[1 + i].fence, fences[i]) << i;
  }
  EXPECT_EQ(t.code[10].kind, InstrKind::Store);
  EXPECT_EQ(t.code[10].flags, kRelease);
  EXPECT_EQ(t.code[11].flags, kAcquire);
  EXPECT_EQ(t.code[12].flags, kAcquirePC);
  EXPECT_EQ(t.code[13].kind, InstrKind::Load);
  EXPECT_EQ(t.code[13].dst, -1);  // XZR discards
}

TEST(LitmusAsmAArch64, AddressAndDataDependencies) {
  Parsed p = parse(Arch::AArch64, {"LDR W0,[X1]", "EOR W2,W0,W0", "LDR W3,[X4,W2,SXTW]", "ADD X5,X4,X2",
                                   "STR W0,[X5]", "LDR W6,[X4,X2]", "LDR W7,[X4,#8]", "LDR W8,[X4,X2,LSL #3]",
                                   "STR WZR,[X4]", "ORR W9,W0,#1", "AND W9,W9,WZR", "SUB W9,W9,#1"});
  const Thread& t = p.thread;
  ASSERT_EQ(t.code.size(), 12u);
  const Instr& eor = t.code[1];
  EXPECT_EQ(eor.kind, InstrKind::Assign);
  EXPECT_EQ(name_of(t, eor.dst), "X2");
  expect_binary(eor.value, BinaryOp::Xor);
  expect_reg(t, eor.value.args[0], "X0");
  expect_reg(t, eor.value.args[1], "X0");

  const Instr& dependent = t.code[2];
  EXPECT_EQ(dependent.kind, InstrKind::Load);
  EXPECT_EQ(name_of(t, dependent.dst), "X3");
  expect_binary(dependent.addr, BinaryOp::Add);
  expect_reg(t, dependent.addr.args[0], "X4");
  expect_reg(t, dependent.addr.args[1], "X2");

  expect_binary(t.code[3].value, BinaryOp::Add);
  expect_reg(t, t.code[4].addr, "X5");
  expect_binary(t.code[5].addr, BinaryOp::Add);
  expect_reg(t, t.code[5].addr.args[1], "X2");
  expect_binary(t.code[6].addr, BinaryOp::Add);
  expect_const(t.code[6].addr.args[1], 8);
  expect_binary(t.code[7].addr, BinaryOp::Add);
  expect_binary(t.code[7].addr.args[1], BinaryOp::Shl);
  expect_reg(t, t.code[7].addr.args[1].args[0], "X2");
  expect_const(t.code[7].addr.args[1].args[1], 3);
  expect_const(t.code[8].value, 0);  // WZR reads as 0
  expect_binary(t.code[9].value, BinaryOp::Or);
  expect_binary(t.code[10].value, BinaryOp::And);
  expect_const(t.code[10].value.args[1], 0);
  expect_binary(t.code[11].value, BinaryOp::Sub);
  EXPECT_EQ(t.find_register("XZR"), -1);
  EXPECT_EQ(t.find_register("WZR"), -1);
}

TEST(LitmusAsmAArch64, ExclusivePairWithRetryToFailLabel) {
  Parsed p = parse(Arch::AArch64, {"LDXR W0,[X1]", "ADD W0,W0,#1", "STXR W3,W0,[X1]", "CBNZ W3,Fail0",
                                   "LDAXR W4,[X1]", "STLXR W5,W4,[X1]", "CBZ W5,Fail0", "Fail0:"});
  const Thread& t = p.thread;
  ASSERT_EQ(t.code.size(), 7u);
  EXPECT_EQ(t.code[0].kind, InstrKind::Load);
  EXPECT_EQ(t.code[0].flags, kExclusive);
  const Instr& store = t.code[2];
  EXPECT_EQ(store.kind, InstrKind::StoreExclusive);
  EXPECT_EQ(store.flags, kExclusive);
  EXPECT_EQ(name_of(t, store.dst), "X3");
  expect_reg(t, store.value, "X0");
  expect_reg(t, store.addr, "X1");
  const Instr& retry = t.code[3];
  EXPECT_EQ(retry.kind, InstrKind::BranchIf);
  EXPECT_EQ(retry.target, 7);
  expect_binary(retry.value, BinaryOp::Ne);
  expect_reg(t, retry.value.args[0], "X3");
  expect_const(retry.value.args[1], 0);
  EXPECT_EQ(t.code[4].flags, kExclusive | kAcquire);
  EXPECT_EQ(t.code[5].flags, kExclusive | kRelease);
  expect_binary(t.code[6].value, BinaryOp::Eq);
  EXPECT_EQ(t.code[6].target, 7);
}

TEST(LitmusAsmAArch64, AtomicsAndCompareAndSwap) {
  Parsed p =
      parse(Arch::AArch64, {"SWP X0,X2,[X1]", "SWPA W0,W2,[X1]", "SWPL W0,W2,[X1]", "SWPAL W0,W2,[X1]",
                            "LDADD W0,W2,[X1]", "LDADDAL W0,WZR,[X1]", "LDEOR W0,W2,[X1]",
                            "LDSETA W0,W2,[X1]", "LDCLRL W0,W2,[X1]", "STADD W0,[X1]", "STADDL W0,[X1]",
                            "CAS W3,W4,[X1]", "CASA W3,W4,[X1]", "CASL W3,W4,[X1]", "CASAL W3,W4,[X1]"});
  const Thread& t = p.thread;
  ASSERT_EQ(t.code.size(), 15u);
  for (int i = 0; i < 11; ++i) {
    EXPECT_EQ(t.code[i].kind, InstrKind::Rmw);
    expect_reg(t, t.code[i].addr, "X1");
  }
  EXPECT_EQ(t.code[0].rmw_op, RmwOp::Exchange);
  expect_reg(t, t.code[0].value, "X0");
  EXPECT_EQ(name_of(t, t.code[0].dst), "X2");
  EXPECT_EQ(t.code[0].flags, 0);
  EXPECT_EQ(t.code[1].flags, kAcquire);
  EXPECT_EQ(t.code[2].flags, kRelease);
  EXPECT_EQ(t.code[3].flags, kAcquire | kRelease);
  EXPECT_EQ(t.code[4].rmw_op, RmwOp::Add);
  EXPECT_EQ(name_of(t, t.code[4].dst), "X2");
  EXPECT_EQ(t.code[5].dst, -1);
  EXPECT_EQ(t.code[5].flags, kAcquire | kRelease);
  EXPECT_EQ(t.code[6].rmw_op, RmwOp::Xor);
  EXPECT_EQ(t.code[7].rmw_op, RmwOp::Or);
  EXPECT_EQ(t.code[7].flags, kAcquire);
  EXPECT_EQ(t.code[8].rmw_op, RmwOp::And);
  ASSERT_EQ(t.code[8].value.kind, Expr::Kind::Unary);
  EXPECT_EQ(t.code[8].value.unary, UnaryOp::BitNot);
  EXPECT_EQ(t.code[9].rmw_op, RmwOp::Add);
  EXPECT_EQ(t.code[9].dst, -1);
  EXPECT_EQ(t.code[9].flags, 0);
  EXPECT_EQ(t.code[10].flags, kRelease);
  const std::uint8_t cas_flags[] = {0, kAcquire, kRelease, kAcquire | kRelease};
  for (int i = 0; i < 4; ++i) {
    const Instr& cas = t.code[11 + i];
    EXPECT_EQ(cas.kind, InstrKind::Cas);
    EXPECT_EQ(name_of(t, cas.expected), "X3");
    expect_reg(t, cas.value, "X4");
    EXPECT_EQ(cas.dst, -1);
    EXPECT_EQ(cas.flags, cas_flags[i]);
    expect_reg(t, cas.addr, "X1");
  }
}

TEST(LitmusAsmAArch64, CompareAndBranches) {
  Parsed p = parse(Arch::AArch64, {"LC00:", "LDR W0,[X1]", "CMP W0,#1", "B.NE LC00", "LC01: CMP W0,W2",
                                   "b.eq LC02", "B LC01", "LC02:"});
  const Thread& t = p.thread;
  ASSERT_EQ(t.code.size(), 6u);
  EXPECT_EQ(name_of(t, t.code[1].dst), "EQ");
  expect_binary(t.code[1].value, BinaryOp::Eq);
  expect_reg(t, t.code[1].value.args[0], "X0");
  expect_const(t.code[1].value.args[1], 1);
  EXPECT_EQ(t.code[2].kind, InstrKind::BranchIf);
  EXPECT_EQ(t.code[2].target, 0);
  ASSERT_EQ(t.code[2].value.kind, Expr::Kind::Unary);
  EXPECT_EQ(t.code[2].value.unary, UnaryOp::LogicalNot);
  expect_reg(t, t.code[2].value.args.at(0), "EQ");
  expect_reg(t, t.code[3].value.args[1], "X2");
  expect_reg(t, t.code[4].value, "EQ");
  EXPECT_EQ(t.code[4].target, 6);
  EXPECT_EQ(t.code[5].kind, InstrKind::Jump);
  EXPECT_EQ(t.code[5].target, 3);
}

TEST(LitmusAsmAArch64, CanonicalRegisters) {
  EXPECT_EQ(canonical_register(Arch::AArch64, "X1"), "X1");
  EXPECT_EQ(canonical_register(Arch::AArch64, "W1"), "X1");
  EXPECT_EQ(canonical_register(Arch::AArch64, "x30"), "X30");
  EXPECT_EQ(canonical_register(Arch::AArch64, "w0"), "X0");
  EXPECT_EQ(canonical_register(Arch::AArch64, "X31"), "");
  EXPECT_EQ(canonical_register(Arch::AArch64, "X01"), "");
  EXPECT_EQ(canonical_register(Arch::AArch64, "XZR"), "");
  EXPECT_EQ(canonical_register(Arch::AArch64, "EQ"), "");
  EXPECT_EQ(canonical_register(Arch::AArch64, "x"), "");
  EXPECT_EQ(canonical_register(Arch::AArch64, ""), "");
}

TEST(LitmusAsmAArch64, Errors) {
  expect_error(parse_error(Arch::AArch64, {"LDR W0,[X1]", "FOO"}), kFirstLine + 1, kColumn,
               "unsupported instruction 'FOO'");
  expect_error(parse_error(Arch::AArch64, {"LDR W0,X1"}), kFirstLine, kColumn + 7,
               "expected a memory operand, got 'X1'");
  expect_error(parse_error(Arch::AArch64, {"STR #1,[X1]"}), kFirstLine, kColumn + 4,
               "expected a register, got '#1'");
  expect_error(parse_error(Arch::AArch64, {"LDR W0,[X1,W2,ROR]"}), kFirstLine, kColumn + 14,
               "expected an extend (SXTW, UXTW, LSL), got 'ROR'");
  expect_error(parse_error(Arch::AArch64, {"LDR W0,[XZR]"}), kFirstLine, kColumn + 8,
               "XZR cannot be a base register");
  expect_error(parse_error(Arch::AArch64, {"MOV W0,X31"}), kFirstLine, kColumn + 7,
               "expected a register (X0, W0), an immediate (#1) or a memory operand ([X1], "
               "[X1,X2], [X1,#8]), got 'X31'");
  expect_error(parse_error(Arch::AArch64, {"LDXR W0,[X1]", "CBNZ W0,Fail1", "Fail0:"}), kFirstLine + 1,
               kColumn + 8, "undefined label 'Fail1'");
  expect_error(parse_error(Arch::AArch64, {"DMB FOO"}), kFirstLine, kColumn + 4,
               "expected a barrier option (SY, ISH, ISHLD, ISHST, OSH, NSH, LD, ST, ...), got "
               "'FOO'");
  expect_error(parse_error(Arch::AArch64, {"L0:", "B.NE L0"}), kFirstLine + 1, kColumn,
               "B.NE needs a preceding CMP");
  expect_error(parse_error(Arch::AArch64, {"CAS XZR,X2,[X1]"}), kFirstLine, kColumn + 4,
               "expected a register other than XZR, got 'XZR'");
  expect_error(parse_error(Arch::AArch64, {"STADDA W0,[X1]"}), kFirstLine, kColumn,
               "unsupported instruction 'STADDA W0,[X1]'");
  expect_error(parse_error(Arch::AArch64, {"ADD W0,W1"}), kFirstLine, kColumn, "ADD takes 3 operands, got 2");
  expect_error(parse_error(Arch::AArch64, {"MOV W0,#0x"}), kFirstLine, kColumn + 8, "bad number '0x'");
}

TEST(LitmusAsm, CDialectIsRejected) {
  expect_error(parse_error(Arch::C, {"r0 = 1;"}), kFirstLine, kColumn, "C threads are not assembly");
}

// ---------------------------------------------------------------- robustness

void expect_parses_or_rejects(Arch arch, const std::string& text) {
  Test test;
  test.file = "t.litmus";
  try {
    parse_asm_thread(arch, 0, {AsmLine{text, Pos{1, 1}, {}}}, test);
  } catch (const ParseError&) {
  } catch (const std::exception& error) {
    ADD_FAILURE() << "'" << text << "' threw " << error.what();
  }
}

TEST(LitmusAsm, TruncationsAndCorruptionsParseOrThrowParseError) {
  const std::vector<std::pair<Arch, std::vector<std::string>>> corpus = {
      {Arch::X86,
       {"MOV [x],$1", "MOV EAX,[y]", "MOV EAX,$-1", "XCHG [x],EAX", "LOCK XADD [x],EAX",
        "LOCK CMPXCHG [x],EBX", "LOCK INC [x]", "CMP EAX,$1", "L0: MFENCE", "MOV ECX,[EBX]"}},
      {Arch::X86_64,
       {"movl $1,(x)", "movl (y),%eax", "movl %r8d,x(%rip)", "xchgl %eax,(x)", "lock xaddl %eax,(x)",
        "lock cmpxchgl %ebx,(x)", "cmpl $1,%eax", "movq (%rbx),%ecx"}},
      {Arch::AArch64,
       {"MOV W0,#1", "STR W0,[X1]", "LDR W3,[X4,W2,SXTW]", "LDR W8,[X4,X2,LSL #3]", "STXR W3,W0,[X1]",
        "SWPAL W0,W2,[X1]", "CASAL W3,W4,[X1]", "DMB ISHLD", "EOR W2,W0,W0", "LDR W7,[X4,#0x8]",
        "L0: STADDL W0,[X1]"}},
  };
  std::mt19937 random(12345);
  const std::string alphabet = "[](),:$#%-+ .xXwW019;\t\x01\xff";
  for (const auto& [arch, lines] : corpus) {
    for (const std::string& line : lines) {
      // The whole line is valid.
      litmus::Test test;
      EXPECT_NO_THROW(parse_asm_thread(arch, 0, {AsmLine{line, Pos{1, 1}, {}}}, test)) << line;
      for (std::size_t length = 0; length <= line.size(); ++length)
        expect_parses_or_rejects(arch, line.substr(0, length));
      for (int trial = 0; trial < 200; ++trial) {
        std::string corrupted = line;
        std::size_t at = random() % corrupted.size();
        if (trial % 2 == 0)
          corrupted[at] = alphabet[random() % alphabet.size()];
        else
          corrupted[at] = static_cast<char>(random() % 256);
        expect_parses_or_rejects(arch, corrupted);
      }
    }
  }
  // Labels referenced in a line alone are undefined, not a crash.
  expect_parses_or_rejects(Arch::X86, "JMP L0");
  expect_parses_or_rejects(Arch::AArch64, "CBZ W0,L0");
  expect_parses_or_rejects(Arch::AArch64, std::string(5000, 'X'));
}

}  // namespace
}  // namespace mh::litmus
