#include "program_litmus.hpp"

#include <fmt/format.h>

namespace mh::fuzz {
namespace {

const char* rmw_function(RmwKind kind) {
  switch (kind) {
    case RmwKind::Exchange:
      return "atomic_exchange_explicit";
    case RmwKind::Add:
      return "atomic_fetch_add_explicit";
    case RmwKind::Sub:
      return "atomic_fetch_sub_explicit";
    case RmwKind::And:
      return "atomic_fetch_and_explicit";
    case RmwKind::Or:
      return "atomic_fetch_or_explicit";
    case RmwKind::Xor:
      return "atomic_fetch_xor_explicit";
  }
  return "atomic_exchange_explicit";
}

std::string statement(const Program& program, const Instr& instr, std::size_t index) {
  const char* x = location_name(instr.location);
  const bool plain = program.plain[static_cast<std::size_t>(instr.location)];
  switch (instr.kind) {
    case InstrKind::Load:
      if (plain) return fmt::format("r{} = *{};", index, x);
      return fmt::format("r{} = atomic_load_explicit({}, {});", index, x, order_name(instr.order));
    case InstrKind::Store:
      if (plain) return fmt::format("*{} = {};", x, instr.value);
      return fmt::format("atomic_store_explicit({}, {}, {});", x, instr.value, order_name(instr.order));
    case InstrKind::Rmw:
      return fmt::format("r{} = {}({}, {}, {});", index, rmw_function(instr.rmw), x, instr.value,
                         order_name(instr.order));
    case InstrKind::Cas:
      return fmt::format("r{} = atomic_compare_exchange_{}_explicit({}, &e{}, {}, {}, {});", index,
                         instr.weak ? "weak" : "strong", x, index, instr.value, order_name(instr.order),
                         order_name(instr.fail_order));
    case InstrKind::Fence:
      return fmt::format("atomic_thread_fence({});", order_name(instr.order));
  }
  return "";
}

}  // namespace

std::string to_litmus(const Program& program, const std::string& name) {
  std::string text = fmt::format("C {}\n\n{{", name);
  for (std::size_t l = 0; l < program.plain.size(); ++l)
    text += fmt::format(" {} = 0;", location_name(static_cast<int>(l)));
  text += " }\n";
  std::string params;
  for (std::size_t l = 0; l < program.plain.size(); ++l)
    params += fmt::format("{}{} {}", l == 0 ? "" : ", ", program.plain[l] ? "int*" : "atomic_int*",
                          location_name(static_cast<int>(l)));
  for (std::size_t t = 0; t < program.threads.size(); ++t) {
    const auto& code = program.threads[t];
    text += fmt::format("\nP{} ({}) {{\n", t, params);
    for (std::size_t i = 0; i < code.size(); ++i) {
      if (!has_result(code[i])) continue;
      text += fmt::format("  int r{} = 0;\n", i);
      if (code[i].kind == InstrKind::Cas) text += fmt::format("  int e{} = {};\n", i, code[i].expected);
    }
    for (std::size_t i = 0; i < code.size(); ++i) {
      const Instr& instr = code[i];
      if (instr.guard_register >= 0)
        text += fmt::format("  if (r{} == {}) {{\n    {}\n  }}\n", instr.guard_register, instr.guard_value,
                            statement(program, instr, i));
      else
        text += fmt::format("  {}\n", statement(program, instr, i));
    }
    text += "}\n";
  }
  text += "\nlocations [";
  for (const Column& column : final_state_columns(program)) text += column.name() + "; ";
  text += "]\nexists (true)\n";
  return text;
}

}  // namespace mh::fuzz
