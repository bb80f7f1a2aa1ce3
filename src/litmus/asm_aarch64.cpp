// herd's AArch64 dialect (`LDR W0,[X1]`, `STLR W2,[X3]`, `DMB ISH`).
//
// W<n> and X<n> are one register "X<n>": W registers are 32 bits wide in
// hardware, but litmus values are small, so the width is ignored. XZR/WZR
// reads as 0 and discards writes; it is never interned as a register.
//
// DSB is treated as the DMB of the same domain and type: it orders memory
// accesses at least as strongly, and its extra guarantees (completion of
// cache and TLB maintenance) are invisible to litmus tests. herd's
// aarch64.cat treats DSB.ISH and DMB.ISH alike for ordering, too.
//
// Flags: CMP writes the hidden register EQ (= the two operands are equal),
// which B.EQ / B.NE read. No other flag-setting instruction is supported.
#include <array>
#include <string_view>

#include "litmus/asm_common.hpp"

namespace mh::litmus::asm_detail {
namespace {

constexpr std::string_view kOperandForms =
    "a register (X0, W0), an immediate (#1) or a memory operand ([X1], [X1,X2], [X1,#8])";
constexpr std::string_view kAddressForms =
    "a memory operand ([X1], [X1,X2], [X1,W2,SXTW], [X1,X2,LSL #3] or [X1,#8])";

struct ArmRegister {
  bool zero = false;
  int number = 0;
};

std::optional<ArmRegister> arm_register(std::string_view word) {
  std::string upper = to_upper(word);
  if (upper == "XZR" || upper == "WZR") return ArmRegister{true, 0};
  if (upper.size() < 2 || upper.size() > 3 || (upper[0] != 'X' && upper[0] != 'W')) return std::nullopt;
  std::string_view digits = std::string_view(upper).substr(1);
  if (digits.size() == 2 && digits[0] == '0') return std::nullopt;
  int number = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    number = number * 10 + (c - '0');
  }
  if (number > 30) return std::nullopt;
  return ArmRegister{false, number};
}

// Words a reader would take for a register even though they are not one of
// ours (X31, SP, ...): never shared locations.
bool looks_like_register(std::string_view word) {
  std::string upper = to_upper(word);
  if (upper == "SP" || upper == "WSP") return true;
  if (upper.size() < 2 || (upper[0] != 'X' && upper[0] != 'W')) return false;
  for (char c : std::string_view(upper).substr(1))
    if (c < '0' || c > '9') return false;
  return true;
}

std::string register_name(int number) {
  return "X" + std::to_string(number);
}

Operand make_register_operand(ThreadBuilder& builder, ArmRegister reg, Operand operand) {
  if (reg.zero) {
    operand.kind = Operand::Kind::ZeroRegister;
  } else {
    operand.kind = Operand::Kind::Register;
    operand.reg = builder.register_index(register_name(reg.number));
  }
  return operand;
}

// tokens[begin, end) of one part of an address, as a register or zero.
std::optional<Expr> address_register(ThreadBuilder& builder, const std::vector<Token>& tokens,
                                     std::size_t begin, std::size_t end) {
  if (end != begin + 1 || tokens[begin].kind != Token::Kind::Word) return std::nullopt;
  std::optional<ArmRegister> reg = arm_register(tokens[begin].text);
  if (!reg) return std::nullopt;
  if (reg->zero) return Expr::make_const(0);
  return Expr::make_reg(builder.register_index(register_name(reg->number)));
}

// The inside of `[...]`: base [, index [, extend [#shift]]] or base, #offset.
Expr parse_address(ThreadBuilder& builder, const Operand& operand, const std::vector<Token>& tokens,
                   std::size_t begin, std::size_t end) {
  std::vector<std::pair<std::size_t, std::size_t>> parts;
  std::size_t part_begin = begin;
  for (std::size_t i = begin; i <= end; ++i) {
    if (i < end && !tokens[i].is(',')) continue;
    if (i == part_begin || parts.size() == 3) fail_operand(builder, operand, std::string(kAddressForms));
    parts.emplace_back(part_begin, i);
    part_begin = i + 1;
  }

  const Token& base_token = tokens[parts[0].first];
  Expr base;
  if (std::optional<ArmRegister> reg = arm_register(base_token.text);
      reg && parts[0].second == parts[0].first + 1) {
    if (reg->zero) builder.fail(base_token.pos, "XZR cannot be a base register");
    base = Expr::make_reg(builder.register_index(register_name(reg->number)));
  } else if (parts[0].second == parts[0].first + 1 && is_identifier(base_token.text) &&
             !looks_like_register(base_token.text)) {
    base = builder.location_address(base_token.text, base_token.pos);
  } else {
    fail_operand(builder, operand, std::string(kAddressForms));
  }
  if (parts.size() == 1) return base;

  Value offset = 0;
  if (parts.size() == 2 &&
      match_immediate(builder, tokens, parts[1].first, parts[1].second, '#', false, offset))
    return Expr::make_binary(BinaryOp::Add, std::move(base), Expr::make_const(offset));

  std::optional<Expr> index = address_register(builder, tokens, parts[1].first, parts[1].second);
  if (!index) fail_operand(builder, operand, std::string(kAddressForms));
  if (parts.size() == 3) {
    // SXTW/UXTW extend a W index to 64 bits; with small values that is the identity.
    std::size_t i = parts[2].first;
    static constexpr std::array<std::string_view, 5> kExtends = {"SXTW", "UXTW", "SXTX", "UXTX", "LSL"};
    std::string extend = tokens[i].kind == Token::Kind::Word ? to_upper(tokens[i].text) : "";
    bool known = false;
    for (std::string_view name : kExtends) known = known || extend == name;
    if (!known)
      builder.fail(tokens[i].pos, "expected an extend (SXTW, UXTW, LSL), got '" + tokens[i].text + "'");
    Value shift = 0;
    if (i + 1 != parts[2].second &&
        (!match_immediate(builder, tokens, i + 1, parts[2].second, '#', true, shift) || shift < 0 ||
         shift > 63))
      builder.fail(tokens[i + 1].pos, "expected a shift amount #0 .. #63");
    if (shift != 0) index = Expr::make_binary(BinaryOp::Shl, std::move(*index), Expr::make_const(shift));
  }
  return Expr::make_binary(BinaryOp::Add, std::move(base), std::move(*index));
}

Operand parse_operand(ThreadBuilder& builder, const OperandSpan& span) {
  Operand operand;
  operand.pos = span.pos;
  operand.text = span.text;
  const std::vector<Token>& tokens = span.tokens;
  if (tokens.size() == 1 && tokens[0].kind == Token::Kind::Word) {
    std::optional<ArmRegister> reg = arm_register(tokens[0].text);
    if (!reg) fail_operand(builder, operand, std::string(kOperandForms));
    return make_register_operand(builder, *reg, std::move(operand));
  }
  if (match_immediate(builder, tokens, 0, tokens.size(), '#', false, operand.immediate)) {
    operand.kind = Operand::Kind::Immediate;
    return operand;
  }
  if (tokens.size() >= 3 && tokens.front().is('[') && tokens.back().is(']')) {
    operand.kind = Operand::Kind::Memory;
    operand.address = parse_address(builder, operand, tokens, 1, tokens.size() - 1);
    return operand;
  }
  fail_operand(builder, operand, std::string(kOperandForms));
}

std::vector<Operand> parse_operands(ThreadBuilder& builder, const Instruction& instruction,
                                    std::size_t count) {
  expect_operand_count(builder, instruction, count);
  std::vector<Operand> operands;
  for (const OperandSpan& span : instruction.operands) operands.push_back(parse_operand(builder, span));
  return operands;
}

void parse_branch(ThreadBuilder& builder, const Instruction& instruction) {
  const std::string& m = instruction.mnemonic;
  if (m == "B") {
    expect_operand_count(builder, instruction, 1);
    std::string label = label_operand(builder, instruction.operands[0]);
    builder.emit_branch(make_instr(InstrKind::Jump, instruction.pos), label, instruction.operands[0].pos);
    return;
  }
  Instr branch = make_instr(InstrKind::BranchIf, instruction.pos);
  const OperandSpan* label_span = nullptr;
  if (m == "B.EQ" || m == "B.NE") {
    expect_operand_count(builder, instruction, 1);
    label_span = &instruction.operands[0];
    if (builder.flags != FlagsSource::Compare)
      builder.fail(instruction.mnemonic_pos, m + " needs a preceding CMP");
    Expr equal = Expr::make_reg(builder.register_index(kArmEqualFlag));
    branch.value = m == "B.EQ" ? equal : Expr::make_unary(UnaryOp::LogicalNot, equal);
  } else {  // CBZ, CBNZ
    expect_operand_count(builder, instruction, 2);
    label_span = &instruction.operands[1];
    Expr tested = register_value(builder, parse_operand(builder, instruction.operands[0]));
    branch.value =
        Expr::make_binary(m == "CBZ" ? BinaryOp::Eq : BinaryOp::Ne, std::move(tested), Expr::make_const(0));
  }
  std::string label = label_operand(builder, *label_span);
  builder.emit_branch(std::move(branch), label, label_span->pos);
}

void parse_barrier(ThreadBuilder& builder, const Instruction& instruction) {
  Instr fence = make_instr(InstrKind::Fence, instruction.pos);
  if (instruction.mnemonic == "ISB") {
    if (!instruction.operands.empty()) {
      expect_operand_count(builder, instruction, 1);
      if (to_upper(instruction.operands[0].text) != "SY")
        builder.fail(instruction.operands[0].pos, "expected SY, got '" + instruction.operands[0].text + "'");
    }
    fence.fence = FenceKind::Isb;
    builder.emit(std::move(fence));
    return;
  }
  expect_operand_count(builder, instruction, 1);
  const OperandSpan& option = instruction.operands[0];
  static constexpr std::array<std::pair<std::string_view, FenceKind>, 12> kOptions = {{
      {"SY", FenceKind::DmbFull},
      {"ISH", FenceKind::DmbFull},
      {"OSH", FenceKind::DmbFull},
      {"NSH", FenceKind::DmbFull},
      {"LD", FenceKind::DmbLd},
      {"ISHLD", FenceKind::DmbLd},
      {"OSHLD", FenceKind::DmbLd},
      {"NSHLD", FenceKind::DmbLd},
      {"ST", FenceKind::DmbSt},
      {"ISHST", FenceKind::DmbSt},
      {"OSHST", FenceKind::DmbSt},
      {"NSHST", FenceKind::DmbSt},
  }};
  std::string name = option.tokens.size() == 1 ? to_upper(option.text) : "";
  for (const auto& [spelling, kind] : kOptions) {
    if (name != spelling) continue;
    fence.fence = kind;
    builder.emit(std::move(fence));
    return;
  }
  builder.fail(option.pos, "expected a barrier option (SY, ISH, ISHLD, ISHST, OSH, NSH, LD, ST, ...), got '" +
                               option.text + "'");
}

enum class AtomicFamily : std::uint8_t { Swap, LoadOp, StoreOp, CompareSwap };

struct AtomicForm {
  AtomicFamily family;
  RmwOp op;
  std::uint8_t flags;
};

// SWP, LD<op>, CAS with their A / L / AL ordering suffixes; ST<op> with L.
std::optional<AtomicForm> decode_atomic(std::string_view mnemonic) {
  struct Base {
    std::string_view name;
    AtomicFamily family;
    RmwOp op;
  };
  static constexpr std::array<Base, 10> kBases = {{
      {"SWP", AtomicFamily::Swap, RmwOp::Exchange},
      {"LDADD", AtomicFamily::LoadOp, RmwOp::Add},
      {"LDEOR", AtomicFamily::LoadOp, RmwOp::Xor},
      {"LDSET", AtomicFamily::LoadOp, RmwOp::Or},
      {"LDCLR", AtomicFamily::LoadOp, RmwOp::And},
      {"STADD", AtomicFamily::StoreOp, RmwOp::Add},
      {"STEOR", AtomicFamily::StoreOp, RmwOp::Xor},
      {"STSET", AtomicFamily::StoreOp, RmwOp::Or},
      {"STCLR", AtomicFamily::StoreOp, RmwOp::And},
      {"CAS", AtomicFamily::CompareSwap, RmwOp::Exchange},
  }};
  for (const Base& base : kBases) {
    if (!mnemonic.starts_with(base.name)) continue;
    std::string_view suffix = mnemonic.substr(base.name.size());
    std::uint8_t flags = 0;
    if (suffix == "")
      flags = 0;
    else if (suffix == "L")
      flags = kRelease;
    else if (suffix == "A" && base.family != AtomicFamily::StoreOp)
      flags = kAcquire;
    else if (suffix == "AL" && base.family != AtomicFamily::StoreOp)
      flags = kAcquire | kRelease;
    else
      continue;
    return AtomicForm{base.family, base.op, flags};
  }
  return std::nullopt;
}

void parse_atomic(ThreadBuilder& builder, const Instruction& instruction, AtomicForm form) {
  if (form.family == AtomicFamily::CompareSwap) {
    std::vector<Operand> operands = parse_operands(builder, instruction, 3);
    Instr cas = make_instr(InstrKind::Cas, instruction.pos);
    cas.expected = destination_register(builder, operands[0]);
    if (cas.expected < 0) fail_operand(builder, operands[0], "a register other than XZR");
    cas.value = register_value(builder, operands[1]);
    cas.addr = memory_address(builder, operands[2]);
    cas.flags = form.flags;
    builder.emit(std::move(cas));
    return;
  }
  bool stores_only = form.family == AtomicFamily::StoreOp;
  std::vector<Operand> operands = parse_operands(builder, instruction, stores_only ? 2 : 3);
  Instr rmw = make_instr(InstrKind::Rmw, instruction.pos);
  rmw.value = register_value(builder, operands[0]);
  // LDCLR clears the bits set in the operand: old AND NOT operand.
  if (form.op == RmwOp::And) rmw.value = Expr::make_unary(UnaryOp::BitNot, std::move(rmw.value));
  rmw.dst = stores_only ? -1 : destination_register(builder, operands[1]);
  rmw.addr = memory_address(builder, operands.back());
  rmw.rmw_op = form.op;
  rmw.flags = form.flags;
  builder.emit(std::move(rmw));
}

struct AccessForm {
  std::string_view mnemonic;
  InstrKind kind;
  std::uint8_t flags;
};

constexpr std::array kAccessForms = {
    AccessForm{"LDR", InstrKind::Load, 0},
    AccessForm{"LDAR", InstrKind::Load, kAcquire},
    AccessForm{"LDAPR", InstrKind::Load, kAcquirePC},
    AccessForm{"LDXR", InstrKind::Load, kExclusive},
    AccessForm{"LDAXR", InstrKind::Load, kExclusive | kAcquire},
    AccessForm{"STR", InstrKind::Store, 0},
    AccessForm{"STLR", InstrKind::Store, kRelease},
    AccessForm{"STXR", InstrKind::StoreExclusive, kExclusive},
    AccessForm{"STLXR", InstrKind::StoreExclusive, kExclusive | kRelease},
};

void parse_access(ThreadBuilder& builder, const Instruction& instruction, const AccessForm& form) {
  Instr access = make_instr(form.kind, instruction.pos);
  access.flags = form.flags;
  if (form.kind == InstrKind::StoreExclusive) {
    std::vector<Operand> operands = parse_operands(builder, instruction, 3);
    access.dst = destination_register(builder, operands[0]);
    access.value = register_value(builder, operands[1]);
    access.addr = memory_address(builder, operands[2]);
  } else {
    std::vector<Operand> operands = parse_operands(builder, instruction, 2);
    if (form.kind == InstrKind::Load)
      access.dst = destination_register(builder, operands[0]);
    else
      access.value = register_value(builder, operands[0]);
    access.addr = memory_address(builder, operands[1]);
  }
  builder.emit(std::move(access));
}

void parse_data_processing(ThreadBuilder& builder, const Instruction& instruction) {
  const std::string& m = instruction.mnemonic;
  Instr assign = make_instr(InstrKind::Assign, instruction.pos);
  if (m == "MOV") {
    std::vector<Operand> operands = parse_operands(builder, instruction, 2);
    assign.dst = destination_register(builder, operands[0]);
    assign.value = register_or_immediate(builder, operands[1]);
  } else if (m == "CMP") {
    std::vector<Operand> operands = parse_operands(builder, instruction, 2);
    Expr left = register_value(builder, operands[0]);
    Expr right = register_or_immediate(builder, operands[1]);
    assign.dst = builder.register_index(kArmEqualFlag);
    assign.value = Expr::make_binary(BinaryOp::Eq, std::move(left), std::move(right));
    builder.flags = FlagsSource::Compare;
    builder.flags_setter = instruction.text;
  } else {
    BinaryOp op = m == "ADD"   ? BinaryOp::Add
                  : m == "SUB" ? BinaryOp::Sub
                  : m == "EOR" ? BinaryOp::Xor
                  : m == "AND" ? BinaryOp::And
                               : BinaryOp::Or;
    std::vector<Operand> operands = parse_operands(builder, instruction, 3);
    assign.dst = destination_register(builder, operands[0]);
    // Kept as an expression over the source registers even when it folds to a
    // constant (EOR W2,W0,W0): that is how address and data dependencies are built.
    Expr left = register_value(builder, operands[1]);
    Expr right = register_or_immediate(builder, operands[2]);
    assign.value = Expr::make_binary(op, std::move(left), std::move(right));
  }
  // A write to XZR is discarded: nothing to do.
  if (assign.dst >= 0) builder.emit(std::move(assign));
}

}  // namespace

void parse_aarch64_line(ThreadBuilder& builder, const AsmLine& line) {
  std::optional<Instruction> found = split_instruction(builder, line, false);
  if (!found) return;
  const Instruction& instruction = *found;
  const std::string& m = instruction.mnemonic;

  if (m == "B" || m == "B.EQ" || m == "B.NE" || m == "CBZ" || m == "CBNZ") {
    parse_branch(builder, instruction);
    return;
  }
  if (m == "DMB" || m == "DSB" || m == "ISB") {
    parse_barrier(builder, instruction);
    return;
  }
  for (const AccessForm& form : kAccessForms) {
    if (form.mnemonic != m) continue;
    parse_access(builder, instruction, form);
    return;
  }
  if (m == "MOV" || m == "CMP" || m == "ADD" || m == "SUB" || m == "EOR" || m == "AND" || m == "ORR") {
    parse_data_processing(builder, instruction);
    return;
  }
  if (std::optional<AtomicForm> form = decode_atomic(m)) {
    parse_atomic(builder, instruction, *form);
    return;
  }
  fail_unsupported(builder, instruction);
}

std::string aarch64_canonical_register(const std::string& name) {
  std::optional<ArmRegister> reg = arm_register(name);
  if (!reg || reg->zero) return "";
  return register_name(reg->number);
}

}  // namespace mh::litmus::asm_detail
