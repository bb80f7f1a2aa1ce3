// The litmus test as every dialect parses it: one small register-machine IR
// shared by C, X86, X86_64 and AArch64, so the axiomatic engine never needs
// to know which dialect a test was written in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mh::litmus {

enum class Arch { C, X86, X86_64, AArch64 };

// 1-based line and column in the litmus file.
struct Pos {
  int line = 0;
  int col = 0;
};

// Values are 64-bit integers. A shared location's address is an integer too,
// far above any value a litmus test writes, so AArch64 registers that hold
// `x` (from `0:X1=x;`) and pointer-valued stores work with plain arithmetic.
using Value = std::int64_t;
inline constexpr Value kAddressBase = Value{1} << 40;
inline constexpr Value kAddressStride = Value{1} << 12;
inline constexpr Value address_of(int location) { return kAddressBase + location * kAddressStride; }
// The location whose address is `value`, if it is one.
std::optional<int> location_of(Value value);

// C memory orders. consume is parsed as acquire (what compilers do).
enum class MemOrder : std::uint8_t { NonAtomic, Relaxed, Acquire, Release, AcqRel, SeqCst };

// Architecture-level access annotations, a bitmask.
enum AccessFlag : std::uint8_t {
  kLocked = 1,      // x86 LOCK-prefixed or implicitly locked (XCHG) access
  kAcquire = 2,     // AArch64 A: LDAR, LDAXR, the A forms of SWP/LDADD/CAS
  kAcquirePC = 4,   // AArch64 Q: LDAPR
  kRelease = 8,     // AArch64 L: STLR, STLXR, the L forms of SWP/LDADD/CAS
  kExclusive = 16,  // AArch64 LDXR/STXR family
};

enum class FenceKind : std::uint8_t {
  C,       // atomic_thread_fence(mo)
  MFence,  // x86
  LFence,
  SFence,
  DmbFull,  // DMB ISH / SY (and the other full-barrier domains)
  DmbLd,    // DMB ISHLD / LD
  DmbSt,    // DMB ISHST / ST
  Isb,
};

enum class UnaryOp : std::uint8_t { Neg, BitNot, LogicalNot };
enum class BinaryOp : std::uint8_t {
  Add, Sub, Mul, And, Or, Xor, Shl, Shr,
  Eq, Ne, Lt, Le, Gt, Ge, LogicalAnd, LogicalOr,
};

// A side-effect-free expression over constants and the thread's registers.
struct Expr {
  enum class Kind : std::uint8_t { Const, Reg, Unary, Binary };
  Kind kind = Kind::Const;
  Value constant = 0;  // Const
  int reg = -1;        // Reg: index into Thread::registers
  UnaryOp unary = UnaryOp::Neg;
  BinaryOp binary = BinaryOp::Add;
  std::vector<Expr> args;  // one for Unary, two for Binary

  static Expr make_const(Value v) { Expr e; e.kind = Kind::Const; e.constant = v; return e; }
  static Expr make_reg(int r) { Expr e; e.kind = Kind::Reg; e.reg = r; return e; }
  static Expr make_unary(UnaryOp op, Expr a) {
    Expr e; e.kind = Kind::Unary; e.unary = op; e.args.push_back(std::move(a)); return e;
  }
  static Expr make_binary(BinaryOp op, Expr a, Expr b) {
    Expr e; e.kind = Kind::Binary; e.binary = op;
    e.args.push_back(std::move(a)); e.args.push_back(std::move(b)); return e;
  }
};

enum class RmwOp : std::uint8_t { Exchange, Add, Sub, And, Or, Xor };

enum class InstrKind : std::uint8_t {
  Load,            // dst = *addr
  Store,           // *addr = value
  Rmw,             // dst = *addr; *addr = rmw_op(old, value)   (dst may be -1)
  Cas,             // old = *addr; if old == reg[expected]: *addr = value, dst = 1
                   //                 else dst = 0;  reg[expected] = old
  StoreExclusive,  // AArch64 STXR: succeeds (dst = 0, writes) or fails (dst = 1, no write);
                   // a success is paired with the thread's latest exclusive load
  Fence,
  Assign,          // dst = value
  BranchIf,        // if value != 0 goto target
  Jump,            // goto target
};

struct Instr {
  InstrKind kind = InstrKind::Assign;
  Pos pos;
  int dst = -1;          // destination register (Load, Rmw, Cas result, StoreExclusive status, Assign)
  int expected = -1;     // Cas: register holding the expected value, receives the old value
  Expr addr;             // memory accesses: evaluates to address_of(location)
  Expr value;            // store value, rmw operand, cas desired value, assigned value, branch condition
  RmwOp rmw_op = RmwOp::Exchange;
  MemOrder order = MemOrder::NonAtomic;       // C: order of the access, or of a successful CAS
  MemOrder fail_order = MemOrder::NonAtomic;  // C: order of a failed CAS's read
  std::uint8_t flags = 0;                     // AccessFlag bits (asm dialects)
  FenceKind fence = FenceKind::C;
  int target = -1;       // BranchIf / Jump: index into Thread::code (== code.size() jumps to the end)
  bool weak = false;     // Cas: may fail spuriously even when the values are equal (C's _weak)
};

struct Thread {
  int id = 0;
  Pos pos;
  std::vector<std::string> registers;  // canonical names, index = register id
  std::vector<Value> register_init;    // same size as registers
  std::vector<Instr> code;

  // The register's index, created (initialised to 0) when absent.
  int intern_register(const std::string& name) {
    for (std::size_t i = 0; i < registers.size(); ++i)
      if (registers[i] == name) return static_cast<int>(i);
    registers.push_back(name);
    register_init.push_back(0);
    return static_cast<int>(registers.size()) - 1;
  }
  int find_register(const std::string& name) const {
    for (std::size_t i = 0; i < registers.size(); ++i)
      if (registers[i] == name) return static_cast<int>(i);
    return -1;
  }
};

struct Location {
  std::string name;
  Value init = 0;
  std::string type;  // as written in the init block or the C parameter list ("" if none)
  Pos pos;
};

// One side of an equation in a condition: `T:reg` or a shared location.
struct CondTerm {
  enum class Kind : std::uint8_t { Register, Memory };
  Kind kind = Kind::Register;
  int thread = 0;
  std::string reg;   // canonical register name (Register)
  int location = -1; // Memory
  Pos pos;
};

struct Prop {
  enum class Kind : std::uint8_t { True, False, Eq, Ne, Not, And, Or, Implies };
  Kind kind = Kind::True;
  CondTerm term;          // Eq / Ne: term (=|!=) value
  Value value = 0;
  std::vector<Prop> args; // Not: 1, And / Or / Implies: 2
  Pos pos;
};

enum class Quantifier : std::uint8_t { Exists, NotExists, Forall };

struct Condition {
  Quantifier quantifier = Quantifier::Exists;
  Prop prop;
  Pos pos;
};

struct Test {
  Arch arch = Arch::C;
  std::string name;
  std::string file;
  std::vector<Location> locations;
  std::vector<Thread> threads;
  std::vector<CondTerm> observed;  // `locations [...]`
  std::optional<Prop> filter;
  Condition condition;

  int find_location(const std::string& name) const {
    for (std::size_t i = 0; i < locations.size(); ++i)
      if (locations[i].name == name) return static_cast<int>(i);
    return -1;
  }
  int intern_location(const std::string& name, Pos pos) {
    int found = find_location(name);
    if (found >= 0) return found;
    locations.push_back(Location{name, 0, "", pos});
    return static_cast<int>(locations.size()) - 1;
  }
};

const char* arch_name(Arch arch);  // "C", "X86", "X86_64", "AArch64"

}  // namespace mh::litmus
