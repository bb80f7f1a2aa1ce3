#include "cli/all_command.hpp"

#include <unistd.h>

#include <filesystem>
#include <fmt/format.h>
#include <iostream>

#include "cli/suite.hpp"
#include "litmus/parse_error.hpp"
#include "report/atomic_file.hpp"
#include "report/litmus_json.hpp"

namespace mh::cli {

double parse_duration_seconds(const std::string& text) {
  if (text.empty()) return -1;
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return -1;
  }
  const std::string unit = text.substr(used);
  double scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  else if (unit == "ms") scale = 0.001;
  else if (unit == "m" || unit == "min") scale = 60;
  else if (unit == "h") scale = 3600;
  else return -1;
  if (!(value >= 0) || value > 1e7) return -1;
  return value * scale;
}

int run_all(const AllOptions& options) {
  namespace fs = std::filesystem;
  const double budget = parse_duration_seconds(options.budget);
  if (budget < 0) {
    std::cerr << "memharness: --budget '" << options.budget << "' is not a duration (e.g. 90s, 2m)\n";
    return 2;
  }
  const std::string suite_dir = options.suite_dir.empty() ? default_suite_dir() : options.suite_dir;
  const std::string manifest = (fs::path(suite_dir) / "expected.tsv").string();
  if (!fs::exists(manifest)) {
    std::cerr << "memharness: no litmus suite at " << suite_dir << " (expected.tsv missing)\n";
    return 2;
  }
  std::error_code ec;
  fs::create_directories(options.output_dir, ec);
  if (ec || !fs::is_directory(options.output_dir)) {
    std::cerr << "memharness: cannot create output directory " << options.output_dir << ": " << ec.message() << "\n";
    return 2;
  }
  // Records of finished tests go to a partial file as they complete, so a
  // killed run keeps what it did; results.json replaces it atomically at the end.
  const std::string partial = (fs::path(options.output_dir) / "results.partial.jsonl").string();
  const std::string results = (fs::path(options.output_dir) / "results.json").string();
  fs::remove(partial, ec);

  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  SuiteOutcome outcome;
  try {
    outcome = run_suite(
        manifest, budget,
        [&](const SuiteProgress& p) {
          if (terminal)
            std::cerr << fmt::format("\r\033[Klitmus check [{}/{}] {}", p.done, p.total,
                                     p.done == p.total ? std::string("done\n") : p.current)
                      << std::flush;
        },
        [&](const nlohmann::json& record) { report::append_line(partial, record.dump()); });
    report::write_file_atomically(results, report::results_document(outcome.records).dump(2) + "\n");
    fs::remove(partial, ec);
  } catch (const litmus::ParseError& error) {
    std::cerr << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "memharness: " << error.what() << "\n";
    return 2;
  }

  std::cout << fmt::format("litmus model checking: {} passed, {} failed, {} too large ({} checks, {:.2f} s)\n",
                           outcome.passed, outcome.failed, outcome.too_large, outcome.records.size(),
                           outcome.seconds);
  for (const auto& line : outcome.failures) std::cout << "  FAIL " << line << "\n";
  if (outcome.not_run > 0)
    std::cout << fmt::format("  budget of {} exhausted: {} checks not run\n", options.budget, outcome.not_run);
  std::cout << "results: " << results << "\n";
  // Checks the budget left out are verdicts not established: not "all as expected".
  return (outcome.failed + outcome.too_large) == 0 && outcome.not_run == 0 ? 0 : 1;
}

}  // namespace mh::cli
