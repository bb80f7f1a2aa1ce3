#include "cli/litmus_check.hpp"

#include <unistd.h>

#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <map>
#include <optional>

#include "cli/json_output.hpp"
#include "cli/option_checks.hpp"
#include "axiom/checker.hpp"
#include "litmus/expectations.hpp"
#include "litmus/parser.hpp"
#include "report/herd_format.hpp"
#include "report/litmus_json.hpp"

namespace mh::cli {

namespace {

// Expectations keyed by the test file's canonical path and the model.
std::map<std::pair<std::string, std::string>, litmus::Expectation> load_expectations(const std::string& manifest) {
  namespace fs = std::filesystem;
  std::map<std::pair<std::string, std::string>, litmus::Expectation> by_file;
  const fs::path base = fs::path(manifest).parent_path();
  for (auto& e : litmus::read_expectations(manifest)) {
    std::error_code ec;
    auto path = fs::weakly_canonical(base / e.file, ec).string();
    by_file.emplace(std::make_pair(path, e.model), e);
  }
  return by_file;
}

}  // namespace

int run_litmus_check(const LitmusCheckOptions& options) {
  namespace fs = std::filesystem;
  std::optional<axiom::ModelKind> forced;
  if (!options.model.empty()) {
    forced = axiom::parse_model_name(options.model);
    if (!forced) {
      std::cerr << "memharness: unknown model '" << options.model << "' (sc, tso, arm, rc11)\n";
      return 2;
    }
  }
  // Parse every file before checking any, so bad input runs nothing.
  std::vector<litmus::Test> tests;
  std::map<std::pair<std::string, std::string>, litmus::Expectation> expectations;
  try {
    for (const auto& file : options.files) tests.push_back(litmus::parse_litmus_file(file));
    if (!options.expected.empty()) expectations = load_expectations(options.expected);
  } catch (const litmus::ParseError& error) {
    std::cerr << error.what() << "\n";
    return 2;
  }
  // Refuse an unwritable results path before checking anything.
  if (!options.json.empty() && !json_path_writable(options.json)) return 2;
  for (const auto& test : tests) {
    if (forced && !axiom::model_applies(*forced, test.arch)) {
      std::cerr << fmt::format("{}: model {} does not apply to {} tests (sc applies to all; tso to X86 and "
                               "X86_64, arm to AArch64, rc11 to C)\n",
                               test.file, options.model, litmus::arch_name(test.arch));
      return 2;
    }
  }

  int exit_code = 0;
  nlohmann::json records = nlohmann::json::array();
  for (const auto& test : tests) {
    const axiom::ModelKind model = forced ? *forced : axiom::default_model(test.arch);
    const axiom::CheckResult result = axiom::check_test(test, model);
    std::cout << report::herd_output(test, result) << "\n" << std::flush;
    std::optional<litmus::Expectation> expectation;
    std::error_code ec;
    auto key = std::make_pair(fs::weakly_canonical(test.file, ec).string(), std::string(axiom::model_name(model)));
    if (auto it = expectations.find(key); it != expectations.end()) expectation = it->second;
    nlohmann::json record = report::litmus_model_result(test, result, expectation);
    const std::string verdict = record["verdict"];
    if (verdict == "fail" || verdict == "too-large") {
      exit_code = 1;
      if (verdict == "fail")
        std::cerr << fmt::format("{}: expected {} under {}{}, got {}{}\n", test.file, expectation->observation,
                                 axiom::model_name(model), expectation->undefined ? " with a data race" : "",
                                 axiom::observation_name(result.observation()),
                                 result.undefined ? " with a data race" : "");
      else
        std::cerr << fmt::format("{}: too large: {}\n", test.file, result.too_large_reason);
    }
    records.push_back(std::move(record));
  }
  if (!write_json_output(options.json, records)) return 2;
  return exit_code;
}

}  // namespace mh::cli
