#include "stress/outcome.hpp"

#include <algorithm>

namespace mh::stress {

const char* expectation_name(Expectation expectation) {
  return expectation == Expectation::correct ? "correct" : "hunted";
}

bool hunted_on_host(const Variant& variant, const std::string& arch, bool emulated) {
  if (variant.expectation != Expectation::hunted) return false;
  if (variant.hunted_on.empty()) return true;
  // qemu-user runs ARM code with the host's (x86) orderings.
  if (emulated) return false;
  return std::find(variant.hunted_on.begin(), variant.hunted_on.end(), arch) != variant.hunted_on.end();
}

void judge(Outcome& outcome) {
  // A crash, an error, or a hang of a variant whose bug is a reordering (it
  // has no blocking call its bug could leave asleep) is the harness's or the
  // system's failure, never the hunted bug: no variant follows a pointer it
  // raced on.
  if (!outcome.error.empty() || (outcome.reordering && !outcome.hang.empty())) {
    outcome.verdict = "fail";
    return;
  }
  const bool bad = outcome.violations > 0 || !outcome.hang.empty();
  if (outcome.expectation == Expectation::correct) {
    outcome.verdict = bad ? "fail" : "pass";
  } else if (bad) {
    outcome.verdict = "found";
  } else {
    outcome.verdict = outcome.hunted_here ? "not-found" : "clean";
  }
}

nlohmann::json to_json(const Outcome& outcome) {
  nlohmann::json record = {
      {"kind", "stress"},
      {"name", outcome.name},
      {"protocol", outcome.protocol},
      {"variant", outcome.variant},
      {"expected", expectation_name(outcome.expectation)},
      {"reordering", outcome.reordering},
      {"hunted_here", outcome.hunted_here},
      {"verdict", outcome.verdict},
      {"budget_seconds", outcome.budget_seconds},
      {"seconds", outcome.seconds},
      {"workers", outcome.workers},
      {"cpus", outcome.cpus},
      {"placement", outcome.placement},
      {"operations", outcome.operations},
      {"operations_per_second", outcome.seconds > 0 ? double(outcome.operations) / outcome.seconds : 0.0},
      {"violations", outcome.violations},
      {"first_failure", nullptr},
      {"hang", outcome.hang.empty() ? nlohmann::json(nullptr) : nlohmann::json(outcome.hang)},
      {"left_blocked", outcome.left_blocked},
      {"metrics", outcome.metrics},
      {"notes", outcome.notes},
      {"error", outcome.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(outcome.error)},
  };
  if (outcome.first_failure)
    record["first_failure"] = {{"at_seconds", outcome.first_failure->at_seconds},
                               {"kind", outcome.first_failure->kind},
                               {"details", outcome.first_failure->details}};
  return record;
}

Outcome outcome_from_json(const nlohmann::json& record) {
  Outcome outcome;
  outcome.name = record.at("name").get<std::string>();
  outcome.protocol = record.at("protocol").get<std::string>();
  outcome.variant = record.at("variant").get<std::string>();
  outcome.expectation =
      record.at("expected").get<std::string>() == "correct" ? Expectation::correct : Expectation::hunted;
  outcome.reordering = record.at("reordering").get<bool>();
  outcome.hunted_here = record.at("hunted_here").get<bool>();
  outcome.verdict = record.at("verdict").get<std::string>();
  outcome.budget_seconds = record.at("budget_seconds").get<double>();
  outcome.seconds = record.at("seconds").get<double>();
  outcome.workers = record.at("workers").get<int>();
  outcome.cpus = record.at("cpus").get<std::vector<int>>();
  outcome.placement = record.at("placement").get<std::string>();
  outcome.operations = record.at("operations").get<std::uint64_t>();
  outcome.violations = record.at("violations").get<std::uint64_t>();
  if (!record.at("first_failure").is_null()) {
    const auto& first = record.at("first_failure");
    outcome.first_failure =
        FirstFailure{first.at("at_seconds").get<double>(), first.at("kind").get<std::string>(),
                     first.at("details").get<std::string>()};
  }
  if (!record.at("hang").is_null()) outcome.hang = record.at("hang").get<std::string>();
  outcome.left_blocked = record.at("left_blocked").get<bool>();
  outcome.metrics = record.at("metrics").get<std::map<std::string, double>>();
  outcome.notes = record.at("notes").get<std::vector<std::string>>();
  if (!record.at("error").is_null()) outcome.error = record.at("error").get<std::string>();
  return outcome;
}

}  // namespace mh::stress
