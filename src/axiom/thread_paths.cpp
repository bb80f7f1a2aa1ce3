#include "axiom/thread_paths.hpp"

#include <optional>

namespace mh::axiom {

using litmus::BinaryOp;
using litmus::Expr;
using litmus::Instr;
using litmus::InstrKind;
using litmus::Value;

namespace {

struct Tainted {
  Value value = 0;
  LocalEvents deps = 0;
};

// Arithmetic wraps (unsigned) so that no litmus value is undefined behaviour.
Value wrap(std::uint64_t v) { return static_cast<Value>(v); }

Value apply_binary(BinaryOp op, Value a, Value b) {
  const auto ua = static_cast<std::uint64_t>(a), ub = static_cast<std::uint64_t>(b);
  switch (op) {
    case BinaryOp::Add: return wrap(ua + ub);
    case BinaryOp::Sub: return wrap(ua - ub);
    case BinaryOp::Mul: return wrap(ua * ub);
    case BinaryOp::And: return a & b;
    case BinaryOp::Or: return a | b;
    case BinaryOp::Xor: return a ^ b;
    case BinaryOp::Shl: return (ub < 64) ? wrap(ua << ub) : 0;
    case BinaryOp::Shr: return (ub < 64) ? wrap(ua >> ub) : 0;
    case BinaryOp::Eq: return a == b;
    case BinaryOp::Ne: return a != b;
    case BinaryOp::Lt: return a < b;
    case BinaryOp::Le: return a <= b;
    case BinaryOp::Gt: return a > b;
    case BinaryOp::Ge: return a >= b;
    case BinaryOp::LogicalAnd: return (a != 0) && (b != 0);
    case BinaryOp::LogicalOr: return (a != 0) || (b != 0);
  }
  return 0;
}

Value apply_rmw(litmus::RmwOp op, Value old, Value operand) {
  switch (op) {
    case litmus::RmwOp::Exchange: return operand;
    case litmus::RmwOp::Add: return apply_binary(BinaryOp::Add, old, operand);
    case litmus::RmwOp::Sub: return apply_binary(BinaryOp::Sub, old, operand);
    case litmus::RmwOp::And: return old & operand;
    case litmus::RmwOp::Or: return old | operand;
    case litmus::RmwOp::Xor: return old ^ operand;
  }
  return operand;
}

struct PathState {
  std::size_t pc = 0;
  int steps = 0;
  std::vector<Value> registers;
  std::vector<LocalEvents> register_deps;
  LocalEvents ctrl_deps = 0;
  std::vector<int> backward_jumps;  // per instruction
  int exclusive_read = -1;          // local index of the latest exclusive load
  ThreadPath path;
};

class PathExplorer {
 public:
  PathExplorer(const litmus::Test& test, const litmus::Thread& thread, const ValueDomains& domains,
               const PathLimits& limits, std::vector<ThreadPath>& paths)
      : test_(test), thread_(thread), domains_(domains), limits_(limits), paths_(paths) {}

  PathStatus run() {
    PathState start;
    start.registers = thread_.register_init;
    start.register_deps.assign(thread_.registers.size(), 0);
    start.backward_jumps.assign(thread_.code.size(), 0);
    explore(std::move(start));
    return too_large_ ? PathStatus::TooLarge : PathStatus::Ok;
  }

 private:
  Tainted eval(const Expr& e, const PathState& s) const {
    switch (e.kind) {
      case Expr::Kind::Const: return {e.constant, 0};
      case Expr::Kind::Reg:
        if (e.reg < 0 || static_cast<std::size_t>(e.reg) >= s.registers.size()) return {0, 0};
        return {s.registers[e.reg], s.register_deps[e.reg]};
      case Expr::Kind::Unary: {
        if (e.args.empty()) return {0, 0};
        Tainted a = eval(e.args[0], s);
        switch (e.unary) {
          case litmus::UnaryOp::Neg: return {wrap(0 - static_cast<std::uint64_t>(a.value)), a.deps};
          case litmus::UnaryOp::BitNot: return {~a.value, a.deps};
          case litmus::UnaryOp::LogicalNot: return {a.value == 0, a.deps};
        }
        return a;
      }
      case Expr::Kind::Binary: {
        if (e.args.size() < 2) return {0, 0};
        Tainted a = eval(e.args[0], s), b = eval(e.args[1], s);
        return {apply_binary(e.binary, a.value, b.value), a.deps | b.deps};
      }
    }
    return {0, 0};
  }

  void set_register(PathState& s, int reg, Value value, LocalEvents deps) const {
    if (reg < 0 || static_cast<std::size_t>(reg) >= s.registers.size()) return;
    s.registers[reg] = value;
    s.register_deps[reg] = deps;
  }

  // The location an address expression denotes, if it denotes one.
  std::optional<int> location(const Tainted& address) const {
    auto loc = litmus::location_of(address.value);
    if (!loc || *loc >= static_cast<int>(test_.locations.size())) return std::nullopt;
    return loc;
  }

  int add_event(PathState& s, const Instr& instr, Event::Kind kind, int loc, Value value,
                LocalEvents addr_deps, LocalEvents data_deps) {
    PathEvent pe;
    pe.event.kind = kind;
    pe.event.thread = thread_.id;
    pe.event.location = loc;
    pe.event.value = value;
    pe.event.order = instr.order;
    pe.event.flags = instr.flags;
    pe.event.fence = instr.fence;
    pe.event.pos = instr.pos;
    pe.addr_deps = addr_deps;
    pe.data_deps = data_deps;
    pe.ctrl_deps = s.ctrl_deps;
    s.path.events.push_back(pe);
    return static_cast<int>(s.path.events.size()) - 1;
  }

  bool over_limits(const PathState& s) {
    if (paths_.size() >= limits_.max_paths || s.steps > limits_.max_steps ||
        static_cast<int>(s.path.events.size()) > limits_.max_events) {
      too_large_ = true;
      return true;
    }
    // The clock is read every 256 steps: cheap, and a step is short.
    if ((++steps_since_clock_ & 0xff) == 0 && std::chrono::steady_clock::now() > limits_.deadline) {
      too_large_ = true;
      return true;
    }
    return false;
  }

  // Runs `s` to the end of the thread, forking at every read (one branch per
  // value of the domain) and every store-exclusive (success or failure).
  void explore(PathState s) {
    const auto& code = thread_.code;
    while (s.pc < code.size()) {
      if (too_large_ || over_limits(s)) return;
      const Instr& instr = code[s.pc];
      ++s.steps;
      switch (instr.kind) {
        case InstrKind::Assign: {
          Tainted v = eval(instr.value, s);
          set_register(s, instr.dst, v.value, v.deps);
          ++s.pc;
          break;
        }
        case InstrKind::Jump:
        case InstrKind::BranchIf: {
          bool taken = true;
          if (instr.kind == InstrKind::BranchIf) {
            Tainted c = eval(instr.value, s);
            s.ctrl_deps |= c.deps;
            taken = c.value != 0;
          }
          if (!taken) {
            ++s.pc;
            break;
          }
          if (instr.target < 0 || static_cast<std::size_t>(instr.target) > code.size()) return;
          if (static_cast<std::size_t>(instr.target) <= s.pc) {
            // herd unrolls loops a bounded number of times and drops longer paths.
            if (++s.backward_jumps[s.pc] > limits_.unroll) return;
          }
          s.pc = static_cast<std::size_t>(instr.target);
          break;
        }
        case InstrKind::Fence:
          add_event(s, instr, Event::Kind::Fence, -1, 0, 0, 0);
          ++s.pc;
          break;
        case InstrKind::Store: {
          Tainted a = eval(instr.addr, s);
          auto loc = location(a);
          if (!loc) return;  // a path that dereferences a non-location is not an execution
          Tainted v = eval(instr.value, s);
          add_event(s, instr, Event::Kind::Write, *loc, v.value, a.deps, v.deps);
          ++s.pc;
          break;
        }
        case InstrKind::StoreExclusive: {
          Tainted a = eval(instr.addr, s);
          auto loc = location(a);
          if (!loc) return;
          const int paired = s.exclusive_read;
          s.exclusive_read = -1;
          // Failure: no write, status 1.
          PathState failed = s;
          set_register(failed, instr.dst, 1, 0);
          ++failed.pc;
          if (paired >= 0 && s.path.events[paired].event.location == *loc) {
            Tainted v = eval(instr.value, s);
            int w = add_event(s, instr, Event::Kind::Write, *loc, v.value, a.deps, v.deps);
            s.path.events[w].rmw_read = paired;
            set_register(s, instr.dst, 0, 0);
            ++s.pc;
            explore(std::move(s));
          }
          explore(std::move(failed));
          return;
        }
        case InstrKind::Load:
        case InstrKind::Rmw:
        case InstrKind::Cas: {
          Tainted a = eval(instr.addr, s);
          auto loc = location(a);
          if (!loc) return;
          // One branch per value the location may hold, plus, for a weak CAS
          // whose comparison would succeed, a branch where it fails anyway.
          // A domain always holds the initial value; the last value reuses `s`.
          const auto& domain = domains_[*loc];
          const auto fork = [&](PathState state, Value value, bool spurious_failure) {
            read_value(state, instr, *loc, a.deps, value, spurious_failure);
            explore(std::move(state));
            return !too_large_;
          };
          for (std::size_t i = 0; i < domain.size(); ++i) {
            if (instr.weak && cas_would_succeed(s, instr, domain[i]) && !fork(s, domain[i], true)) return;
            if (i + 1 < domain.size() && !fork(s, domain[i], false)) return;
          }
          fork(std::move(s), domain.back(), false);
          return;
        }
      }
    }
    paths_.push_back(ThreadPath{std::move(s.path.events), std::move(s.registers)});
  }

  static bool cas_would_succeed(const PathState& s, const Instr& instr, Value old) {
    return instr.kind == InstrKind::Cas && instr.expected >= 0 &&
           static_cast<std::size_t>(instr.expected) < s.registers.size() && s.registers[instr.expected] == old;
  }

  // `spurious_failure`: a weak CAS that fails although the values are equal.
  void read_value(PathState& s, const Instr& instr, int loc, LocalEvents addr_deps, Value old,
                  bool spurious_failure) {
    if (instr.kind == InstrKind::Cas) {
      const bool success = !spurious_failure && cas_would_succeed(s, instr, old);
      Instr read_instr = instr;
      if (!success) read_instr.order = instr.fail_order;
      const LocalEvents expected_deps =
          instr.expected >= 0 && static_cast<std::size_t>(instr.expected) < s.register_deps.size()
              ? s.register_deps[instr.expected]
              : 0;
      int r = add_event(s, read_instr, Event::Kind::Read, loc, old, addr_deps, 0);
      const LocalEvents read_bit = LocalEvents{1} << r;
      if (success) {
        Tainted v = eval(instr.value, s);
        int w = add_event(s, instr, Event::Kind::Write, loc, v.value, addr_deps, v.deps | expected_deps);
        s.path.events[w].rmw_read = r;
      }
      set_register(s, instr.dst, success ? 1 : 0, read_bit | expected_deps);
      set_register(s, instr.expected, old, read_bit);
      ++s.pc;
      return;
    }
    int r = add_event(s, instr, Event::Kind::Read, loc, old, addr_deps, 0);
    const LocalEvents read_bit = LocalEvents{1} << r;
    if (instr.kind == InstrKind::Rmw) {
      Tainted operand = eval(instr.value, s);
      int w = add_event(s, instr, Event::Kind::Write, loc, apply_rmw(instr.rmw_op, old, operand.value),
                        addr_deps, operand.deps);
      s.path.events[w].rmw_read = r;
    } else if (instr.flags & litmus::kExclusive) {
      s.exclusive_read = r;
    }
    set_register(s, instr.dst, old, read_bit);
    ++s.pc;
  }

  const litmus::Test& test_;
  const litmus::Thread& thread_;
  const ValueDomains& domains_;
  const PathLimits& limits_;
  std::vector<ThreadPath>& paths_;
  bool too_large_ = false;
  unsigned steps_since_clock_ = 0;
};

}  // namespace

PathStatus enumerate_thread_paths(const litmus::Test& test, const litmus::Thread& thread,
                                  const ValueDomains& domains, const PathLimits& limits,
                                  std::vector<ThreadPath>& paths) {
  return PathExplorer(test, thread, domains, limits, paths).run();
}

}  // namespace mh::axiom
