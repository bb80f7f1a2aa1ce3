// herd's X86_64 dialect: the AT&T subset (`movl $1,(x)`, `movl (y),%eax`).
// Semantics are x86's (asm_x86.cpp); this file only spells operands and
// registers. Operand widths (l, q; %eax vs %rax) are ignored: litmus values
// are small and %eax and %rax are one register.
#include <array>
#include <string_view>

#include "litmus/asm_common.hpp"

namespace mh::litmus::asm_detail {
namespace {

constexpr std::string_view kOperandForms =
    "a register (%eax), an immediate ($1) or a memory operand ((x), x(%rip))";

int register_operand(ThreadBuilder& builder, const Token& token) {
  std::string name = x86_64_canonical_register(token.text);
  if (name.empty()) builder.fail(token.pos, "unknown register '" + token.text + "'");
  return builder.register_index(name);
}

Operand parse_att_operand(ThreadBuilder& builder, const OperandSpan& span) {
  Operand operand;
  operand.pos = span.pos;
  operand.text = span.text;
  const std::vector<Token>& tokens = span.tokens;
  auto is_word = [&](std::size_t i) { return tokens[i].kind == Token::Kind::Word; };
  auto is_register_word = [&](std::size_t i) { return is_word(i) && tokens[i].text[0] == '%'; };

  if (tokens.size() == 1 && is_register_word(0)) {
    operand.kind = Operand::Kind::Register;
    operand.reg = register_operand(builder, tokens[0]);
    return operand;
  }
  if (match_immediate(builder, tokens, 0, tokens.size(), '$', true, operand.immediate)) {
    operand.kind = Operand::Kind::Immediate;
    return operand;
  }
  if (tokens.size() == 3 && tokens[0].is('(') && is_word(1) && tokens[2].is(')')) {
    operand.kind = Operand::Kind::Memory;
    if (is_register_word(1)) {
      operand.address = Expr::make_reg(register_operand(builder, tokens[1]));
      return operand;
    }
    if (is_identifier(tokens[1].text)) {
      operand.address = builder.location_address(tokens[1].text, tokens[1].pos);
      return operand;
    }
  }
  // `x(%rip)`: the RIP-relative spelling of the same absolute location.
  if (tokens.size() == 4 && is_word(0) && tokens[1].is('(') && is_word(2) && tokens[3].is(')') &&
      to_lower(tokens[2].text) == "%rip" && is_identifier(tokens[0].text)) {
    operand.kind = Operand::Kind::Memory;
    operand.address = builder.location_address(tokens[0].text, tokens[0].pos);
    return operand;
  }
  fail_operand(builder, operand, std::string(kOperandForms));
}

constexpr X86Syntax kAttSyntax{"rax", true, true, parse_att_operand};

}  // namespace

void parse_x86_64_line(ThreadBuilder& builder, const AsmLine& line) {
  std::optional<Instruction> instruction = split_instruction(builder, line, true);
  if (instruction) parse_x86_family_instruction(builder, *instruction, kAttSyntax);
}

std::string x86_64_canonical_register(const std::string& name) {
  std::string lower = to_lower(name);
  if (!lower.empty() && lower[0] == '%') lower.erase(0, 1);
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kLegacy = {{
      {"eax", "rax"},
      {"rax", "rax"},
      {"ebx", "rbx"},
      {"rbx", "rbx"},
      {"ecx", "rcx"},
      {"rcx", "rcx"},
      {"edx", "rdx"},
      {"rdx", "rdx"},
      {"esi", "rsi"},
      {"rsi", "rsi"},
      {"edi", "rdi"},
      {"rdi", "rdi"},
  }};
  for (const auto& [alias, canonical] : kLegacy)
    if (alias == lower) return std::string(canonical);
  // r8 .. r15, and their 32-bit halves r8d .. r15d.
  if (lower.size() >= 2 && lower[0] == 'r') {
    std::string_view digits = std::string_view(lower).substr(1);
    if (!digits.empty() && digits.back() == 'd') digits.remove_suffix(1);
    static constexpr std::array<std::string_view, 8> kNumbered = {"8",  "9",  "10", "11",
                                                                  "12", "13", "14", "15"};
    for (std::string_view number : kNumbered)
      if (digits == number) return "r" + std::string(number);
  }
  return "";
}

}  // namespace mh::litmus::asm_detail
