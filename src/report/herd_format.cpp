#include "report/herd_format.hpp"

#include <fmt/format.h>

#include "litmus/printer.hpp"

namespace mh::report {

std::string format_term(const litmus::Test& test, const litmus::CondTerm& term) {
  if (term.kind == litmus::CondTerm::Kind::Memory) return test.locations[term.location].name;
  return fmt::format("{}:{}", term.thread, term.reg);
}

std::string format_state(const litmus::Test& test, const axiom::CheckResult& result,
                         const axiom::FinalState& state) {
  std::string line;
  for (std::size_t i = 0; i < result.observed.size(); ++i) {
    if (i > 0) line += ' ';
    line += fmt::format("{}={};", format_term(test, result.observed[i]),
                        axiom::format_value(test, state.values[i]));
  }
  return line;
}

namespace {

const char* quantifier_verdict(litmus::Quantifier quantifier) {
  switch (quantifier) {
    case litmus::Quantifier::Exists:
      return "Allowed";
    case litmus::Quantifier::NotExists:
      return "Forbidden";
    case litmus::Quantifier::Forall:
      return "Required";
  }
  return "?";
}

}  // namespace

std::string herd_output(const litmus::Test& test, const axiom::CheckResult& result) {
  std::string out = fmt::format("Test {} {}\n", test.name, quantifier_verdict(test.condition.quantifier));
  if (result.status == axiom::CheckResult::Status::TooLarge) {
    out += fmt::format("Too large: {}\n", result.too_large_reason);
    out += fmt::format("Condition {}\n", litmus::print_condition(test, test.condition));
    out += fmt::format("Time {} {:.2f}\n", test.name, result.seconds);
    return out;
  }
  out += fmt::format("States {}\n", result.states.size());
  for (const auto& state : result.states) out += format_state(test, result, state) + "\n";
  out += result.validated(test.condition.quantifier) ? "Ok\n" : "No\n";
  out += "Witnesses\n";
  // herd counts witnesses of the condition itself: for ~exists those are the
  // executions where the proposition fails, while Observation always counts
  // the proposition.
  const bool negated = test.condition.quantifier == litmus::Quantifier::NotExists;
  out += fmt::format("Positive: {} Negative: {}\n", negated ? result.negative : result.positive,
                     negated ? result.positive : result.negative);
  if (result.undefined) out += "Flag undefined\n";
  out += fmt::format("Condition {}\n", litmus::print_condition(test, test.condition));
  out += fmt::format("Observation {} {} {} {}\n", test.name, axiom::observation_name(result.observation()),
                     result.positive, result.negative);
  out += fmt::format("Time {} {:.2f}\n", test.name, result.seconds);
  return out;
}

}  // namespace mh::report
