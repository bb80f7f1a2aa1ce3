// X86 and X86_64 litmus tests as x86-64 inline assembly: the instructions the
// test names (MOV, XCHG, LOCK XADD / ADD / ..., LOCK CMPXCHG, MFENCE, LFENCE,
// SFENCE), each in its own `asm volatile` with a "memory" clobber so that the
// compiler keeps them in program order. Accesses are 64-bit: the width does
// not change what TSO allows, and every location is a 64-bit word.
#include <fmt/format.h>

#include "run/codegen_backend.hpp"

namespace mh::run::detail {
namespace {

using litmus::Instr;
using litmus::RmwOp;

class X86Backend final : public Backend {
 public:
  void load(const Instr&, const std::string& pointer, const std::string& dst, std::string& out) override {
    out += fmt::format("    asm volatile(\"movq (%1), %0\" : \"=r\"({}) : \"r\"({}) : \"memory\");\n", dst, pointer);
  }
  void store(const Instr&, const std::string& pointer, const std::string& value, std::string& out) override {
    out += fmt::format("    asm volatile(\"movq %1, (%0)\" : : \"r\"({}), \"r\"({}) : \"memory\");\n", pointer,
                       value);
  }
  void rmw(const Instr& instr, const std::string& pointer, const std::string& operand, const std::string& dst,
           std::string& out) override {
    switch (instr.rmw_op) {
      case RmwOp::Exchange:
        out += fmt::format("    word v = {};\n", operand);
        out += fmt::format("    asm volatile(\"xchgq %0, (%1)\" : \"+r\"(v) : \"r\"({}) : \"memory\");\n", pointer);
        break;
      case RmwOp::Add:
      case RmwOp::Sub:
        out += instr.rmw_op == RmwOp::Add ? fmt::format("    word v = {};\n", operand)
                                          : fmt::format("    word v = static_cast<word>(0 - static_cast<std::uint64_t>({}));\n", operand);
        out += fmt::format("    asm volatile(\"lock xaddq %0, (%1)\" : \"+r\"(v) : \"r\"({}) : \"memory\");\n",
                           pointer);
        break;
      case RmwOp::And:
      case RmwOp::Or:
      case RmwOp::Xor: {
        const char* mnemonic = instr.rmw_op == RmwOp::And ? "andq" : instr.rmw_op == RmwOp::Or ? "orq" : "xorq";
        if (dst.empty()) {
          out += fmt::format("    asm volatile(\"lock {} %1, (%0)\" : : \"r\"({}), \"r\"({}) : \"memory\");\n",
                             mnemonic, pointer, operand);
          return;
        }
        // x86 has no fetch-and-AND: the old value needs a LOCK CMPXCHG loop,
        // itself one locked read-modify-write when it succeeds.
        const char* op = instr.rmw_op == RmwOp::And ? "&" : instr.rmw_op == RmwOp::Or ? "|" : "^";
        out += fmt::format("    word v;\n    asm volatile(\"movq (%1), %0\" : \"=r\"(v) : \"r\"({}) : \"memory\");\n",
                           pointer);
        out += fmt::format(
            "    for (bool done = false; !done;) {{\n      word next = v {} ({});\n"
            "      asm volatile(\"lock cmpxchgq %3, (%2)\" : \"+a\"(v), \"=@ccz\"(done) : \"r\"({}), \"r\"(next) : "
            "\"memory\");\n    }}\n",
            op, operand, pointer);
        break;
      }
    }
    if (!dst.empty()) out += fmt::format("    {} = v;\n", dst);
  }
  void cas(const Instr&, const std::string& pointer, const std::string& expected, const std::string& desired,
           const std::string& succeeded, std::string& out) override {
    out += "    bool ok;\n";
    out += fmt::format(
        "    asm volatile(\"lock cmpxchgq %3, (%2)\" : \"+a\"({}), \"=@ccz\"(ok) : \"r\"({}), \"r\"({}) : "
        "\"memory\");\n",
        expected, pointer, desired);
    out += succeeded.empty() ? "    (void)ok;\n" : fmt::format("    {} = static_cast<word>(ok);\n", succeeded);
  }
  void fence(const Instr& instr, std::string& out) override {
    switch (instr.fence) {
      case litmus::FenceKind::LFence: out += "    asm volatile(\"lfence\" : : : \"memory\");\n"; return;
      case litmus::FenceKind::SFence: out += "    asm volatile(\"sfence\" : : : \"memory\");\n"; return;
      default: out += "    asm volatile(\"mfence\" : : : \"memory\");\n"; return;
    }
  }
};

}  // namespace

std::unique_ptr<Backend> make_x86_64_backend() { return std::make_unique<X86Backend>(); }

}  // namespace mh::run::detail
