// herd's X86 dialect (Intel syntax: `MOV [x],$1`, `MOV EAX,[y]`), and the x86
// semantics that the AT&T spelling (asm_x86_64.cpp) shares.
//
// Only comparisons set the modelled flags: CMP and LOCK CMPXCHG write the
// hidden register ZF, which JE/JNE read. A conditional jump whose flags come
// from any other instruction (DEC, ADD, XADD, ...) is rejected.
#include <algorithm>
#include <array>
#include <string_view>

#include "litmus/asm_common.hpp"

namespace mh::litmus::asm_detail {
namespace {

enum class X86Op : std::uint8_t {
  Mov,
  Xchg,
  Xadd,
  Cmpxchg,
  Cmp,
  Add,
  Sub,
  And,
  Or,
  Xor,
  Inc,
  Dec,
  MFence,
  LFence,
  SFence,
  Jmp,
  Je,
  Jne,
};

struct X86Mnemonic {
  std::string_view name;
  X86Op op;
  std::size_t operands;
  bool lockable;
  bool sized;  // takes an AT&T size suffix (l, q)
};

constexpr std::array kMnemonics = {
    X86Mnemonic{"MOV", X86Op::Mov, 2, false, true},
    X86Mnemonic{"XCHG", X86Op::Xchg, 2, true, true},
    X86Mnemonic{"XADD", X86Op::Xadd, 2, true, true},
    X86Mnemonic{"CMPXCHG", X86Op::Cmpxchg, 2, true, true},
    X86Mnemonic{"CMP", X86Op::Cmp, 2, false, true},
    X86Mnemonic{"ADD", X86Op::Add, 2, true, true},
    X86Mnemonic{"SUB", X86Op::Sub, 2, true, true},
    X86Mnemonic{"AND", X86Op::And, 2, true, true},
    X86Mnemonic{"OR", X86Op::Or, 2, true, true},
    X86Mnemonic{"XOR", X86Op::Xor, 2, true, true},
    X86Mnemonic{"INC", X86Op::Inc, 1, true, true},
    X86Mnemonic{"DEC", X86Op::Dec, 1, true, true},
    X86Mnemonic{"MFENCE", X86Op::MFence, 0, false, false},
    X86Mnemonic{"LFENCE", X86Op::LFence, 0, false, false},
    X86Mnemonic{"SFENCE", X86Op::SFence, 0, false, false},
    X86Mnemonic{"JMP", X86Op::Jmp, 1, false, false},
    X86Mnemonic{"JE", X86Op::Je, 1, false, false},
    X86Mnemonic{"JZ", X86Op::Je, 1, false, false},
    X86Mnemonic{"JNE", X86Op::Jne, 1, false, false},
    X86Mnemonic{"JNZ", X86Op::Jne, 1, false, false},
};

const X86Mnemonic* find_mnemonic(std::string_view name, bool size_suffixes) {
  for (const X86Mnemonic& mnemonic : kMnemonics)
    if (mnemonic.name == name) return &mnemonic;
  if (size_suffixes && name.size() > 1 && (name.back() == 'L' || name.back() == 'Q')) {
    name.remove_suffix(1);
    for (const X86Mnemonic& mnemonic : kMnemonics)
      if (mnemonic.sized && mnemonic.name == name) return &mnemonic;
  }
  return nullptr;
}

struct ArithmeticOp {
  BinaryOp binary;
  RmwOp rmw;
};

ArithmeticOp arithmetic_of(X86Op op) {
  switch (op) {
    case X86Op::Sub:
    case X86Op::Dec:
      return {BinaryOp::Sub, RmwOp::Sub};
    case X86Op::And:
      return {BinaryOp::And, RmwOp::And};
    case X86Op::Or:
      return {BinaryOp::Or, RmwOp::Or};
    case X86Op::Xor:
      return {BinaryOp::Xor, RmwOp::Xor};
    default:
      return {BinaryOp::Add, RmwOp::Add};
  }
}

void parse_jump(ThreadBuilder& builder, const Instruction& instruction, X86Op op) {
  std::string label = label_operand(builder, instruction.operands[0]);
  if (op == X86Op::Jmp) {
    builder.emit_branch(make_instr(InstrKind::Jump, instruction.pos), label, instruction.operands[0].pos);
    return;
  }
  if (builder.flags == FlagsSource::None)
    builder.fail(instruction.mnemonic_pos, instruction.mnemonic + " needs a preceding CMP or LOCK CMPXCHG");
  if (builder.flags == FlagsSource::Unmodelled)
    builder.fail(instruction.mnemonic_pos, instruction.mnemonic + " after '" + builder.flags_setter +
                                               "': only the flags of CMP and LOCK CMPXCHG are modelled");
  Instr branch = make_instr(InstrKind::BranchIf, instruction.pos);
  Expr zero_flag = Expr::make_reg(builder.register_index(kX86ZeroFlag));
  branch.value = op == X86Op::Je ? zero_flag : Expr::make_unary(UnaryOp::LogicalNot, zero_flag);
  builder.emit_branch(std::move(branch), label, instruction.operands[0].pos);
}

void parse_mov(ThreadBuilder& builder, const Instruction& instruction, const Operand& destination,
               const Operand& source) {
  if (destination.kind == Operand::Kind::Memory) {
    Instr store = make_instr(InstrKind::Store, instruction.pos);
    store.addr = destination.address;
    store.value = register_or_immediate(builder, source);
    builder.emit(std::move(store));
    return;
  }
  if (destination.kind != Operand::Kind::Register)
    fail_operand(builder, destination, "a register or a memory operand");
  if (source.kind == Operand::Kind::Memory) {
    Instr load = make_instr(InstrKind::Load, instruction.pos);
    load.dst = destination.reg;
    load.addr = source.address;
    builder.emit(std::move(load));
    return;
  }
  Instr assign = make_instr(InstrKind::Assign, instruction.pos);
  assign.dst = destination.reg;
  assign.value = register_or_immediate(builder, source);
  builder.emit(std::move(assign));
}

void parse_arithmetic(ThreadBuilder& builder, const Instruction& instruction, X86Op op,
                      const Operand& destination, const Expr& operand) {
  ArithmeticOp arithmetic = arithmetic_of(op);
  if (destination.kind == Operand::Kind::Memory) {
    if (!instruction.locked) fail_non_atomic_rmw(builder, instruction);
    Instr rmw = make_instr(InstrKind::Rmw, instruction.pos);
    rmw.addr = destination.address;
    rmw.value = operand;
    rmw.rmw_op = arithmetic.rmw;
    rmw.flags = kLocked;
    builder.emit(std::move(rmw));
    return;
  }
  if (destination.kind != Operand::Kind::Register)
    fail_operand(builder, destination, "a register or a memory operand");
  if (instruction.locked) builder.fail(instruction.lock_pos, "LOCK needs a memory destination");
  Instr assign = make_instr(InstrKind::Assign, instruction.pos);
  assign.dst = destination.reg;
  assign.value = Expr::make_binary(arithmetic.binary, Expr::make_reg(destination.reg), operand);
  builder.emit(std::move(assign));
}

}  // namespace

void parse_x86_family_instruction(ThreadBuilder& builder, const Instruction& instruction,
                                  const X86Syntax& syntax) {
  const X86Mnemonic* mnemonic = find_mnemonic(instruction.mnemonic, syntax.size_suffixes);
  if (mnemonic == nullptr) fail_unsupported(builder, instruction);
  if (instruction.locked && !mnemonic->lockable)
    builder.fail(instruction.lock_pos, "LOCK cannot prefix " + instruction.mnemonic);
  expect_operand_count(builder, instruction, mnemonic->operands);

  switch (mnemonic->op) {
    case X86Op::Jmp:
    case X86Op::Je:
    case X86Op::Jne:
      parse_jump(builder, instruction, mnemonic->op);
      return;
    case X86Op::MFence:
    case X86Op::LFence:
    case X86Op::SFence: {
      Instr fence = make_instr(InstrKind::Fence, instruction.pos);
      fence.fence = mnemonic->op == X86Op::MFence   ? FenceKind::MFence
                    : mnemonic->op == X86Op::LFence ? FenceKind::LFence
                                                    : FenceKind::SFence;
      builder.emit(std::move(fence));
      return;
    }
    default:
      break;
  }

  std::vector<Operand> operands;
  for (const OperandSpan& span : instruction.operands)
    operands.push_back(syntax.parse_operand(builder, span));
  if (syntax.source_first) std::reverse(operands.begin(), operands.end());
  // From here on operands are in Intel order: destination first.

  switch (mnemonic->op) {
    case X86Op::Mov:
      parse_mov(builder, instruction, operands[0], operands[1]);
      return;
    case X86Op::Xchg: {
      // XCHG with memory is locked whether or not it says so.
      std::size_t memory = operands[0].kind == Operand::Kind::Memory ? 0 : 1;
      Instr rmw = make_instr(InstrKind::Rmw, instruction.pos);
      rmw.addr = memory_address(builder, operands[memory]);
      rmw.dst = destination_register(builder, operands[1 - memory]);
      rmw.value = Expr::make_reg(rmw.dst);
      rmw.rmw_op = RmwOp::Exchange;
      rmw.flags = kLocked;
      builder.emit(std::move(rmw));
      return;
    }
    case X86Op::Xadd:
    case X86Op::Cmpxchg: {
      Expr address = memory_address(builder, operands[0]);
      if (!instruction.locked) fail_non_atomic_rmw(builder, instruction);
      int source = destination_register(builder, operands[1]);
      Instr rmw = make_instr(mnemonic->op == X86Op::Xadd ? InstrKind::Rmw : InstrKind::Cas, instruction.pos);
      rmw.addr = std::move(address);
      rmw.value = Expr::make_reg(source);
      rmw.flags = kLocked;
      if (mnemonic->op == X86Op::Xadd) {
        rmw.dst = source;
        rmw.rmw_op = RmwOp::Add;
        builder.flags = FlagsSource::Unmodelled;
      } else {
        rmw.expected = builder.register_index(syntax.accumulator);
        rmw.dst = builder.register_index(kX86ZeroFlag);
        builder.flags = FlagsSource::Compare;
      }
      builder.emit(std::move(rmw));
      builder.flags_setter = instruction.text;
      return;
    }
    case X86Op::Cmp: {
      Instr assign = make_instr(InstrKind::Assign, instruction.pos);
      Expr left = register_value(builder, operands[0]);
      Expr right = register_or_immediate(builder, operands[1]);
      assign.dst = builder.register_index(kX86ZeroFlag);
      assign.value = Expr::make_binary(BinaryOp::Eq, std::move(left), std::move(right));
      builder.emit(std::move(assign));
      builder.flags = FlagsSource::Compare;
      builder.flags_setter = instruction.text;
      return;
    }
    case X86Op::Inc:
    case X86Op::Dec:
      parse_arithmetic(builder, instruction, mnemonic->op, operands[0], Expr::make_const(1));
      builder.flags = FlagsSource::Unmodelled;
      builder.flags_setter = instruction.text;
      return;
    default:  // Add, Sub, And, Or, Xor
      if (operands[0].kind == Operand::Kind::Memory && !instruction.locked)
        fail_non_atomic_rmw(builder, instruction);
      parse_arithmetic(builder, instruction, mnemonic->op, operands[0],
                       register_or_immediate(builder, operands[1]));
      builder.flags = FlagsSource::Unmodelled;
      builder.flags_setter = instruction.text;
      return;
  }
}

namespace {

Operand parse_intel_operand(ThreadBuilder& builder, const OperandSpan& span) {
  Operand operand;
  operand.pos = span.pos;
  operand.text = span.text;
  const std::vector<Token>& tokens = span.tokens;
  if (tokens.size() == 1 && tokens[0].kind == Token::Kind::Word) {
    std::string name = x86_canonical_register(tokens[0].text);
    if (name.empty()) fail_operand(builder, operand, "a register, an immediate or a memory operand");
    operand.kind = Operand::Kind::Register;
    operand.reg = builder.register_index(name);
    return operand;
  }
  if (match_immediate(builder, tokens, 0, tokens.size(), '$', false, operand.immediate)) {
    operand.kind = Operand::Kind::Immediate;
    return operand;
  }
  if (tokens.size() == 3 && tokens[0].is('[') && tokens[2].is(']') && tokens[1].kind == Token::Kind::Word) {
    operand.kind = Operand::Kind::Memory;
    std::string name = x86_canonical_register(tokens[1].text);
    if (!name.empty()) {
      operand.address = Expr::make_reg(builder.register_index(name));
      return operand;
    }
    if (is_identifier(tokens[1].text)) {
      operand.address = builder.location_address(tokens[1].text, tokens[1].pos);
      return operand;
    }
  }
  fail_operand(builder, operand, "a register, an immediate or a memory operand");
}

constexpr X86Syntax kIntelSyntax{"EAX", false, false, parse_intel_operand};

}  // namespace

void parse_x86_line(ThreadBuilder& builder, const AsmLine& line) {
  std::optional<Instruction> instruction = split_instruction(builder, line, true);
  if (instruction) parse_x86_family_instruction(builder, *instruction, kIntelSyntax);
}

std::string x86_canonical_register(const std::string& name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kRegisters = {{
      {"EAX", "EAX"},
      {"RAX", "EAX"},
      {"EBX", "EBX"},
      {"RBX", "EBX"},
      {"ECX", "ECX"},
      {"RCX", "ECX"},
      {"EDX", "EDX"},
      {"RDX", "EDX"},
      {"ESI", "ESI"},
      {"RSI", "ESI"},
      {"EDI", "EDI"},
      {"RDI", "EDI"},
  }};
  if (name.size() != 3) return "";
  std::string upper = to_upper(name);
  for (const auto& [alias, canonical] : kRegisters)
    if (alias == upper) return std::string(canonical);
  return "";
}

}  // namespace mh::litmus::asm_detail
