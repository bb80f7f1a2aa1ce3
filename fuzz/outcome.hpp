// What one implementation says about a differential program under one model:
// its reachable final states (values in final_state_columns order), how many
// consistent executions reach them, and whether one has a data race.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace mh::fuzz {

using State = std::vector<std::int64_t>;

enum class Model : std::uint8_t { RC11, SC };
const char* model_name(Model model);  // "rc11", "sc"

struct Outcome {
  enum class Status : std::uint8_t {
    Complete,  // every consistent execution seen
    TooLarge,  // a bound stopped it: nothing to compare
    Failed,    // the implementation reported something that cannot happen here
  };
  Status status = Status::Complete;
  std::set<State> states;
  std::uint64_t executions = 0;
  bool race = false;   // a data race in some consistent execution
  std::string detail;  // why TooLarge or Failed; the race's description
};

}  // namespace mh::fuzz
