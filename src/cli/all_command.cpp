#include "cli/all_command.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/duration.hpp"
#include "cli/hardware_suite.hpp"
#include "cli/model_suite.hpp"
#include "cli/report_command.hpp"
#include "cli/stress_command.hpp"
#include "cli/suite.hpp"
#include "cli/tsan_phase.hpp"
#include "litmus/parse_error.hpp"
#include "litmus/parser.hpp"
#include "report/atomic_file.hpp"
#include "report/host.hpp"
#include "report/litmus_json.hpp"
#include "report/merged_results.hpp"
#include "report/report_files.hpp"
#include "report/result_status.hpp"
#include "report/results_reader.hpp"
#include "run/codegen.hpp"

namespace mh::cli {

namespace {

// The suite's tests that this host can run: C everywhere, X86 on x86-64,
// AArch64 on AArch64.
std::vector<litmus::Test> hardware_suite_tests(const std::string& suite_dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const char* folder : {"c", "x86", "x86_64", "aarch64"}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(fs::path(suite_dir) / folder, ec))
      if (entry.path().extension() == ".litmus") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<litmus::Test> tests;
  for (const auto& file : files) {
    litmus::Test test = litmus::parse_litmus_file(file);
    // Records name suite files as the model records do: the same on every host.
    test.file = fs::relative(file, suite_dir).string();
    if (!run::unsupported_on(test, run::host_arch())) tests.push_back(std::move(test));
  }
  return tests;
}

// Shares of the budget: the hardware litmus runs get at most a fifth, the
// TSan suite at most about a third; the stress variants get what is left.
constexpr double kHardwareShare = 0.2;
constexpr double kTsanShare = 0.35;

void print_tsan_line(const TsanPhase& tsan, const std::string& binary, bool skipped) {
  if (skipped) {
    std::cout << "TSan: skipped (--skip tsan)\n";
    return;
  }
  if (binary.empty()) {
    std::cout
        << "TSan: no TSan build beside this one (build it with 'cmake --workflow --preset tsan' to add the "
           "TSan suite)\n";
    return;
  }
  if (!tsan.ran && tsan.error.empty()) {
    std::cout << "TSan: not run (the budget was spent before its turn)\n";
    return;
  }
  if (!tsan.error.empty()) std::cout << "TSan: FAIL " << tsan.error << "\n";
  int passed = 0, failed = 0, not_run = 0, blind = 0;
  for (const auto& record : tsan.records) {
    const std::string verdict = record["verdict"].get<std::string>();
    if (verdict == "pass")
      ++passed;
    else if (verdict == "not-run")
      ++not_run;
    else
      ++failed;
    if (verdict == "pass" && record["differs_from_model"] == true) ++blind;
  }
  std::cout << fmt::format(
      "TSan ({}): {} as expected ({} where TSan and the model disagree, as expected), {} differ{} "
      "({:.2f} s)\n",
      binary, passed, blind, failed,
      not_run > 0 ? fmt::format("; budget spent: {} tests not run", not_run) : std::string(), tsan.seconds);
  for (const auto& record : tsan.records)
    if (record["verdict"] == "fail")
      std::cout << "  FAIL " << record["name"].get<std::string>() << ": " << report::status_reason(record)
                << "\n";
}

}  // namespace

int run_all(const AllOptions& options) {
  namespace fs = std::filesystem;
  const auto start = std::chrono::steady_clock::now();
  const double budget = parse_duration_seconds(options.budget);
  if (budget < 0) {
    std::cerr << "memharness: --budget '" << options.budget << "' is not a duration (e.g. 90s, 2m)\n";
    return 2;
  }
  bool skip_litmus = false, skip_models = false, skip_hardware = false, skip_stress = false,
       skip_tsan = false;
  for (const auto& phase : options.skip) {
    if (phase == "litmus") {
      skip_litmus = true;
    } else if (phase == "models") {
      skip_models = true;
    } else if (phase == "hardware") {
      skip_hardware = true;
    } else if (phase == "stress") {
      skip_stress = true;
    } else if (phase == "tsan") {
      skip_tsan = true;
    } else {
      std::cerr << "memharness: --skip '" << phase
                << "' is not a phase (litmus, models, hardware, tsan, stress)\n";
      return 2;
    }
  }
  const std::string tsan_binary = skip_tsan ? std::string() : tsan_build_beside_this_one();
  const std::string suite_dir = options.suite_dir.empty() ? default_suite_dir() : options.suite_dir;
  const std::string manifest = (fs::path(suite_dir) / "expected.tsv").string();
  if (!fs::exists(manifest)) {
    std::cerr << "memharness: no litmus suite at " << suite_dir << " (expected.tsv missing)\n";
    return 2;
  }
  std::error_code ec;
  if (fs::exists(options.output_dir, ec) && !fs::is_directory(options.output_dir, ec)) {
    std::cerr << "memharness: -o " << options.output_dir << " is not a folder\n";
    return 2;
  }
  fs::create_directories(options.output_dir, ec);
  if (ec || !fs::is_directory(options.output_dir)) {
    std::cerr << "memharness: cannot create output directory " << options.output_dir << ": " << ec.message()
              << "\n";
    return 2;
  }
  // Records of finished tests go to a partial file as they complete, so a
  // killed run keeps what it did; results.json replaces it atomically at the end.
  const std::string partial = (fs::path(options.output_dir) / "results.partial.jsonl").string();
  const std::string results = (fs::path(options.output_dir) / "results.json").string();
  fs::remove(partial, ec);

  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  const auto show_progress = [terminal](const char* stage) {
    return [terminal, stage](const SuiteProgress& p) {
      if (terminal)
        std::cerr << fmt::format("\r\033[K{} [{}/{}] {}", stage, p.done, p.total,
                                 p.done == p.total ? std::string("done\n") : p.current)
                  << std::flush;
    };
  };
  const auto append_record = [&](const nlohmann::json& record) {
    report::append_line(partial, record.dump());
  };
  SuiteOutcome litmus;
  ModelSuiteOutcome models;
  HardwareOutcome hardware;
  double hardware_seconds = 0;
  StressSummary stress;
  bool stress_ran = false;
  TsanPhase tsan;
  report::MergedResults merged;
  report::ReportPaths report_paths;
  try {
    if (!skip_litmus) litmus = run_suite(manifest, budget, show_progress("litmus check"), append_record);
    // The registered models get what the litmus suite left of the budget.
    double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!skip_models) models = run_model_suite(budget - spent, show_progress("model check"), append_record);
    // The suite on this machine's cores: a fifth of the budget at most (TSan
    // and the stress variants get the rest), shared by the barrier mode for
    // every test and the perpetual mode for the tests it supports.
    spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double hardware_budget = skip_hardware ? 0.0 : std::min(budget - spent, budget * kHardwareShare);
    const auto hardware_start = std::chrono::steady_clock::now();
    if (hardware_budget > 0) {
      const std::vector<litmus::Test> tests = hardware_suite_tests(suite_dir);
      if (terminal)
        std::cerr << fmt::format("\r\033[Khardware litmus: {} tests\n", tests.size()) << std::flush;
      HardwareSettings barrier;
      hardware = run_hardware_tests(tests, barrier, hardware_budget * 0.6, nullptr, terminal, append_record);
      // A hung test leaves its threads running: nothing more runs beside them.
      const bool hung = std::any_of(
          hardware.records.begin(), hardware.records.end(),
          [](const nlohmann::json& r) { return r.contains("evidence") && r["evidence"].contains("hang"); });
      HardwareSettings perpetual;
      perpetual.mode = run::Mode::perpetual;
      std::vector<litmus::Test> perpetual_tests;
      for (const auto& test : tests)
        if (!hung && !run::perpetual_unsupported(test)) perpetual_tests.push_back(test);
      const double left =
          hardware_budget -
          std::chrono::duration<double>(std::chrono::steady_clock::now() - hardware_start).count();
      HardwareOutcome second =
          run_hardware_tests(perpetual_tests, perpetual, left, nullptr, terminal, append_record);
      for (auto& record : second.records) hardware.records.push_back(record);
      hardware.passed += second.passed;
      hardware.failed += second.failed;
      hardware.skipped += second.skipped;
      hardware.unjudged += second.unjudged;
      hardware.weak_outcomes += second.weak_outcomes;
      for (auto& failure : second.failures) hardware.failures.push_back(failure);
    }
    hardware_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - hardware_start).count();
    // The TSan suite, in the tsan preset's build when there is one.
    spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // With no stress phase after it, TSan may take all that is left.
    const double tsan_budget = skip_stress ? budget - spent : std::min(budget - spent, budget * kTsanShare);
    if (!tsan_binary.empty() && tsan_budget >= 2) {
      if (terminal) std::cerr << fmt::format("\r\033[KTSan suite: {}\n", tsan_binary) << std::flush;
      tsan = run_tsan_phase(tsan_binary, options.output_dir, tsan_budget, terminal);
      for (const auto& record : tsan.records) append_record(record);
      if (tsan.interrupted_by != 0) {
        std::cerr << "memharness: interrupted; the records so far are in " << partial << "\n";
        return 128 + tsan.interrupted_by;
      }
    } else if (!tsan_binary.empty()) {
      // Recorded, as the other phases record what the budget left out.
      tsan.records.push_back(
          tsan_suite_record("not-run", "the budget was spent before the TSan suite's turn", 0));
      append_record(tsan.records.back());
    }
    // The protocols' stress variants get the rest: each in its own process.
    spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!skip_stress && budget - spent > 0) {
      std::ostringstream table;  // the summary below is the one screen
      stress = run_stress_suite({}, budget - spent, 0, table, terminal, append_record);
      stress_ran = true;
      if (stress.interrupted_by != 0) {
        // What finished is in the partial file; no results.json claims more.
        std::cerr << "memharness: interrupted; the records so far are in " << partial << "\n";
        return 128 + stress.interrupted_by;
      }
    }
    nlohmann::json records = litmus.records;
    for (const auto& record : models.records) records.push_back(record);
    for (const auto& record : hardware.records) records.push_back(record);
    for (const auto& record : tsan.records) records.push_back(record);
    for (const auto& record : stress.records) records.push_back(record);
    report::write_file_atomically(results, report::results_document(records).dump(2) + "\n");
    fs::remove(partial, ec);
    // The report reads results.json back as `memharness report` would: what
    // the page shows is what the file holds.
    merged = report::merge_results({report::read_results_file(results)});
    report_paths = report::write_report_files(merged, options.output_dir);
  } catch (const litmus::ParseError& error) {
    std::cerr << error.what() << "\n";
    return 2;
  } catch (const report::ResultsError& error) {
    std::cerr << "memharness: internal error: the results just written do not read back: " << error.what()
              << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "memharness: " << error.what() << "\n";
    return 2;
  }

  if (skip_litmus)
    std::cout << "litmus model checking: skipped (--skip litmus)\n";
  else
    std::cout << fmt::format(
        "litmus model checking: {} passed, {} failed, {} too large ({} checks, {:.2f} s)\n", litmus.passed,
        litmus.failed, litmus.too_large, litmus.records.size() - litmus.not_run, litmus.seconds);
  for (const auto& line : litmus.failures) std::cout << "  FAIL " << line << "\n";
  if (litmus.not_run > 0)
    std::cout << fmt::format("  budget of {} exhausted: {} checks not run\n", options.budget, litmus.not_run);
  if (skip_models)
    std::cout << "model checking: skipped (--skip models)\n";
  else
    std::cout << fmt::format("model checking: {} passed, {} failed, {} bound reached ({} models, {:.2f} s)\n",
                             models.passed, models.failed, models.bound_reached, models.records.size(),
                             models.seconds);
  for (const auto& line : models.failures) std::cout << "  FAIL " << line << "\n";
  if (models.not_run > 0)
    std::cout << fmt::format("  budget of {} exhausted: {} models not run\n", options.budget, models.not_run);
  if (skip_hardware)
    std::cout << "hardware litmus: skipped (--skip hardware)\n";
  else
    std::cout << fmt::format(
        "hardware litmus ({}{}): {} passed, {} failed, {} skipped, {} unjudged; {} weak outcomes observed "
        "({:.2f} "
        "s)\n",
        run::host_arch_name(run::host_arch()), report::detect_host().emulated ? ", emulated" : "",
        hardware.passed, hardware.failed, hardware.skipped, hardware.unjudged, hardware.weak_outcomes,
        hardware_seconds);
  for (const auto& line : hardware.failures) std::cout << "  FAIL " << line << "\n";
  print_tsan_line(tsan, tsan_binary, skip_tsan);
  if (stress_ran) {
    std::cout << fmt::format(
        "stress: {} pass, {} failed, {} hunted bugs found, {} not found (warning), {} clean{}\n",
        stress.passed, stress.failed, stress.found, stress.not_found, stress.clean,
        stress.not_run > 0 ? fmt::format("; budget exhausted: {} variants not run", stress.not_run)
                           : std::string());
    for (const auto& record : stress.records)
      if (record["verdict"] == "fail")
        std::cout << "  FAIL " << record["name"].get<std::string>() << ": "
                  << (record["first_failure"].is_null() ? record["error"].is_null()
                                                              ? std::string("failed")
                                                              : record["error"].get<std::string>()
                                                        : record["first_failure"]["kind"].get<std::string>())
                  << "\n";
  } else {
    std::cout << (skip_stress ? "stress: skipped (--skip stress)\n"
                              : "stress: not run (the budget was spent)\n");
  }
  std::cout << "results: " << results << "\n";
  print_report_location(merged, report_paths, std::cout);
  // Checks the budget left out are verdicts not established: not "all as expected".
  const bool litmus_as_expected = litmus.failed + litmus.too_large == 0 && litmus.not_run == 0;
  const bool models_as_expected = models.failed + models.bound_reached == 0 && models.not_run == 0;
  const bool stress_as_expected = skip_stress || (stress_ran && stress.failed == 0 && stress.not_run == 0);
  // No TSan build is not a failure (the summary says how to add one); a TSan
  // suite that failed, differed, or did not run all its tests is.
  const bool tsan_as_expected =
      std::all_of(tsan.records.begin(), tsan.records.end(),
                  [](const nlohmann::json& record) { return record["verdict"] == "pass"; });
  return litmus_as_expected && models_as_expected && hardware.failed == 0 && stress_as_expected &&
                 tsan_as_expected
             ? 0
             : 1;
}

}  // namespace mh::cli
