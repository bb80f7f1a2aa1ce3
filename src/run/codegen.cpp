#include "run/codegen.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>
#include <set>
#include <stdexcept>

#include "run/codegen_backend.hpp"

namespace mh::run {

using litmus::BinaryOp;
using litmus::Expr;
using litmus::Instr;
using litmus::InstrKind;
using litmus::Test;
using litmus::Thread;
using litmus::UnaryOp;
using litmus::Value;

HostArch host_arch() {
#if defined(__x86_64__)
  return HostArch::X86_64;
#elif defined(__aarch64__)
  return HostArch::AArch64;
#else
  return HostArch::Other;
#endif
}

const char* host_arch_name(HostArch arch) {
  switch (arch) {
    case HostArch::X86_64: return "x86_64";
    case HostArch::AArch64: return "aarch64";
    case HostArch::Other: return "other";
  }
  return "other";
}

std::optional<std::string> unsupported_on(const Test& test, HostArch host) {
  switch (test.arch) {
    case litmus::Arch::C:
      return std::nullopt;
    case litmus::Arch::X86:
    case litmus::Arch::X86_64:
      if (host == HostArch::X86_64) return std::nullopt;
      return fmt::format("an {} test runs only on an x86-64 host (this one is {})", litmus::arch_name(test.arch),
                         host_arch_name(host));
    case litmus::Arch::AArch64:
      if (host == HostArch::AArch64) return std::nullopt;
      return fmt::format("an AArch64 test runs only on an AArch64 host (this one is {})", host_arch_name(host));
  }
  return "unknown architecture";
}

namespace {

// The value of `e` with the registers in `values` (registers absent: 0), as
// the axiomatic engine computes it (unsigned wrap-around, logical shifts).
Value evaluate(const Expr& e, const std::vector<Value>& values) {
  switch (e.kind) {
    case Expr::Kind::Const: return e.constant;
    case Expr::Kind::Reg:
      return e.reg >= 0 && static_cast<std::size_t>(e.reg) < values.size() ? values[e.reg] : 0;
    case Expr::Kind::Unary: {
      const Value a = evaluate(e.args[0], values);
      switch (e.unary) {
        case UnaryOp::Neg: return static_cast<Value>(0 - static_cast<std::uint64_t>(a));
        case UnaryOp::BitNot: return ~a;
        case UnaryOp::LogicalNot: return a == 0;
      }
      return 0;
    }
    case Expr::Kind::Binary: {
      const Value a = evaluate(e.args[0], values);
      const Value b = evaluate(e.args[1], values);
      const auto ua = static_cast<std::uint64_t>(a), ub = static_cast<std::uint64_t>(b);
      switch (e.binary) {
        case BinaryOp::Add: return static_cast<Value>(ua + ub);
        case BinaryOp::Sub: return static_cast<Value>(ua - ub);
        case BinaryOp::Mul: return static_cast<Value>(ua * ub);
        case BinaryOp::And: return a & b;
        case BinaryOp::Or: return a | b;
        case BinaryOp::Xor: return a ^ b;
        case BinaryOp::Shl: return ub < 64 ? static_cast<Value>(ua << ub) : 0;
        case BinaryOp::Shr: return ub < 64 ? static_cast<Value>(ua >> ub) : 0;
        case BinaryOp::Eq: return a == b;
        case BinaryOp::Ne: return a != b;
        case BinaryOp::Lt: return a < b;
        case BinaryOp::Le: return a <= b;
        case BinaryOp::Gt: return a > b;
        case BinaryOp::Ge: return a >= b;
        case BinaryOp::LogicalAnd: return a != 0 && b != 0;
        case BinaryOp::LogicalOr: return a != 0 || b != 0;
      }
      return 0;
    }
  }
  return 0;
}

bool uses_register(const Expr& e, int reg) {
  if (e.kind == Expr::Kind::Reg) return e.reg == reg;
  for (const Expr& arg : e.args)
    if (uses_register(arg, reg)) return true;
  return false;
}

bool is_constant(const Expr& e) {
  if (e.kind == Expr::Kind::Reg) return false;
  for (const Expr& arg : e.args)
    if (!is_constant(arg)) return false;
  return true;
}

// Whether `e`'s value is the same whatever `reg` holds (`x + (r ^ r)`):
// evaluated with a spread of values, the other registers at their initial
// values.
bool independent_of(const Expr& e, int reg, const Thread& thread) {
  std::vector<Value> values(thread.register_init.begin(), thread.register_init.end());
  if (values.size() <= static_cast<std::size_t>(reg)) values.resize(reg + 1, 0);
  std::optional<Value> first;
  for (Value probe : {Value{0}, Value{1}, Value{2}, Value{-1}, Value{0x5555'5555'5555}, litmus::address_of(3)}) {
    values[reg] = probe;
    const Value v = evaluate(e, values);
    if (first && *first != v) return false;
    first = v;
  }
  return true;
}

std::string literal(Value v) {
  if (v == std::numeric_limits<Value>::min()) return "static_cast<word>(0x8000000000000000ULL)";
  return fmt::format("word{{{}}}", v);
}

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

class ThreadWriter {
 public:
  ThreadWriter(const Test& test, const Thread& thread, detail::Backend& backend, bool perpetual)
      : test_(test), thread_(thread), backend_(backend), perpetual_(perpetual) {}

  std::string function(const std::string& name) {
    std::set<int> targets;
    for (const Instr& instr : thread_.code)
      if (instr.kind == InstrKind::BranchIf || instr.kind == InstrKind::Jump)
        targets.insert(std::min(instr.target, static_cast<int>(thread_.code.size())));

    std::string body;
    for (std::size_t i = 0; i < thread_.code.size(); ++i) {
      if (targets.count(static_cast<int>(i)) != 0) body += fmt::format("  L{}:;\n", i);
      std::string statement;
      instruction(thread_.code[i], statement);
      body += "  {\n" + statement + "  }\n";
    }
    if (targets.count(static_cast<int>(thread_.code.size())) != 0) body += "  L_end:;\n";

    std::string registers;
    for (std::size_t r = 0; r < thread_.registers.size(); ++r)
      registers += fmt::format("  word r{} = {};  // {}\n", r, literal(thread_.register_init[r]),
                               thread_.registers[r]);

    std::string out;
    if (!perpetual_) {
      out += fmt::format("void {}(word* const* locations, word* registers) {{\n", name);
      out += registers + body;
      for (std::size_t r = 0; r < thread_.registers.size(); ++r) out += fmt::format("  registers[{}] = r{};\n", r, r);
      if (thread_.registers.empty()) out += "  (void)registers;\n";
      if (test_.locations.empty()) out += "  (void)locations;\n";
      out += "}\n";
    } else {
      out += fmt::format("void {}(word* const* locations, word* reads, word first, word count) {{\n", name);
      out += "  for (word iteration = first; iteration < first + count; ++iteration) {\n";
      out += fmt::format("  word* const iteration_reads = reads + (iteration - first) * {};\n", loads_);
      out += registers + body;
      for (std::size_t r = 0; r < thread_.registers.size(); ++r) out += fmt::format("  (void)r{};\n", r);
      if (loads_ == 0) out += "  (void)iteration_reads;\n";
      out += "  }\n}\n";
    }
    return out;
  }

 private:
  std::string fresh() { return fmt::format("t{}", temporaries_++); }

  std::string expr(const Expr& e, std::string& out) {
    switch (e.kind) {
      case Expr::Kind::Const: return literal(e.constant);
      case Expr::Kind::Reg: return fmt::format("r{}", e.reg);
      case Expr::Kind::Unary: {
        const std::string a = expr(e.args[0], out);
        switch (e.unary) {
          case UnaryOp::Neg: return fmt::format("static_cast<word>(0 - static_cast<std::uint64_t>({}))", a);
          case UnaryOp::BitNot: return fmt::format("(~{})", a);
          case UnaryOp::LogicalNot: return fmt::format("static_cast<word>({} == 0)", a);
        }
        return "0";
      }
      case Expr::Kind::Binary: {
        const std::string a = expr(e.args[0], out);
        const std::string b = expr(e.args[1], out);
        return backend_.binary(e.binary, a, b, out, fresh());
      }
    }
    return "0";
  }

  std::string pointer(const Expr& address, std::string& out) {
    if (is_constant(address)) {
      if (auto location = litmus::location_of(evaluate(address, {}));
          location && *location < static_cast<int>(test_.locations.size()))
        return fmt::format("locations[{}]", *location);
      throw std::invalid_argument(fmt::format("{}:{}:{}: the address is not a location of the test", test_.file,
                                              address_line_, address_col_));
    }
    return fmt::format("mh_pointer(locations, {}, {})", test_.locations.size(), expr(address, out));
  }

  std::string reg(int r) { return fmt::format("r{}", r); }

  void instruction(const Instr& instr, std::string& out) {
    address_line_ = instr.pos.line;
    address_col_ = instr.pos.col;
    switch (instr.kind) {
      case InstrKind::Load: {
        const std::string p = pointer(instr.addr, out);
        const std::string dst = instr.dst >= 0 ? reg(instr.dst) : fresh();
        if (instr.dst < 0) out += fmt::format("    word {} = 0;\n", dst);
        backend_.load(instr, p, dst, out);
        if (perpetual_) out += fmt::format("    iteration_reads[{}] = {};\n", loads_++, dst);
        return;
      }
      case InstrKind::Store: {
        const std::string p = pointer(instr.addr, out);
        const std::string value = perpetual_ ? std::string("(iteration + 1)") : expr(instr.value, out);
        backend_.store(instr, p, value, out);
        return;
      }
      case InstrKind::Rmw: {
        const std::string p = pointer(instr.addr, out);
        const std::string operand = expr(instr.value, out);
        backend_.rmw(instr, p, operand, instr.dst >= 0 ? reg(instr.dst) : "", out);
        return;
      }
      case InstrKind::Cas: {
        const std::string p = pointer(instr.addr, out);
        const std::string desired = expr(instr.value, out);
        backend_.cas(instr, p, reg(instr.expected), desired, instr.dst >= 0 ? reg(instr.dst) : "", out);
        return;
      }
      case InstrKind::StoreExclusive: {
        const std::string p = pointer(instr.addr, out);
        const std::string value = expr(instr.value, out);
        const std::string status = instr.dst >= 0 ? reg(instr.dst) : fresh();
        if (instr.dst < 0) out += fmt::format("    word {} = 0;\n", status);
        backend_.store_exclusive(instr, p, value, status, out);
        return;
      }
      case InstrKind::Fence:
        backend_.fence(instr, out);
        return;
      case InstrKind::Assign: {
        const std::string value = expr(instr.value, out);
        out += fmt::format("    {} = {};\n", reg(instr.dst), value);
        return;
      }
      case InstrKind::BranchIf: {
        const std::string condition = expr(instr.value, out);
        backend_.branch_if(condition, label(instr.target), out);
        return;
      }
      case InstrKind::Jump:
        out += fmt::format("    goto {};\n", label(instr.target));
        return;
    }
  }

  std::string label(int target) const {
    return target >= static_cast<int>(thread_.code.size()) ? "L_end" : fmt::format("L{}", target);
  }

  const Test& test_;
  const Thread& thread_;
  detail::Backend& backend_;
  bool perpetual_;
  int temporaries_ = 0;
  int loads_ = 0;
  int address_line_ = 0, address_col_ = 0;
};

std::unique_ptr<detail::Backend> backend_for(const Test& test) {
  switch (test.arch) {
    case litmus::Arch::C: return detail::make_c_backend();
    case litmus::Arch::X86:
    case litmus::Arch::X86_64: return detail::make_x86_64_backend();
    case litmus::Arch::AArch64: return detail::make_aarch64_backend();
  }
  return detail::make_c_backend();
}

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

namespace {
bool reads_memory(const litmus::Prop& prop) {
  if ((prop.kind == litmus::Prop::Kind::Eq || prop.kind == litmus::Prop::Kind::Ne) &&
      prop.term.kind == litmus::CondTerm::Kind::Memory)
    return true;
  return std::any_of(prop.args.begin(), prop.args.end(), reads_memory);
}
}  // namespace

std::optional<std::string> perpetual_unsupported(const Test& test) {
  const bool lists_memory = std::any_of(test.observed.begin(), test.observed.end(), [](const litmus::CondTerm& term) {
    return term.kind == litmus::CondTerm::Kind::Memory;
  });
  if (lists_memory || reads_memory(test.condition.prop))
    return "its final condition reads memory; in the perpetual mode memory has no final state";
  // The reasons that matter most first: a shape the mode cannot express.
  for (const Thread& thread : test.threads)
    for (const Instr& instr : thread.code) {
      if (instr.kind == InstrKind::BranchIf || instr.kind == InstrKind::Jump) return "it branches";
      if (instr.kind == InstrKind::Rmw || instr.kind == InstrKind::Cas || instr.kind == InstrKind::StoreExclusive)
        return "it has a read-modify-write";
    }
  std::vector<int> stores(test.locations.size(), 0);
  for (const Thread& thread : test.threads) {
    for (const Instr& instr : thread.code) {
      switch (instr.kind) {
        case InstrKind::BranchIf:
        case InstrKind::Jump:
        case InstrKind::Rmw:
        case InstrKind::Cas:
        case InstrKind::StoreExclusive: break;
        case InstrKind::Assign: return "it assigns registers";
        case InstrKind::Store: {
          if (!is_constant(instr.addr) || !is_constant(instr.value))
            return "a store's address or value depends on a register";
          const auto location = litmus::location_of(evaluate(instr.addr, {}));
          if (!location || *location >= static_cast<int>(stores.size())) return "a store's address is not a location";
          if (++stores[*location] > 1)
            return fmt::format("location {} is written more than once", test.locations[*location].name);
          if (evaluate(instr.value, {}) == test.locations[*location].init)
            return fmt::format("a store writes {}'s initial value", test.locations[*location].name);
          break;
        }
        case InstrKind::Load: {
          if (instr.dst < 0) return "a load keeps no register";
          if (is_constant(instr.addr)) {
            const auto location = litmus::location_of(evaluate(instr.addr, {}));
            if (!location || *location >= static_cast<int>(test.locations.size()))
              return "a load's address is not a location";
          } else {
            for (std::size_t r = 0; r < thread.registers.size(); ++r)
              if (uses_register(instr.addr, static_cast<int>(r)) &&
                  !independent_of(instr.addr, static_cast<int>(r), thread))
                return "a load's address depends on a register's value (not only through r ^ r)";
          }
          break;
        }
        case InstrKind::Fence: break;
      }
    }
    // A register that the condition names must be a load's and only one's.
    for (std::size_t r = 0; r < thread.registers.size(); ++r) {
      int loads = 0;
      for (const Instr& instr : thread.code)
        if (instr.kind == InstrKind::Load && instr.dst == static_cast<int>(r)) ++loads;
      if (loads > 1) return fmt::format("register {}:{} is loaded twice", thread.id, thread.registers[r]);
    }
  }
  for (const litmus::CondTerm& term : test.observed) {
    const Thread* thread = nullptr;
    for (const Thread& t : test.threads)
      if (t.id == term.thread) thread = &t;
    if (thread == nullptr) continue;
    const int r = thread->find_register(term.reg);
    bool loaded = false;
    for (const Instr& instr : thread->code)
      if (instr.kind == InstrKind::Load && instr.dst == r) loaded = true;
    if (!loaded) return fmt::format("{}:{} in the condition is not a load's register", term.thread, term.reg);
  }
  return std::nullopt;
}

GeneratedTest generate_test(const Test& test, HostArch host) {
  if (auto reason = unsupported_on(test, host)) throw std::invalid_argument(*reason);
  auto backend = backend_for(test);
  const bool perpetual = !perpetual_unsupported(test).has_value();

  std::string functions;
  for (std::size_t t = 0; t < test.threads.size(); ++t) {
    ThreadWriter writer(test, test.threads[t], *backend, false);
    functions += writer.function(fmt::format("thread_{}", t));
  }
  if (perpetual) {
    for (std::size_t t = 0; t < test.threads.size(); ++t) {
      ThreadWriter writer(test, test.threads[t], *backend, true);
      functions += writer.function(fmt::format("perpetual_{}", t));
    }
  }

  GeneratedTest generated;
  generated.perpetual = perpetual;
  generated.key = fmt::format("{:016x}", fnv1a(test.name + '\n' + litmus::arch_name(test.arch) + '\n' + functions));
  generated.namespace_name = "mh_native_" + generated.key;
  generated.code = fmt::format("// {} ({})\nnamespace {} {{\n{}", test.name, test.file, generated.namespace_name,
                               functions);
  const auto list = [&](const char* prefix) {
    std::string items;
    for (std::size_t t = 0; t < test.threads.size(); ++t) items += fmt::format("{}{}_{}", t == 0 ? "" : ", ", prefix, t);
    return items;
  };
  generated.code += fmt::format("const ThreadBody bodies[] = {{{}}};\n", list("thread"));
  if (perpetual) generated.code += fmt::format("const PerpetualBody perpetual[] = {{{}}};\n", list("perpetual"));
  generated.code += fmt::format("const NativeTest test{{\"{}\", \"{}\", {}, bodies, {}}};\n", generated.key,
                                escape(test.name), test.threads.size(), perpetual ? "perpetual" : "nullptr");
  return generated;
}

namespace {

// What every generated unit starts with: the address translation of
// codegen.hpp and the arithmetic of the axiomatic engine.
constexpr const char* kPrelude = R"(#include <atomic>
#include <cstdint>
namespace {
[[maybe_unused]] std::int64_t mh_scratch[64];
// A computed address: the location it names in this instance, or a scratch
// word when it names none (the axiomatic engine rejects such executions).
[[maybe_unused]] inline std::int64_t* mh_pointer(std::int64_t* const* locations, int count, std::int64_t address) {
  const std::uint64_t offset = static_cast<std::uint64_t>(address) - (std::uint64_t{1} << 40);
  const std::uint64_t index = offset >> 12;
  if ((offset & 4095) != 0 || index >= static_cast<std::uint64_t>(count)) return mh_scratch;
  return locations[index];
}
// A C test's non-atomic access. Under ThreadSanitizer it is a plain access
// (through volatile, so the compiler keeps it where the test put it), for
// TSan judges only plain accesses. Elsewhere it runs as a relaxed atomic: a
// racy plain access is undefined behaviour, and rc11 flags such tests anyway.
#if defined(__SANITIZE_THREAD__)
#define MH_PLAIN_ACCESSES 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MH_PLAIN_ACCESSES 1
#endif
#endif
#ifdef MH_PLAIN_ACCESSES
[[maybe_unused]] inline std::int64_t mh_plain_load(std::int64_t* p) { return *static_cast<volatile std::int64_t*>(p); }
[[maybe_unused]] inline void mh_plain_store(std::int64_t* p, std::int64_t v) { *static_cast<volatile std::int64_t*>(p) = v; }
#else
[[maybe_unused]] inline std::int64_t mh_plain_load(std::int64_t* p) {
  return std::atomic_ref<std::int64_t>(*p).load(std::memory_order_relaxed);
}
[[maybe_unused]] inline void mh_plain_store(std::int64_t* p, std::int64_t v) {
  std::atomic_ref<std::int64_t>(*p).store(v, std::memory_order_relaxed);
}
#endif
[[maybe_unused]] inline std::int64_t mh_arith(int op, std::int64_t a, std::int64_t b) {
  const auto ua = static_cast<std::uint64_t>(a), ub = static_cast<std::uint64_t>(b);
  switch (op) {
    case 0: return static_cast<std::int64_t>(ua + ub);
    case 1: return static_cast<std::int64_t>(ua - ub);
    case 2: return static_cast<std::int64_t>(ua * ub);
    case 3: return ub < 64 ? static_cast<std::int64_t>(ua << ub) : 0;
    default: return ub < 64 ? static_cast<std::int64_t>(ua >> ub) : 0;
  }
}
}  // namespace
)";

// The dlopen side of native_test.hpp's NativeTest (same layout).
constexpr const char* kAbiDeclarations = R"(namespace {
using word = std::int64_t;
using ThreadBody = void (*)(word* const*, word*);
using PerpetualBody = void (*)(word* const*, word*, word, word);
struct NativeTest {
  const char* key;
  const char* name;
  int threads;
  const ThreadBody* bodies;
  const PerpetualBody* perpetual;
};
}  // namespace
)";

}  // namespace

std::string generate_unit(const std::vector<GeneratedTest>& tests, const std::vector<Test>& sources,
                          bool registered) {
  std::string unit = "// Generated by memharness (src/run/codegen.cpp) from:\n";
  for (const Test& test : sources) unit += fmt::format("//   {}\n", test.file);
  unit += "// Do not edit: rebuild instead.\n";
  unit += kPrelude;
  if (registered) {
    unit += "#include \"run/native_test.hpp\"\n";
    unit += "namespace {\nusing mh::run::word;\nusing mh::run::ThreadBody;\nusing mh::run::PerpetualBody;\n"
            "using mh::run::NativeTest;\n}  // namespace\n";
  } else {
    unit += kAbiDeclarations;
  }
  for (const GeneratedTest& test : tests) {
    unit += test.code;
    if (registered) unit += "const mh::run::NativeRegistration registration{&test};\n";
    unit += fmt::format("}}  // namespace {}\n", test.namespace_name);
  }
  if (!registered) {
    unit += fmt::format("extern \"C\" {{\nextern const int mh_native_abi_version;\nconst int mh_native_abi_version = {};\n",
                        1);
    unit += "extern const NativeTest* const mh_native_tests[];\nconst NativeTest* const mh_native_tests[] = {";
    for (const GeneratedTest& test : tests) unit += fmt::format("&{}::test, ", test.namespace_name);
    unit += "nullptr};\n}\n";
  }
  return unit;
}

}  // namespace mh::run
