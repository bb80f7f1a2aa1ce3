// Machinery shared by the assembly dialects (private to src/litmus/asm_*.cpp):
// lexing one cell, labels and their fix-ups, operands, and the x86 semantics
// that the Intel (X86) and AT&T (X86_64) spellings share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "litmus/asm_dialect.hpp"
#include "litmus/ast.hpp"

namespace mh::litmus::asm_detail {

// Bounds that keep a hostile column cheap (a whole file is at most 1 MiB anyway).
inline constexpr std::size_t kMaxLineLength = 4096;
inline constexpr std::size_t kMaxInstructions = 4096;

// Hidden registers that model condition flags; no dialect can name them.
inline constexpr const char* kX86ZeroFlag = "ZF";
inline constexpr const char* kArmEqualFlag = "EQ";

struct Token {
  enum class Kind : std::uint8_t { Word, Number, Punct };
  Kind kind = Kind::Word;
  std::string text;
  std::size_t offset = 0;  // in the cell's text
  Pos pos;
  bool is(char c) const { return kind == Kind::Punct && text.size() == 1 && text[0] == c; }
};

// The tokens of one comma-separated operand, not yet interpreted.
struct OperandSpan {
  std::vector<Token> tokens;  // never empty
  Pos pos;
  std::string text;
};

// One instruction of a column, split into mnemonic and operands.
struct Instruction {
  std::string mnemonic;  // upper-cased
  Pos mnemonic_pos;
  bool locked = false;  // x86 LOCK prefix
  Pos lock_pos;
  std::vector<OperandSpan> operands;
  std::string text;  // as written (prefix included), for messages
  Pos pos;           // where the instruction starts
};

struct Operand {
  enum class Kind : std::uint8_t { Register, ZeroRegister, Immediate, Memory };
  Kind kind = Kind::Immediate;
  int reg = -1;         // Register
  Value immediate = 0;  // Immediate
  Expr address;         // Memory
  Pos pos;
  std::string text;
};

// Which instruction last set the condition flags, in program text order.
// Only comparisons are modelled (as a hidden register); a conditional branch
// after any other flag-setting instruction is rejected rather than guessed.
enum class FlagsSource : std::uint8_t { None, Compare, Unmodelled };

class ThreadBuilder {
 public:
  ThreadBuilder(Test& test, int thread_id, Pos pos);

  [[noreturn]] void fail(Pos pos, const std::string& message) const;

  int register_index(const std::string& canonical) { return thread_.intern_register(canonical); }
  Expr location_address(const std::string& name, Pos pos);
  void define_label(const std::string& name, Pos pos);
  void emit(Instr instr);
  void emit_branch(Instr instr, const std::string& label, Pos label_pos);
  // Resolves the branches' labels; the builder is spent afterwards.
  Thread finish();

  FlagsSource flags = FlagsSource::None;
  std::string flags_setter;  // text of the instruction that set them

 private:
  struct Label {
    std::string name;
    int index = 0;
  };
  struct Fixup {
    std::size_t instr = 0;
    std::string label;
    Pos pos;
  };
  Test& test_;
  Thread thread_;
  std::vector<Label> labels_;
  std::vector<Fixup> fixups_;
};

std::string to_upper(std::string_view text);
std::string to_lower(std::string_view text);
// [A-Za-z_][A-Za-z0-9_]*: a shared location's name.
bool is_identifier(std::string_view text);

// Lexes the cell, defines its labels, and returns its instruction, if any.
std::optional<Instruction> split_instruction(ThreadBuilder& builder, const AsmLine& line, bool lock_prefix);

// Matches tokens[begin, end) against `[marker] [-|+] number`; the marker is
// '$' or '#'. Throws for a malformed or out-of-range number.
bool match_immediate(const ThreadBuilder& builder, const std::vector<Token>& tokens, std::size_t begin,
                     std::size_t end, char marker, bool marker_required, Value& value);

[[noreturn]] void fail_operand(const ThreadBuilder& builder, const Operand& operand,
                               const std::string& expected);
void expect_operand_count(const ThreadBuilder& builder, const Instruction& instruction, std::size_t count);
[[noreturn]] void fail_unsupported(const ThreadBuilder& builder, const Instruction& instruction);
[[noreturn]] void fail_non_atomic_rmw(const ThreadBuilder& builder, const Instruction& instruction);

// Operand accessors: each fails at the operand, saying what was expected.
int destination_register(const ThreadBuilder& builder, const Operand& operand);  // -1: zero register
Expr register_value(const ThreadBuilder& builder, const Operand& operand);
Expr register_or_immediate(const ThreadBuilder& builder, const Operand& operand);
Expr memory_address(const ThreadBuilder& builder, const Operand& operand);
std::string label_operand(const ThreadBuilder& builder, const OperandSpan& span);

Instr make_instr(InstrKind kind, Pos pos);

// x86: one semantics, two spellings.
struct X86Syntax {
  const char* accumulator;  // canonical name of the register CMPXCHG compares with
  bool source_first;        // AT&T operand order
  bool size_suffixes;       // AT&T `movl`, `addq`, ...
  Operand (*parse_operand)(ThreadBuilder& builder, const OperandSpan& span);
};
void parse_x86_family_instruction(ThreadBuilder& builder, const Instruction& instruction,
                                  const X86Syntax& syntax);

void parse_x86_line(ThreadBuilder& builder, const AsmLine& line);
void parse_x86_64_line(ThreadBuilder& builder, const AsmLine& line);
void parse_aarch64_line(ThreadBuilder& builder, const AsmLine& line);

std::string x86_canonical_register(const std::string& name);
std::string x86_64_canonical_register(const std::string& name);
std::string aarch64_canonical_register(const std::string& name);

}  // namespace mh::litmus::asm_detail
