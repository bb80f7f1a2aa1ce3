#include "differential.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "program_litmus.hpp"
#include "run_axiom.hpp"
#include "run_checker.hpp"

namespace mh::fuzz {
namespace {

std::string format_state(const std::vector<Column>& columns, const State& state) {
  std::string text;
  for (std::size_t i = 0; i < columns.size(); ++i)
    text += fmt::format("{}{}={}", i == 0 ? "" : " ", columns[i].name(), state[i]);
  return text;
}

std::string format_states(const std::vector<Column>& columns, const std::set<State>& states) {
  std::string text;
  for (const State& state : states) text += "    " + format_state(columns, state) + "\n";
  return text;
}

std::set<State> minus(const std::set<State>& a, const std::set<State>& b) {
  std::set<State> only;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(only, only.end()));
  return only;
}

// What differs between the two sides under one model; empty if nothing.
std::string compare_sides(const std::vector<Column>& columns, Model model, const Outcome& axiom,
                          const Outcome& checker) {
  const char* name = model_name(model);
  std::string text;
  if (axiom.race != checker.race)
    text += fmt::format("{}: data race: axiom {}, checker {}{}\n", name, axiom.race ? "yes" : "no",
                        checker.race ? "yes" : "no", checker.race ? " (" + checker.detail + ")" : "");
  if (axiom.race || checker.race) return text;  // the checker stops at a race: no states to compare
  const std::set<State> only_axiom = minus(axiom.states, checker.states);
  const std::set<State> only_checker = minus(checker.states, axiom.states);
  if (!only_axiom.empty())
    text += fmt::format("{}: final states only the axiomatic model allows:\n{}", name,
                        format_states(columns, only_axiom));
  if (!only_checker.empty())
    text += fmt::format("{}: final states only the model checker reaches:\n{}", name,
                        format_states(columns, only_checker));
  if (axiom.executions != checker.executions)
    text += fmt::format("{}: consistent executions: axiom {}, checker {}\n", name, axiom.executions,
                        checker.executions);
  return text;
}

// Facts of the models that each side must keep on its own.
std::string compare_models(const std::vector<Column>& columns, const char* side, const Outcome& rc11,
                           const Outcome& sc) {
  std::string text;
  if (sc.race && !rc11.race) text += fmt::format("{}: a data race under sc but not under rc11\n", side);
  if (!sc.race && !rc11.race) {
    const std::set<State> sc_only = minus(sc.states, rc11.states);
    if (!sc_only.empty())
      text += fmt::format("{}: sc states that rc11 forbids:\n{}", side, format_states(columns, sc_only));
  }
  return text;
}

bool finished(const Outcome& outcome) {
  return outcome.status == Outcome::Status::Complete;
}

}  // namespace

const char* model_name(Model model) {
  return model == Model::SC ? "sc" : "rc11";
}

Comparison compare_program(const Program& program) {
  Comparison comparison;
  const std::vector<Column> columns = final_state_columns(program);
  std::string text;
  Outcome axiom[2], checker[2];
  for (const Model model : {Model::RC11, Model::SC}) {
    const auto m = static_cast<std::size_t>(model);
    axiom[m] = run_axiom(program, model);
    checker[m] = run_checker(program, model);
    for (const auto& [side, outcome] : {std::pair{"axiom", &axiom[m]}, std::pair{"checker", &checker[m]}})
      if (outcome->status == Outcome::Status::Failed)
        text += fmt::format("{}: {} failed: {}\n", model_name(model), side, outcome->detail);
    if (!finished(axiom[m]) || !finished(checker[m])) continue;
    ++comparison.models_compared;
    text += compare_sides(columns, model, axiom[m], checker[m]);
  }
  const auto rc11 = static_cast<std::size_t>(Model::RC11), sc = static_cast<std::size_t>(Model::SC);
  if (finished(axiom[rc11]) && finished(axiom[sc]))
    text += compare_models(columns, "axiom", axiom[rc11], axiom[sc]);
  if (finished(checker[rc11]) && finished(checker[sc]))
    text += compare_models(columns, "checker", checker[rc11], checker[sc]);
  comparison.race = axiom[rc11].race && checker[rc11].race;
  if (!text.empty()) comparison.difference = text + "\nthe program:\n" + to_litmus(program);
  return comparison;
}

}  // namespace mh::fuzz
