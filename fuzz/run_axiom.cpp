#include "run_axiom.hpp"

#include <map>

#include "axiom/checker.hpp"
#include "litmus/parse_error.hpp"
#include "litmus/parser.hpp"
#include "program_litmus.hpp"

namespace mh::fuzz {

Outcome run_axiom(const Program& program, Model model) {
  Outcome outcome;
  litmus::Test test;
  try {
    test = litmus::parse_litmus(to_litmus(program), "fuzz.litmus");
  } catch (const litmus::ParseError& e) {
    outcome.status = Outcome::Status::Failed;
    outcome.detail = std::string("the generated litmus test does not parse: ") + e.what();
    return outcome;
  }
  axiom::CheckLimits limits;
  // A program needing more is skipped (too large), as on the checker's
  // side: the fuzzer wants many programs a second, not one a minute.
  limits.max_candidates = 20'000;
  limits.max_seconds = 0.25;
  limits.c11_races_under_every_model = true;
  const axiom::CheckResult result =
      axiom::check_test(test, model == Model::SC ? axiom::ModelKind::SC : axiom::ModelKind::RC11, limits);
  if (result.status == axiom::CheckResult::Status::TooLarge) {
    outcome.status = Outcome::Status::TooLarge;
    outcome.detail = result.too_large_reason;
    return outcome;
  }
  // The checker's columns are in the program's order; find each in the
  // litmus test's observed terms by its name.
  std::map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < result.observed.size(); ++i) {
    const litmus::CondTerm& term = result.observed[i];
    const std::string name = term.kind == litmus::CondTerm::Kind::Register
                                 ? std::to_string(term.thread) + ":" + term.reg
                                 : test.locations[static_cast<std::size_t>(term.location)].name;
    position.emplace(name, i);
  }
  const std::vector<Column> columns = final_state_columns(program);
  for (const axiom::FinalState& final_state : result.states) {
    State state;
    for (const Column& column : columns) {
      const auto found = position.find(column.name());
      if (found == position.end()) {
        outcome.status = Outcome::Status::Failed;
        outcome.detail = "the litmus test does not observe " + column.name();
        return outcome;
      }
      state.push_back(final_state.values[found->second]);
    }
    outcome.states.insert(std::move(state));
    outcome.executions += final_state.executions;
  }
  outcome.race = result.undefined;
  if (outcome.race) outcome.detail = "a consistent execution has a C11 data race";
  return outcome;
}

}  // namespace mh::fuzz
