#include "run/codegen_backend.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace mh::run::detail {

using litmus::BinaryOp;

std::string Backend::binary(BinaryOp op, const std::string& a, const std::string& b, std::string&,
                            const std::string&) {
  switch (op) {
    case BinaryOp::Add: return fmt::format("mh_arith(0, {}, {})", a, b);
    case BinaryOp::Sub: return fmt::format("mh_arith(1, {}, {})", a, b);
    case BinaryOp::Mul: return fmt::format("mh_arith(2, {}, {})", a, b);
    case BinaryOp::Shl: return fmt::format("mh_arith(3, {}, {})", a, b);
    case BinaryOp::Shr: return fmt::format("mh_arith(4, {}, {})", a, b);
    case BinaryOp::And: return fmt::format("({} & {})", a, b);
    case BinaryOp::Or: return fmt::format("({} | {})", a, b);
    case BinaryOp::Xor: return fmt::format("({} ^ {})", a, b);
    case BinaryOp::Eq: return fmt::format("static_cast<word>({} == {})", a, b);
    case BinaryOp::Ne: return fmt::format("static_cast<word>({} != {})", a, b);
    case BinaryOp::Lt: return fmt::format("static_cast<word>({} < {})", a, b);
    case BinaryOp::Le: return fmt::format("static_cast<word>({} <= {})", a, b);
    case BinaryOp::Gt: return fmt::format("static_cast<word>({} > {})", a, b);
    case BinaryOp::Ge: return fmt::format("static_cast<word>({} >= {})", a, b);
    case BinaryOp::LogicalAnd: return fmt::format("static_cast<word>({} != 0 && {} != 0)", a, b);
    case BinaryOp::LogicalOr: return fmt::format("static_cast<word>({} != 0 || {} != 0)", a, b);
  }
  return "0";
}

void Backend::store_exclusive(const litmus::Instr& instr, const std::string&, const std::string&,
                              const std::string&, std::string&) {
  throw std::invalid_argument(fmt::format("line {}: a store-exclusive exists only on AArch64", instr.pos.line));
}

void Backend::branch_if(const std::string& condition, const std::string& label, std::string& out) {
  out += fmt::format("    if ({} != 0) goto {};\n", condition, label);
}

const char* memory_order_text(litmus::MemOrder order) {
  switch (order) {
    case litmus::MemOrder::NonAtomic:
    case litmus::MemOrder::Relaxed: return "std::memory_order_relaxed";
    case litmus::MemOrder::Acquire: return "std::memory_order_acquire";
    case litmus::MemOrder::Release: return "std::memory_order_release";
    case litmus::MemOrder::AcqRel: return "std::memory_order_acq_rel";
    case litmus::MemOrder::SeqCst: return "std::memory_order_seq_cst";
  }
  return "std::memory_order_seq_cst";
}

}  // namespace mh::run::detail
