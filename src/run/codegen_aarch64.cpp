// AArch64 litmus tests as AArch64 inline assembly. The point of running a
// test on hardware is to see what the instructions it names do, so each IR
// instruction becomes that instruction (LDR / LDAR / LDAPR / LDXR / LDAXR,
// STR / STLR, STXR / STLXR, SWP / LD<op> / CAS with their A and L forms,
// DMB / ISB), each in its own `asm volatile` with a "memory" clobber so that
// the compiler keeps program order and merges nothing.
//
// Arm orders a load before a later access that depends on it (address, data
// or control dependency), but only if the dependency reaches the hardware: a
// compiler folds `r ^ r` to 0 and turns a branch to the next instruction into
// nothing. So every computation on a register is done in assembly, where the
// compiler cannot see through it, and a conditional branch is a real CBNZ
// (`asm goto`).
//
// Every location is a 64-bit word, so the X-register forms are used whatever
// the test wrote (W or X): the width does not change which orders Arm allows.
// The LSE atomics (v8.1) and LDAPR (v8.3) are enabled inside their asm
// strings, so the generated code assembles with the toolchain's default
// -march; the CPU that runs it must have them, as the test says it does.
#include <fmt/format.h>

#include <stdexcept>
#include <string_view>

#include "run/codegen_backend.hpp"

namespace mh::run::detail {
namespace {

using litmus::BinaryOp;
using litmus::FenceKind;
using litmus::Instr;
using litmus::RmwOp;

constexpr std::string_view kEnableLse = ".arch_extension lse\\n\\t";
constexpr std::string_view kEnableRcpc = ".arch_extension rcpc\\n\\t";

// Whether `operand` is a literal as codegen.cpp's walker writes one: two
// literals are folded in C++ (no dependency to keep).
bool is_literal(std::string_view operand) {
  return (operand.starts_with("word{") && operand.ends_with("}")) ||
         operand == "static_cast<word>(0x8000000000000000ULL)";
}

bool has(const Instr& instr, litmus::AccessFlag flag) { return (instr.flags & flag) != 0; }

// The ordering suffix of an LSE atomic: "", "a", "l" or "al".
std::string ordering_suffix(const Instr& instr) {
  std::string suffix;
  if (has(instr, litmus::kAcquire)) suffix += 'a';
  if (has(instr, litmus::kRelease)) suffix += 'l';
  return suffix;
}

// The condition that CSET tests after `cmp a, b` (signed, as the axiomatic
// engine compares values), or nullptr when `op` is no comparison.
const char* comparison_condition(BinaryOp op) {
  switch (op) {
    case BinaryOp::Eq: return "eq";
    case BinaryOp::Ne: return "ne";
    case BinaryOp::Lt: return "lt";
    case BinaryOp::Le: return "le";
    case BinaryOp::Gt: return "gt";
    case BinaryOp::Ge: return "ge";
    default: return nullptr;
  }
}

// The asm template that computes %0 from %1 and %2 for an arithmetic or
// logical operation (a comparison is comparison_condition's).
std::string arithmetic_template(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "add %0, %1, %2";
    case BinaryOp::Sub: return "sub %0, %1, %2";
    case BinaryOp::Mul: return "mul %0, %1, %2";
    case BinaryOp::And: return "and %0, %1, %2";
    case BinaryOp::Or: return "orr %0, %1, %2";
    case BinaryOp::Xor: return "eor %0, %1, %2";
    // LSLV / LSRV shift by the amount modulo 64; the axiomatic engine gives 0
    // from 64 on, so an amount of 64 or more selects XZR instead.
    case BinaryOp::Shl: return "cmp %2, #64\\n\\tlslv %0, %1, %2\\n\\tcsel %0, %0, xzr, lo";
    case BinaryOp::Shr: return "cmp %2, #64\\n\\tlsrv %0, %1, %2\\n\\tcsel %0, %0, xzr, lo";
    case BinaryOp::LogicalAnd: return "cmp %1, #0\\n\\tccmp %2, #0, #4, ne\\n\\tcset %0, ne";
    case BinaryOp::LogicalOr: return "orr %0, %1, %2\\n\\tcmp %0, #0\\n\\tcset %0, ne";
    default: return fmt::format("cmp %1, %2\\n\\tcset %0, {}", comparison_condition(op));
  }
}

bool sets_flags(BinaryOp op) {
  return comparison_condition(op) != nullptr || op == BinaryOp::Shl || op == BinaryOp::Shr ||
         op == BinaryOp::LogicalAnd || op == BinaryOp::LogicalOr;
}

// The LSE instruction for an IR read-modify-write, and the operand it takes
// in place of the IR's: LDADD has no subtracting form and LDCLR clears the
// bits its operand sets.
struct LseForm {
  const char* mnemonic;
  const char* operand_format;  // {} is the IR operand
};

LseForm lse_form(RmwOp op) {
  switch (op) {
    case RmwOp::Exchange: return {"swp", "{}"};
    case RmwOp::Add: return {"ldadd", "{}"};
    case RmwOp::Sub: return {"ldadd", "static_cast<word>(0 - static_cast<std::uint64_t>({}))"};
    case RmwOp::And: return {"ldclr", "(~{})"};
    case RmwOp::Or: return {"ldset", "{}"};
    case RmwOp::Xor: return {"ldeor", "{}"};
  }
  return {"swp", "{}"};
}

class AArch64Backend final : public Backend {
 public:
  std::string binary(BinaryOp op, const std::string& a, const std::string& b, std::string& out,
                     const std::string& fresh) override {
    if (is_literal(a) && is_literal(b)) return Backend::binary(op, a, b, out, fresh);
    out += fmt::format("    word {};\n", fresh);
    out += fmt::format("    asm volatile(\"{}\" : \"=r\"({}) : \"r\"({}), \"r\"({}){});\n",
                       arithmetic_template(op), fresh, a, b, sets_flags(op) ? " : \"cc\"" : "");
    return fresh;
  }

  void load(const Instr& instr, const std::string& pointer, const std::string& dst,
            std::string& out) override {
    std::string instruction;
    if (has(instr, litmus::kExclusive))
      instruction = has(instr, litmus::kAcquire) ? "ldaxr" : "ldxr";
    else if (has(instr, litmus::kAcquire))
      instruction = "ldar";
    else if (has(instr, litmus::kAcquirePC))
      instruction = std::string(kEnableRcpc) + "ldapr";
    else
      instruction = "ldr";
    out += fmt::format("    asm volatile(\"{} %0, [%1]\" : \"=r\"({}) : \"r\"({}) : \"memory\");\n",
                       instruction, dst, pointer);
  }

  void store(const Instr& instr, const std::string& pointer, const std::string& value,
             std::string& out) override {
    out += fmt::format("    asm volatile(\"{} %1, [%0]\" : : \"r\"({}), \"r\"({}) : \"memory\");\n",
                       has(instr, litmus::kRelease) ? "stlr" : "str", pointer, value);
  }

  // The status register of STXR must differ from the value and address
  // registers (else the result is CONSTRAINED UNPREDICTABLE): early clobber.
  void store_exclusive(const Instr& instr, const std::string& pointer, const std::string& value,
                       const std::string& status, std::string& out) override {
    out += fmt::format(
        "    asm volatile(\"{} %w0, %2, [%1]\" : \"=&r\"({}) : \"r\"({}), \"r\"({}) : \"memory\");\n",
        has(instr, litmus::kRelease) ? "stlxr" : "stxr", status, pointer, value);
  }

  // Without a destination the old value goes to XZR, as in the test (STADD is
  // LDADD to XZR): such an atomic's read is not a read for DMB LD, and an
  // LD<op>A to XZR does not acquire, so a scratch register would run a
  // stronger instruction than the one the test names.
  void rmw(const Instr& instr, const std::string& pointer, const std::string& operand, const std::string& dst,
           std::string& out) override {
    const LseForm form = lse_form(instr.rmw_op);
    const std::string source = fmt::format(fmt::runtime(form.operand_format), operand);
    const std::string mnemonic = form.mnemonic + ordering_suffix(instr);
    if (dst.empty()) {
      out += fmt::format("    asm volatile(\"{}{} %0, xzr, [%1]\" : : \"r\"({}), \"r\"({}) : \"memory\");\n",
                         kEnableLse, mnemonic, source, pointer);
      return;
    }
    out += fmt::format(
        "    asm volatile(\"{}{} %1, %0, [%2]\" : \"=r\"({}) : \"r\"({}), \"r\"({}) : \"memory\");\n",
        kEnableLse, mnemonic, dst, source, pointer);
  }

  // CAS leaves the old value in the compare register, whether or not it
  // wrote: it wrote exactly when the old value is the one expected.
  void cas(const Instr& instr, const std::string& pointer, const std::string& expected,
           const std::string& desired, const std::string& succeeded, std::string& out) override {
    if (!succeeded.empty()) out += fmt::format("    const word expected_before = {};\n", expected);
    out += fmt::format(
        "    asm volatile(\"{}cas{} %0, %2, [%1]\" : \"+r\"({}) : \"r\"({}), \"r\"({}) : \"memory\");\n",
        kEnableLse, ordering_suffix(instr), expected, pointer, desired);
    if (!succeeded.empty())
      out += fmt::format("    {} = static_cast<word>({} == expected_before);\n", succeeded, expected);
  }

  // SY, OSH and NSH parse as DmbFull and DSB as DMB (asm_aarch64.cpp): all
  // threads share one inner-shareable domain, where ISH orders as SY does.
  void fence(const Instr& instr, std::string& out) override {
    const char* barrier = nullptr;
    switch (instr.fence) {
      case FenceKind::DmbFull: barrier = "dmb ish"; break;
      case FenceKind::DmbLd: barrier = "dmb ishld"; break;
      case FenceKind::DmbSt: barrier = "dmb ishst"; break;
      case FenceKind::Isb: barrier = "isb"; break;
      default:
        throw std::invalid_argument(
            fmt::format("line {}: an AArch64 test has a fence that is not DMB or ISB", instr.pos.line));
    }
    out += fmt::format("    asm volatile(\"{}\" : : : \"memory\");\n", barrier);
  }

  void branch_if(const std::string& condition, const std::string& label, std::string& out) override {
    out += fmt::format("    asm goto(\"cbnz %0, %l[{}]\" : : \"r\"({}) : \"memory\" : {});\n", label,
                       condition, label);
  }
};

}  // namespace

std::unique_ptr<Backend> make_aarch64_backend() { return std::make_unique<AArch64Backend>(); }

}  // namespace mh::run::detail
