#include "litmus/printer.hpp"

namespace mh::litmus {
namespace {

// Binding strength when printing: higher binds tighter.
int strength(Prop::Kind kind) {
  switch (kind) {
    case Prop::Kind::Implies:
      return 1;
    case Prop::Kind::Or:
      return 2;
    case Prop::Kind::And:
      return 3;
    case Prop::Kind::Not:
      return 4;
    default:
      return 5;  // atoms
  }
}

void print_into(const Test& test, const Prop& prop, std::string& out);

void print_operand(const Test& test, const Prop& operand, int min_strength, std::string& out) {
  const bool parenthesize = strength(operand.kind) < min_strength;
  if (parenthesize) out += '(';
  print_into(test, operand, out);
  if (parenthesize) out += ')';
}

void print_into(const Test& test, const Prop& prop, std::string& out) {
  switch (prop.kind) {
    case Prop::Kind::True:
      out += "true";
      return;
    case Prop::Kind::False:
      out += "false";
      return;
    case Prop::Kind::Eq:
    case Prop::Kind::Ne:
      out += print_term(test, prop.term);
      out += prop.kind == Prop::Kind::Eq ? "=" : "!=";
      out += print_value(test, prop.value);
      return;
    case Prop::Kind::Not:
      out += '~';
      if (!prop.args.empty()) print_operand(test, prop.args[0], strength(Prop::Kind::Not), out);
      return;
    case Prop::Kind::And:
    case Prop::Kind::Or:
    case Prop::Kind::Implies: {
      if (prop.args.size() != 2) return;
      const int own = strength(prop.kind);
      const char* op = prop.kind == Prop::Kind::And  ? " /\\ "
                       : prop.kind == Prop::Kind::Or ? " \\/ "
                                                     : " => ";
      // /\ and \/ are associative; => groups to the right.
      const bool implies = prop.kind == Prop::Kind::Implies;
      print_operand(test, prop.args[0], implies ? own + 1 : own, out);
      out += op;
      print_operand(test, prop.args[1], own, out);
      return;
    }
  }
}

}  // namespace

std::string print_value(const Test& test, Value value) {
  if (auto location = location_of(value);
      location && *location >= 0 && static_cast<std::size_t>(*location) < test.locations.size())
    return test.locations[static_cast<std::size_t>(*location)].name;
  return std::to_string(value);
}

std::string print_term(const Test& test, const CondTerm& term) {
  if (term.kind == CondTerm::Kind::Register) return std::to_string(term.thread) + ":" + term.reg;
  if (term.location >= 0 && static_cast<std::size_t>(term.location) < test.locations.size())
    return test.locations[static_cast<std::size_t>(term.location)].name;
  return "?";
}

std::string print_prop(const Test& test, const Prop& prop) {
  std::string out;
  print_into(test, prop, out);
  return out;
}

std::string print_condition(const Test& test, const Condition& condition) {
  const char* quantifier = condition.quantifier == Quantifier::Exists      ? "exists"
                           : condition.quantifier == Quantifier::NotExists ? "~exists"
                                                                           : "forall";
  return std::string(quantifier) + " (" + print_prop(test, condition.prop) + ")";
}

}  // namespace mh::litmus
