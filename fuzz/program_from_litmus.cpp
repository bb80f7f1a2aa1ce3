#include "program_from_litmus.hpp"

#include <map>

namespace mh::fuzz {
namespace {

using litmus::Expr;
using litmus::MemOrder;

std::optional<Order> order_of(MemOrder order) {
  switch (order) {
    case MemOrder::NonAtomic:
      return std::nullopt;
    case MemOrder::Relaxed:
      return Order::Relaxed;
    case MemOrder::Acquire:
      return Order::Acquire;
    case MemOrder::Release:
      return Order::Release;
    case MemOrder::AcqRel:
      return Order::AcqRel;
    case MemOrder::SeqCst:
      return Order::SeqCst;
  }
  return std::nullopt;
}

std::optional<int> location_of(const Expr& addr) {
  if (addr.kind != Expr::Kind::Const) return std::nullopt;
  return litmus::location_of(addr.constant);
}

std::optional<int> constant(const Expr& value, int low, int high) {
  if (value.kind != Expr::Kind::Const || value.constant < low || value.constant > high) return std::nullopt;
  return static_cast<int>(value.constant);
}

// Each location is plain or atomic in every access; mixed is not a program.
std::optional<std::vector<bool>> plain_locations(const litmus::Test& test) {
  std::vector<int> seen(test.locations.size(), 0);  // 1 plain, 2 atomic
  for (const litmus::Thread& thread : test.threads)
    for (const litmus::Instr& instr : thread.code) {
      if (instr.kind != litmus::InstrKind::Load && instr.kind != litmus::InstrKind::Store &&
          instr.kind != litmus::InstrKind::Rmw && instr.kind != litmus::InstrKind::Cas)
        continue;
      const std::optional<int> location = location_of(instr.addr);
      if (!location || *location < 0 || static_cast<std::size_t>(*location) >= seen.size())
        return std::nullopt;
      seen[static_cast<std::size_t>(*location)] |= instr.order == MemOrder::NonAtomic ? 1 : 2;
    }
  std::vector<bool> plain;
  for (const int s : seen) {
    if (s == 3) return std::nullopt;
    plain.push_back(s == 1);
  }
  return plain;
}

std::optional<Instr> convert(const litmus::Instr& in, const std::vector<bool>& plain,
                             const std::map<int, litmus::Value>& constants) {
  Instr out;
  if (in.kind == litmus::InstrKind::Fence) {
    const std::optional<Order> order = order_of(in.order);
    if (in.fence != litmus::FenceKind::C || !order || *order == Order::Relaxed) return std::nullopt;
    out.kind = InstrKind::Fence;
    out.order = *order;
    // The decoder reads a fence's kind only on an atomic location.
    for (std::size_t l = 0; l < plain.size(); ++l)
      if (!plain[l]) {
        out.location = static_cast<int>(l);
        return out;
      }
    return std::nullopt;
  }
  const std::optional<int> location = location_of(in.addr);
  if (!location) return std::nullopt;
  out.location = *location;
  const bool is_plain = plain[static_cast<std::size_t>(*location)];
  out.order = is_plain ? Order::Relaxed : order_of(in.order).value_or(Order::Relaxed);
  switch (in.kind) {
    case litmus::InstrKind::Load:
      out.kind = InstrKind::Load;
      break;
    case litmus::InstrKind::Store: {
      out.kind = InstrKind::Store;
      const std::optional<int> value = constant(in.value, 1, 3);
      if (!value) return std::nullopt;
      out.value = *value;
      break;
    }
    case litmus::InstrKind::Rmw: {
      out.kind = InstrKind::Rmw;
      static_assert(static_cast<int>(litmus::RmwOp::Exchange) == static_cast<int>(RmwKind::Exchange) &&
                        static_cast<int>(litmus::RmwOp::Add) == static_cast<int>(RmwKind::Add) &&
                        static_cast<int>(litmus::RmwOp::Sub) == static_cast<int>(RmwKind::Sub) &&
                        static_cast<int>(litmus::RmwOp::And) == static_cast<int>(RmwKind::And) &&
                        static_cast<int>(litmus::RmwOp::Or) == static_cast<int>(RmwKind::Or) &&
                        static_cast<int>(litmus::RmwOp::Xor) == static_cast<int>(RmwKind::Xor),
                    "the two RMW enums must list the same operations in the same order");
      out.rmw = static_cast<RmwKind>(in.rmw_op);
      const std::optional<int> value = constant(in.value, 1, 3);
      if (!value) return std::nullopt;
      out.value = *value;
      break;
    }
    case litmus::InstrKind::Cas: {
      out.kind = InstrKind::Cas;
      const std::optional<int> value = constant(in.value, 1, 3);
      const auto expected = constants.find(in.expected);
      const std::optional<Order> fail = order_of(in.fail_order);
      if (!value || expected == constants.end() || expected->second < 0 || expected->second > 2 || !fail ||
          *fail == Order::Release || *fail == Order::AcqRel)
        return std::nullopt;
      out.value = *value;
      out.expected = static_cast<int>(expected->second);
      out.fail_order = *fail;
      out.weak = in.weak;
      break;
    }
    default:
      return std::nullopt;
  }
  return out;
}

}  // namespace

std::optional<Program> program_from_litmus(const litmus::Test& test) {
  if (test.arch != litmus::Arch::C || test.threads.size() < 2 || test.threads.size() > kMaxThreads ||
      test.locations.empty() || test.locations.size() > kMaxLocations)
    return std::nullopt;
  for (const litmus::Location& location : test.locations)
    if (location.init != 0) return std::nullopt;
  const std::optional<std::vector<bool>> plain = plain_locations(test);
  if (!plain) return std::nullopt;
  Program program;
  program.plain = *plain;
  for (const litmus::Thread& thread : test.threads) {
    std::map<int, litmus::Value> constants;  // registers assigned a constant (a CAS's expected value)
    std::vector<Instr> code;
    for (const litmus::Instr& in : thread.code) {
      if (in.kind == litmus::InstrKind::Assign) {
        if (in.value.kind != Expr::Kind::Const) return std::nullopt;
        constants[in.dst] = in.value.constant;
        continue;
      }
      const std::optional<Instr> instr = convert(in, program.plain, constants);
      if (!instr) return std::nullopt;
      code.push_back(*instr);
      // What the access writes is no longer the constant assigned before.
      constants.erase(in.dst);
      if (in.kind == litmus::InstrKind::Cas) constants.erase(in.expected);
    }
    if (code.empty() || code.size() > kMaxInstructionsPerThread) return std::nullopt;
    program.threads.push_back(std::move(code));
  }
  if (program.instruction_count() > kMaxInstructions) return std::nullopt;
  return program;
}

}  // namespace mh::fuzz
