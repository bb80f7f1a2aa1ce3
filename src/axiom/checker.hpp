// Checks one litmus test against one model: enumerates every candidate
// execution (paths per thread, reads-from, coherence), keeps the consistent
// ones, and evaluates the final condition the way herd7 reports it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "axiom/model.hpp"
#include "axiom/thread_paths.hpp"
#include "litmus/ast.hpp"

namespace mh::axiom {

struct CheckLimits {
  PathLimits paths;
  std::uint64_t max_candidates = 20'000'000;  // candidate executions examined
  double max_seconds = 20.0;
  int max_domain_rounds = 66;   // rounds of the read-value fixpoint (writes per execution + 2 suffice)
  std::size_t max_domain_size = 64;
  // Also flag C11 data races (RC11's definition) in the consistent executions
  // of models other than rc11, as the model checker does under --model sc.
  // Off by default: herd's sc.cat flags none, and the suite follows herd.
  bool c11_races_under_every_model = false;
};

enum class Observation : std::uint8_t { Never, Sometimes, Always };
const char* observation_name(Observation observation);

struct FinalState {
  std::vector<litmus::Value> values;  // one per CheckResult::observed term
  std::uint64_t executions = 0;       // consistent executions ending here
  bool satisfies = false;             // the condition's proposition holds
};

struct CheckResult {
  enum class Status : std::uint8_t { Ok, TooLarge };
  Status status = Status::Ok;
  std::string too_large_reason;
  ModelKind model = ModelKind::SC;
  std::vector<litmus::CondTerm> observed;  // the columns of a final state
  std::vector<FinalState> states;          // sorted by values
  std::uint64_t positive = 0, negative = 0;  // consistent executions where the proposition holds / not
  bool undefined = false;  // rc11 data race in some consistent execution (see c11_races_under_every_model)
  std::uint64_t candidates = 0;              // candidate executions examined
  double seconds = 0;

  Observation observation() const;
  // Whether the test's condition (with its quantifier) holds: herd's Ok / No.
  bool validated(litmus::Quantifier quantifier) const;
};

CheckResult check_test(const litmus::Test& test, ModelKind model, const CheckLimits& limits = {});

// Whether `prop` holds in a final state whose `observed` terms have `values`
// (a term not observed reads as 0).
bool state_satisfies(const litmus::Prop& prop, const std::vector<litmus::CondTerm>& observed,
                     const std::vector<litmus::Value>& values);

// Value of a term in a final state (registers by name, memory by location).
std::string format_value(const litmus::Test& test, litmus::Value value);

}  // namespace mh::axiom
