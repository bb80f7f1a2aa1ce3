#include "cli/suite.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

#include "axiom/checker.hpp"
#include "litmus/expectations.hpp"
#include "litmus/parser.hpp"
#include "litmus/printer.hpp"
#include "report/litmus_json.hpp"

namespace mh::cli {

std::string default_suite_dir() {
  namespace fs = std::filesystem;
  for (const fs::path& dir : {fs::path(MEMHARNESS_SOURCE_DIR) / "litmus",
                              fs::path(MEMHARNESS_INSTALL_DATADIR) / "memharness" / "litmus"})
    if (fs::exists(dir / "expected.tsv")) return dir.string();
  return (fs::path(MEMHARNESS_SOURCE_DIR) / "litmus").string();
}

SuiteOutcome run_suite(const std::string& manifest, double budget_seconds,
                       const std::function<void(const SuiteProgress&)>& on_progress,
                       const std::function<void(const nlohmann::json&)>& on_record) {
  namespace fs = std::filesystem;
  const auto start = std::chrono::steady_clock::now();
  const auto expectations = litmus::read_expectations(manifest);
  const fs::path base = fs::path(manifest).parent_path();

  // Parse everything first: a malformed file stops the run before any check.
  std::map<std::string, litmus::Test> tests;
  for (const auto& e : expectations)
    if (!tests.count(e.file)) tests.emplace(e.file, litmus::parse_litmus_file((base / e.file).string()));

  SuiteOutcome outcome;
  SuiteProgress progress;
  progress.total = expectations.size();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (const auto& e : expectations) {
    const double remaining = budget_seconds - elapsed();
    if (remaining <= 0) {
      // Recorded, so that a report of this run shows what the budget left out.
      const litmus::Test& test = tests.at(e.file);
      nlohmann::json record = {
          {"kind", "litmus-model"},
          {"name", test.name},
          {"file", e.file},
          {"arch", litmus::arch_name(test.arch)},
          {"model", e.model},
          {"condition", litmus::print_condition(test, test.condition)},
          {"verdict", "not-run"},
          {"expectation", {{"observation", e.observation}, {"undefined", e.undefined}, {"source", e.source}}},
          {"evidence", nlohmann::json::object()}};
      if (on_record) on_record(record);
      outcome.records.push_back(std::move(record));
      ++outcome.not_run;
      continue;
    }
    const litmus::Test& test = tests.at(e.file);
    progress.current = e.file + " " + e.model;
    if (on_progress) on_progress(progress);
    const auto model = axiom::parse_model_name(e.model);
    if (!model || !axiom::model_applies(*model, test.arch))
      throw litmus::ParseError(manifest, litmus::Pos{e.line, 1},
                               fmt::format("model {} does not apply to {} test {}", e.model,
                                           litmus::arch_name(test.arch), e.file));
    axiom::CheckLimits limits;
    limits.max_seconds = std::min(limits.max_seconds, remaining);
    const axiom::CheckResult result = axiom::check_test(test, *model, limits);
    nlohmann::json record = report::litmus_model_result(test, result, e);
    record["file"] = e.file;  // relative to the suite, the same on every host
    const std::string verdict = record["verdict"];
    if (verdict == "pass") {
      ++outcome.passed;
    } else {
      if (verdict == "too-large")
        ++outcome.too_large;
      else
        ++outcome.failed;
      outcome.failures.push_back(fmt::format("{} under {}: expected {}{}, got {}{}", e.file, e.model,
                                             e.observation, e.undefined ? " (undefined)" : "",
                                             result.status == axiom::CheckResult::Status::TooLarge
                                                 ? "too large: " + result.too_large_reason
                                                 : axiom::observation_name(result.observation()),
                                             result.undefined ? " (undefined)" : ""));
    }
    if (on_record) on_record(record);
    outcome.records.push_back(std::move(record));
    ++progress.done;
  }
  if (on_progress) on_progress(progress);
  outcome.seconds = elapsed();
  return outcome;
}

}  // namespace mh::cli
