// What one variant's run produced: counts, rates, the first failure, the
// watchdog's report of a hang, and the verdict against the variant's
// expectation. Serialised as the `stress` record of docs/results.md (it
// crosses a pipe from the process that ran the variant).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stress/variant.hpp"

namespace mh::stress {

struct FirstFailure {
  double at_seconds = 0;  // since the variant started
  std::string kind;       // "torn record", "mutual exclusion", "hang", ...
  std::string details;
};

struct Outcome {
  std::string name;  // protocol/variant
  std::string protocol;
  std::string variant;
  Expectation expectation = Expectation::correct;
  bool reordering = false;   // Variant::reordering: a hang is never its bug
  bool hunted_here = false;  // a hunted bug this host is expected to show
  // pass: a correct variant stayed correct; fail: it did not (or could not
  // run); found: a hunted bug was caught; not-found: a hunted bug this host
  // should show was not (a warning); clean: a hunted bug this host is not
  // expected to show was not seen (x86 forbids the MP reordering).
  std::string verdict;
  double budget_seconds = 0;
  double seconds = 0;
  int workers = 0;
  std::vector<int> cpus;
  std::string placement;
  std::uint64_t operations = 0;
  std::uint64_t violations = 0;
  std::optional<FirstFailure> first_failure;
  std::string hang;           // the watchdog's report, when it saw one
  bool left_blocked = false;  // workers the watchdog could not wake (their process was ended)
  std::map<std::string, double> metrics;
  std::vector<std::string> notes;
  std::string error;  // the variant could not run or crashed

  bool failed() const { return verdict == "fail"; }
  bool warning() const { return verdict == "not-found"; }
};

const char* expectation_name(Expectation expectation);
// Sets verdict from the counts, the hang, the error and the expectation.
void judge(Outcome& outcome);
// Whether `variant` hunts a bug that a host of this architecture should show.
bool hunted_on_host(const Variant& variant, const std::string& arch, bool emulated);

nlohmann::json to_json(const Outcome& outcome);
Outcome outcome_from_json(const nlohmann::json& record);

}  // namespace mh::stress
