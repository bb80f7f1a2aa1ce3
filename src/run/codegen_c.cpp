// C litmus tests through std::atomic_ref with the test's memory orders: the
// compiler's own mapping to the host's instructions is what runs, so the
// observed outcomes are those of compiled C/C++ code on this machine.
#include <fmt/format.h>

#include "run/codegen_backend.hpp"

namespace mh::run::detail {
namespace {

using litmus::Instr;
using litmus::MemOrder;

const char* fetch_name(litmus::RmwOp op) {
  switch (op) {
    case litmus::RmwOp::Exchange: return "exchange";
    case litmus::RmwOp::Add: return "fetch_add";
    case litmus::RmwOp::Sub: return "fetch_sub";
    case litmus::RmwOp::And: return "fetch_and";
    case litmus::RmwOp::Or: return "fetch_or";
    case litmus::RmwOp::Xor: return "fetch_xor";
  }
  return "exchange";
}

// A load's order must be one a load may have, a store's one a store may have.
MemOrder load_order(MemOrder order) {
  return order == MemOrder::Release ? MemOrder::Relaxed : order == MemOrder::AcqRel ? MemOrder::Acquire : order;
}
MemOrder store_order(MemOrder order) {
  return order == MemOrder::Acquire ? MemOrder::Relaxed : order == MemOrder::AcqRel ? MemOrder::Release : order;
}

class CBackend final : public Backend {
 public:
  void load(const Instr& instr, const std::string& pointer, const std::string& dst, std::string& out) override {
    if (instr.order == MemOrder::NonAtomic) {
      out += fmt::format("    {} = mh_plain_load({});\n", dst, pointer);
      return;
    }
    out += fmt::format("    {} = std::atomic_ref<word>(*{}).load({});\n", dst, pointer,
                       memory_order_text(load_order(instr.order)));
  }
  void store(const Instr& instr, const std::string& pointer, const std::string& value, std::string& out) override {
    if (instr.order == MemOrder::NonAtomic) {
      out += fmt::format("    mh_plain_store({}, {});\n", pointer, value);
      return;
    }
    out += fmt::format("    std::atomic_ref<word>(*{}).store({}, {});\n", pointer, value,
                       memory_order_text(store_order(instr.order)));
  }
  void rmw(const Instr& instr, const std::string& pointer, const std::string& operand, const std::string& dst,
           std::string& out) override {
    const std::string call = fmt::format("std::atomic_ref<word>(*{}).{}({}, {})", pointer, fetch_name(instr.rmw_op),
                                         operand, memory_order_text(instr.order));
    out += dst.empty() ? fmt::format("    {};\n", call) : fmt::format("    {} = {};\n", dst, call);
  }
  void cas(const Instr& instr, const std::string& pointer, const std::string& expected, const std::string& desired,
           const std::string& succeeded, std::string& out) override {
    const MemOrder failure = instr.fail_order == MemOrder::NonAtomic ? MemOrder::Relaxed : load_order(instr.fail_order);
    const std::string call =
        fmt::format("std::atomic_ref<word>(*{}).compare_exchange_{}({}, {}, {}, {})", pointer,
                    instr.weak ? "weak" : "strong", expected, desired, memory_order_text(instr.order),
                    memory_order_text(failure));
    out += succeeded.empty() ? fmt::format("    (void){};\n", call)
                             : fmt::format("    {} = static_cast<word>({});\n", succeeded, call);
  }
  void fence(const Instr& instr, std::string& out) override {
    out += fmt::format("    std::atomic_thread_fence({});\n", memory_order_text(instr.order));
  }
};

}  // namespace

std::unique_ptr<Backend> make_c_backend() { return std::make_unique<CBackend>(); }

}  // namespace mh::run::detail
