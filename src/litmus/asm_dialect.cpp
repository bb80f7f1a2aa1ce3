#include "litmus/asm_dialect.hpp"

#include <cstdio>

#include "litmus/asm_common.hpp"
#include "litmus/parse_error.hpp"

namespace mh::litmus {
namespace asm_detail {
namespace {

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_word_char(char c) {
  return is_letter(c) || is_digit(c) || c == '_' || c == '.';
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Where the character at `offset` of the cell is; one past its end is just
// after its last character. Offsets are bounded by kMaxLineLength, so the
// column fits an int.
Pos column_of(const AsmLine& line, std::size_t offset) {
  if (offset < line.char_pos.size()) return line.char_pos[offset];
  if (!line.char_pos.empty() && offset == line.char_pos.size())
    return Pos{line.char_pos.back().line, line.char_pos.back().col + 1};
  return Pos{line.pos.line, line.pos.col + static_cast<int>(offset)};
}

std::string describe_char(char c) {
  if (c >= 0x20 && c < 0x7f) return std::string("'") + c + "'";
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
  return buffer;
}

bool is_label_name(std::string_view text) {
  if (text.empty() || !(is_letter(text[0]) || text[0] == '_' || text[0] == '.')) return false;
  for (char c : text)
    if (!is_word_char(c)) return false;
  return true;
}

std::vector<Token> lex(const ThreadBuilder& builder, const AsmLine& line) {
  const std::string& text = line.text;
  if (text.size() > kMaxLineLength) builder.fail(line.pos, "instruction too long");
  static constexpr std::string_view kPunctuation = ",[]():$#-+";
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    Token token;
    token.offset = i;
    token.pos = column_of(line, i);
    if (is_letter(c) || c == '_' || c == '.' || c == '%') {
      token.kind = Token::Kind::Word;
      ++i;
      while (i < text.size() && is_word_char(text[i])) ++i;
    } else if (is_digit(c)) {
      // Letters are taken in too so that `0x1f` is one token and `1abc` one bad number.
      token.kind = Token::Kind::Number;
      ++i;
      while (i < text.size() && is_word_char(text[i])) ++i;
    } else if (kPunctuation.find(c) != std::string_view::npos) {
      token.kind = Token::Kind::Punct;
      ++i;
    } else {
      builder.fail(token.pos, "unexpected character " + describe_char(c));
    }
    token.text = text.substr(token.offset, i - token.offset);
    tokens.push_back(std::move(token));
  }
  return tokens;
}

std::string text_of(const std::string& line, const Token& first, const Token& last) {
  return line.substr(first.offset, last.offset + last.text.size() - first.offset);
}

Value number_value(const ThreadBuilder& builder, const Token& token, bool negative) {
  std::string_view digits = token.text;
  unsigned base = 10;
  if (digits.size() > 1 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    base = 16;
    digits.remove_prefix(2);
  }
  if (digits.empty()) builder.fail(token.pos, "bad number '" + token.text + "'");
  const std::uint64_t limit = negative ? (std::uint64_t{1} << 63) : (std::uint64_t{1} << 63) - 1;
  std::uint64_t magnitude = 0;
  for (char c : digits) {
    unsigned digit = 0;
    if (is_digit(c))
      digit = static_cast<unsigned>(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f')
      digit = static_cast<unsigned>(c - 'a' + 10);
    else if (base == 16 && c >= 'A' && c <= 'F')
      digit = static_cast<unsigned>(c - 'A' + 10);
    else
      builder.fail(token.pos, "bad number '" + token.text + "'");
    if (magnitude > (limit - digit) / base)
      builder.fail(token.pos, "number out of range '" + token.text + "'");
    magnitude = magnitude * base + digit;
  }
  // Two's complement negation on the unsigned value; C++20 defines the conversion.
  return static_cast<Value>(negative ? ~magnitude + 1 : magnitude);
}

}  // namespace

ThreadBuilder::ThreadBuilder(Test& test, int thread_id, Pos pos) : test_(test) {
  thread_.id = thread_id;
  thread_.pos = pos;
}

void ThreadBuilder::fail(Pos pos, const std::string& message) const {
  throw ParseError(test_.file, pos, message);
}

Expr ThreadBuilder::location_address(const std::string& name, Pos pos) {
  return Expr::make_const(address_of(test_.intern_location(name, pos)));
}

void ThreadBuilder::define_label(const std::string& name, Pos pos) {
  for (const Label& label : labels_)
    if (label.name == name) fail(pos, "duplicate label '" + name + "'");
  labels_.push_back(Label{name, static_cast<int>(thread_.code.size())});
}

void ThreadBuilder::emit(Instr instr) {
  if (thread_.code.size() >= kMaxInstructions) fail(instr.pos, "too many instructions in one thread");
  thread_.code.push_back(std::move(instr));
}

void ThreadBuilder::emit_branch(Instr instr, const std::string& label, Pos label_pos) {
  emit(std::move(instr));
  fixups_.push_back(Fixup{thread_.code.size() - 1, label, label_pos});
}

Thread ThreadBuilder::finish() {
  for (const Fixup& fixup : fixups_) {
    const Label* found = nullptr;
    for (const Label& label : labels_)
      if (label.name == fixup.label) found = &label;
    if (found == nullptr) fail(fixup.pos, "undefined label '" + fixup.label + "'");
    thread_.code[fixup.instr].target = found->index;
  }
  return std::move(thread_);
}

std::string to_upper(std::string_view text) {
  std::string result(text);
  for (char& c : result)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return result;
}

std::string to_lower(std::string_view text) {
  std::string result(text);
  for (char& c : result)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return result;
}

bool is_identifier(std::string_view text) {
  if (text.empty() || !(is_letter(text[0]) || text[0] == '_')) return false;
  for (char c : text)
    if (!(is_letter(c) || is_digit(c) || c == '_')) return false;
  return true;
}

std::optional<Instruction> split_instruction(ThreadBuilder& builder, const AsmLine& line, bool lock_prefix) {
  std::vector<Token> tokens = lex(builder, line);
  std::size_t i = 0;
  while (i + 1 < tokens.size() && tokens[i].kind == Token::Kind::Word && tokens[i + 1].is(':')) {
    if (!is_label_name(tokens[i].text))
      builder.fail(tokens[i].pos, "bad label name '" + tokens[i].text + "'");
    builder.define_label(tokens[i].text, tokens[i].pos);
    i += 2;
  }
  if (i == tokens.size()) return std::nullopt;

  Instruction instruction;
  const Token& first = tokens[i];
  instruction.pos = first.pos;
  instruction.text = text_of(line.text, first, tokens.back());
  if (first.kind != Token::Kind::Word)
    builder.fail(first.pos, "expected an instruction, got '" + instruction.text + "'");
  if (lock_prefix && to_upper(first.text) == "LOCK" && i + 1 < tokens.size() &&
      tokens[i + 1].kind == Token::Kind::Word) {
    instruction.locked = true;
    instruction.lock_pos = first.pos;
    ++i;
  }
  instruction.mnemonic = to_upper(tokens[i].text);
  instruction.mnemonic_pos = tokens[i].pos;
  ++i;

  std::vector<const Token*> open_brackets;
  OperandSpan current;
  auto close_operand = [&] {
    current.pos = current.tokens.front().pos;
    current.text = text_of(line.text, current.tokens.front(), current.tokens.back());
    instruction.operands.push_back(std::move(current));
    current = OperandSpan{};
  };
  for (; i < tokens.size(); ++i) {
    const Token& token = tokens[i];
    if (token.is('[') || token.is('(')) {
      open_brackets.push_back(&token);
    } else if (token.is(']') || token.is(')')) {
      char opener = token.is(']') ? '[' : '(';
      if (open_brackets.empty() || !open_brackets.back()->is(opener))
        builder.fail(token.pos, "unbalanced '" + token.text + "'");
      open_brackets.pop_back();
    } else if (token.is(',') && open_brackets.empty()) {
      if (current.tokens.empty()) builder.fail(token.pos, "expected an operand before ','");
      if (i + 1 == tokens.size())
        builder.fail(column_of(line, token.offset + 1), "expected an operand after ','");
      close_operand();
      continue;
    }
    current.tokens.push_back(token);
  }
  if (!open_brackets.empty())
    builder.fail(open_brackets.back()->pos, "unclosed '" + open_brackets.back()->text + "'");
  if (!current.tokens.empty()) close_operand();
  return instruction;
}

bool match_immediate(const ThreadBuilder& builder, const std::vector<Token>& tokens, std::size_t begin,
                     std::size_t end, char marker, bool marker_required, Value& value) {
  std::size_t i = begin;
  if (i < end && tokens[i].is(marker))
    ++i;
  else if (marker_required)
    return false;
  bool negative = false;
  if (i < end && (tokens[i].is('-') || tokens[i].is('+'))) {
    negative = tokens[i].is('-');
    ++i;
  }
  if (i + 1 != end || tokens[i].kind != Token::Kind::Number) return false;
  value = number_value(builder, tokens[i], negative);
  return true;
}

void fail_operand(const ThreadBuilder& builder, const Operand& operand, const std::string& expected) {
  builder.fail(operand.pos, "expected " + expected + ", got '" + operand.text + "'");
}

void expect_operand_count(const ThreadBuilder& builder, const Instruction& instruction, std::size_t count) {
  if (instruction.operands.size() == count) return;
  builder.fail(instruction.mnemonic_pos, instruction.mnemonic + " takes " + std::to_string(count) +
                                             (count == 1 ? " operand" : " operands") + ", got " +
                                             std::to_string(instruction.operands.size()));
}

void fail_unsupported(const ThreadBuilder& builder, const Instruction& instruction) {
  builder.fail(instruction.mnemonic_pos, "unsupported instruction '" + instruction.text + "'");
}

void fail_non_atomic_rmw(const ThreadBuilder& builder, const Instruction& instruction) {
  builder.fail(instruction.pos,
               "unsupported instruction '" + instruction.text + "' (non-atomic read-modify-write)");
}

int destination_register(const ThreadBuilder& builder, const Operand& operand) {
  if (operand.kind == Operand::Kind::Register) return operand.reg;
  if (operand.kind == Operand::Kind::ZeroRegister) return -1;
  fail_operand(builder, operand, "a register");
}

Expr register_value(const ThreadBuilder& builder, const Operand& operand) {
  if (operand.kind == Operand::Kind::Register) return Expr::make_reg(operand.reg);
  if (operand.kind == Operand::Kind::ZeroRegister) return Expr::make_const(0);
  fail_operand(builder, operand, "a register");
}

Expr register_or_immediate(const ThreadBuilder& builder, const Operand& operand) {
  if (operand.kind == Operand::Kind::Immediate) return Expr::make_const(operand.immediate);
  if (operand.kind == Operand::Kind::Memory) fail_operand(builder, operand, "a register or an immediate");
  return register_value(builder, operand);
}

Expr memory_address(const ThreadBuilder& builder, const Operand& operand) {
  if (operand.kind != Operand::Kind::Memory) fail_operand(builder, operand, "a memory operand");
  return operand.address;
}

std::string label_operand(const ThreadBuilder& builder, const OperandSpan& span) {
  if (span.tokens.size() != 1 || span.tokens[0].kind != Token::Kind::Word || !is_label_name(span.text))
    builder.fail(span.pos, "expected a label, got '" + span.text + "'");
  return span.text;
}

Instr make_instr(InstrKind kind, Pos pos) {
  Instr instr;
  instr.kind = kind;
  instr.pos = pos;
  return instr;
}

}  // namespace asm_detail

Thread parse_asm_thread(Arch arch, int thread_id, const std::vector<AsmLine>& lines, Test& test) {
  asm_detail::ThreadBuilder builder(test, thread_id, lines.empty() ? Pos{} : lines.front().pos);
  void (*parse_line)(asm_detail::ThreadBuilder&, const AsmLine&) = nullptr;
  switch (arch) {
    case Arch::X86:
      parse_line = asm_detail::parse_x86_line;
      break;
    case Arch::X86_64:
      parse_line = asm_detail::parse_x86_64_line;
      break;
    case Arch::AArch64:
      parse_line = asm_detail::parse_aarch64_line;
      break;
    case Arch::C:
      builder.fail(lines.empty() ? Pos{} : lines.front().pos, "C threads are not assembly");
  }
  if (parse_line == nullptr) builder.fail(Pos{}, "unknown architecture");
  for (const AsmLine& line : lines) parse_line(builder, line);
  return builder.finish();
}

std::string canonical_register(Arch arch, const std::string& name) {
  switch (arch) {
    case Arch::X86:
      return asm_detail::x86_canonical_register(name);
    case Arch::X86_64:
      return asm_detail::x86_64_canonical_register(name);
    case Arch::AArch64:
      return asm_detail::aarch64_canonical_register(name);
    case Arch::C:
      return "";
  }
  return "";
}

}  // namespace mh::litmus
