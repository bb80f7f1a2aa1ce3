#include "cli/tsan_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>

#include "cli/duration.hpp"
#include "cli/json_output.hpp"
#include "cli/option_checks.hpp"
#include "cli/tsan_phase.hpp"
#include "report/atomic_file.hpp"
#include "report/host.hpp"
#include "run/thread_sanitizer.hpp"
#include "stress/supervisor.hpp"
#include "stress/variant.hpp"
#include "tsan/expectations.hpp"
#include "tsan/test_run.hpp"

namespace mh::cli {
namespace {

namespace fs = std::filesystem;

fs::path own_executable() {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  return error ? fs::path() : self;
}

bool selected(const std::string& name, const std::vector<std::string>& names) {
  if (names.empty()) return true;
  for (const std::string& wanted : names) {
    if (name == wanted) return true;
    const std::string prefix = wanted.back() == '/' ? wanted : wanted + "/";
    if (name.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

std::string model_text(const tsan::Expectation& test) {
  return test.model;
}

}  // namespace

void add_tsan_options(CLI::App& command, TsanOptions& options) {
  command.add_option(
      "names", options.names,
      "Tests to run: a name (stress/futex_mutex/take3) or a prefix (litmus/c, stress/pipe_handoff); "
      "default: all");
  command.add_flag("--list", options.list,
                   "List the tests: name, model verdict, expected TSan verdict, blind spot");
  command.add_option("--runs", options.runs, "Attempts at a race that is expected but not yet reported")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  command.add_option("--iterations", options.iterations, "Instances of each litmus test")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}));
  command.add_option("--stress-budget", options.stress_budget, "Time for each stress variant, e.g. 2s")
      ->capture_default_str();
  command.add_option(
      "--budget", options.budget,
      "Time for the whole suite, e.g. 40s: tests not started within it are recorded as not run "
      "(exit 1); default: no limit");
  command.add_option("--json", options.json, "Write the results JSON (docs/results.md) to this file");
  command.add_option("--keep-logs", options.keep_logs,
                     "Keep each run's TSan logs and output in this folder (default: removed)");
}

int run_tsan_command(const TsanOptions& options, int argc, char** argv) {
  if (!run::kThreadSanitizer) {
    // The TSan build of the same tree sits beside this one's build folder.
    const std::string beside = tsan_build_beside_this_one();
    if (!beside.empty()) {
      std::vector<char*> args{const_cast<char*>(beside.c_str())};
      for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
      args.push_back(nullptr);
      ::execv(args[0], args.data());
    }
    std::cerr << "memharness: 'tsan' runs in a ThreadSanitizer build and this one is not (build it with "
                 "'cmake --workflow --preset tsan', then run build/tsan/memharness tsan)\n";
    return 2;
  }
  if (parse_duration_seconds(options.stress_budget) < 0.1) {
    std::cerr << "memharness: --stress-budget '" << options.stress_budget
              << "' is not a duration of at least 0.1 s (e.g. 2s, 500ms)\n";
    return 2;
  }
  const double budget = options.budget.empty() ? 0.0 : parse_duration_seconds(options.budget);
  if (!options.budget.empty() && budget < 1) {
    std::cerr << "memharness: --budget '" << options.budget
              << "' is not a duration of at least 1 s (e.g. 40s, 2m)\n";
    return 2;
  }
  if (!options.json.empty() && !json_path_writable(options.json)) return 2;

  std::vector<tsan::Expectation> suite;
  try {
    suite = tsan::load_suite(tsan::suite_root());
  } catch (const tsan::ExpectationError& error) {
    std::cerr << "memharness: " << error.what() << "\n";
    return 2;
  }
  // Every stress variant has an expectation: a new variant cannot slip past.
  std::set<std::string> listed;
  for (const auto& test : suite) listed.insert(test.name);
  for (const stress::Variant& variant : stress::registered_variants()) {
    const std::string name = "stress/" + variant.protocol + "/" + variant.name;
    if (!listed.count(name)) {
      std::cerr << "memharness: " << name << " has no expectation in tsan/expected.tsv\n";
      return 2;
    }
  }
  std::vector<tsan::Expectation> chosen;
  for (const auto& test : suite)
    if (selected(test.name, options.names)) chosen.push_back(test);
  // The probes (a fraction of a second each, each a blind spot) first, the
  // litmus tests last: a budget that runs out keeps the most telling results.
  std::stable_sort(chosen.begin(), chosen.end(), [](const tsan::Expectation& a, const tsan::Expectation& b) {
    const auto rank = [](tsan::TestKind kind) {
      return kind == tsan::TestKind::probe ? 0 : kind == tsan::TestKind::stress ? 1 : 2;
    };
    return rank(a.kind) < rank(b.kind);
  });
  for (const std::string& name : options.names) {
    bool matched = false;
    for (const auto& test : suite) matched = matched || selected(test.name, {name});
    if (!matched) {
      std::cerr << "memharness: no TSan test is named '" << name << "' (see memharness tsan --list)\n";
      return 2;
    }
  }

  if (options.list) {
    for (const auto& test : chosen)
      std::cout << fmt::format("{:<46} model {:<11} TSan {:<6} {}\n", test.name, model_text(test),
                               test.race_expected ? "race" : "clean",
                               test.blind_spot.empty() ? "" : "blind spot: " + test.blind_spot);
    return 0;
  }

  tsan::RunSettings settings;
  settings.self = own_executable().string();
  settings.probe_dir = own_executable().parent_path().string();
  settings.runs = options.runs;
  settings.iterations = options.iterations;
  settings.stress_budget = options.stress_budget;
  settings.timeout_seconds = 60 + 3 * parse_duration_seconds(options.stress_budget);
  const bool keep = !options.keep_logs.empty();
  fs::path work;
  std::error_code error;
  if (keep) {
    work = options.keep_logs;
    fs::create_directories(work, error);
  } else {
    std::string pattern = (fs::temp_directory_path() / "memharness-tsan-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) work = pattern;
  }
  if (work.empty() || error) {
    std::cerr << "memharness: cannot make a folder for the TSan logs: "
              << (keep ? options.keep_logs : "in /tmp") << "\n";
    return 2;
  }
  settings.work_dir = work.string();

  std::cout << fmt::format(
      "TSan suite: {} tests under ThreadSanitizer; a race expected and not reported is tried {} "
      "times\n",
      chosen.size(), options.runs);
  nlohmann::json records = nlohmann::json::array();
  // Records carry their machine, as stress records do, so that `all` can put
  // them beside the default build's results without losing which build ran them.
  const nlohmann::json host = report::to_json(report::detect_host());
  int differ = 0, disagree_with_model = 0, not_run = 0;
  // Each finished record is appended here as it comes, so that a run stopped
  // half-way (Ctrl-C, or `all` ending an overdue suite) keeps what it did.
  const std::string partial = options.json.empty() ? std::string() : options.json + ".partial.jsonl";
  if (!partial.empty()) fs::remove(partial, error);
  const auto keep_record = [&](nlohmann::json record) {
    record["host"] = host;
    if (!partial.empty()) report::append_line(partial, record.dump());
    records.push_back(std::move(record));
  };
  // Ctrl-C or SIGTERM ends the running test's process group, then the suite.
  const stress::InterruptGuard interrupt_guard;
  settings.interrupted = &stress::InterruptGuard::interrupted;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& test : chosen) {
    if (budget > 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= budget) {
      keep_record(tsan::not_run_record(test));
      ++not_run;
      continue;
    }
    const tsan::TestOutcome outcome = tsan::run_under_tsan(test, settings);
    if (stress::InterruptGuard::interrupted()) {
      if (!keep) fs::remove_all(work, error);
      std::cerr << "memharness: interrupted"
                << (partial.empty() ? std::string() : "; the records so far are in " + partial) << "\n";
      return 128 + stress::InterruptGuard::signal_number();
    }
    keep_record(tsan::tsan_record(test, outcome));
    if (!outcome.as_expected) ++differ;
    if (outcome.as_expected && test.differs_from_model()) ++disagree_with_model;
    std::cout << fmt::format("{:<5} {:<46} model {:<11} expected {:<6} TSan {:<8} {} run{}, {:.1f} s{}\n",
                             outcome.as_expected ? "ok" : "FAIL", test.name, model_text(test),
                             test.race_expected ? "race" : "clean", outcome.observed, outcome.runs,
                             outcome.runs == 1 ? "" : "s", outcome.seconds,
                             test.blind_spot.empty() ? "" : "  [" + test.blind_spot + "]");
    if (!outcome.as_expected) {
      std::cout << fmt::format("      expected because: {} ({})\n", test.reason, test.source_line);
      if (!outcome.report.empty()) std::cout << outcome.report;
      if (!outcome.error.empty()) std::cout << "      " << outcome.error << "\n";
      if (outcome.observed == "clean") std::cout << fmt::format("      no report in {} runs\n", outcome.runs);
    }
    std::cout << std::flush;
  }
  std::cout << fmt::format(
      "{} tests: {} as expected, {} differ{}\n", chosen.size(),
      static_cast<int>(chosen.size()) - differ - not_run, differ,
      disagree_with_model > 0
          ? fmt::format("; on {} of them TSan and the model disagree, as expected (blind spots: "
                        "docs/tsan.md)",
                        disagree_with_model)
          : "");
  if (not_run > 0)
    std::cout << fmt::format("budget of {} spent: {} tests not run (recorded as not-run)\n", options.budget,
                             not_run);
  if (!keep) fs::remove_all(work, error);
  if (!write_json_output(options.json, records)) return 2;
  if (!partial.empty()) fs::remove(partial, error);
  return differ > 0 || not_run > 0 ? 1 : 0;
}

}  // namespace mh::cli
