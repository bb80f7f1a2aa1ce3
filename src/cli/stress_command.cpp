#include "cli/stress_command.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>

#include "cli/duration.hpp"
#include "cli/json_output.hpp"
#include "cli/option_checks.hpp"
#include "report/host.hpp"
#include "stress/object_names.hpp"
#include "stress/supervisor.hpp"

namespace mh::cli {
namespace {

// The variants `names` select, in registration order; throws
// std::invalid_argument naming a name that selects nothing.
std::vector<const stress::Variant*> select_variants(const std::vector<std::string>& names,
                                                    const std::string& protocol) {
  std::vector<const stress::Variant*> candidates;
  for (const auto& variant : stress::registered_variants())
    if (protocol.empty() || variant.protocol == protocol) candidates.push_back(&variant);
  if (names.empty()) return candidates;
  std::vector<const stress::Variant*> selected;
  for (const auto& name : names) {
    std::vector<const stress::Variant*> matches;
    for (const auto* variant : candidates)
      if (variant->protocol == name || variant->full_name() == name || variant->name == name)
        matches.push_back(variant);
    if (matches.empty())
      throw std::invalid_argument("no stress variant or protocol named '" + name + "' (--list shows them)");
    for (const auto* match : matches)
      if (std::find(selected.begin(), selected.end(), match) == selected.end()) selected.push_back(match);
  }
  return selected;
}

std::string rate_text(double per_second) {
  if (per_second >= 1e6) return fmt::format("{:.2f}M/s", per_second / 1e6);
  if (per_second >= 1e3) return fmt::format("{:.1f}k/s", per_second / 1e3);
  return fmt::format("{:.0f}/s", per_second);
}

std::string cpu_list(const std::vector<int>& cpus) {
  if (cpus.empty() || cpus.front() < 0) return "unpinned";
  std::string text;
  for (std::size_t i = 0; i < cpus.size() && i < 8; ++i) text += (i > 0 ? "," : "") + std::to_string(cpus[i]);
  if (cpus.size() > 8) text += ",...";
  return text;
}

struct SuiteSettings {
  double budget = 10;
  int threads = 0;
  run::Placement placement = run::Placement::distinct_cores;
  std::uint64_t seed = 1;
  bool stop_at_first_failure = false;
};

StressSummary run_variants(const std::vector<const stress::Variant*>& variants, const SuiteSettings& suite,
                           std::ostream& out, bool progress_line,
                           const std::function<void(const nlohmann::json&)>& record_done) {
  StressSummary summary;
  const report::HostInfo host = report::detect_host();
  // Once here rather than in every variant's process (hwloc takes a while).
  run::detect_topology();
  const stress::HostFacts facts{host.arch, host.emulated};
  stress::remove_stale_objects();
  stress::InterruptGuard interrupt_guard;

  out << fmt::format("stress: {} variant{} in {:.1f} s on {} ({} CPUs{})\n", variants.size(),
                     variants.size() == 1 ? "" : "s", suite.budget, host.arch, host.cores,
                     host.emulated ? ", emulated: the host's orderings, not the target's" : "");
  out << fmt::format("{:<44} {:<8} {:<10} {:>8} {:>11} {:>10}  {}\n", "variant", "expected", "verdict",
                     "workers", "ops", "violations", "first failure");
  out.flush();
  const auto started = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  std::vector<stress::Outcome> outcomes;
  // Below a tenth of a second a variant's start-up is most of its time: a
  // budget too small for every variant runs the first ones, the rest are
  // recorded as not run.
  constexpr double least_share = 0.1;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const stress::Variant& variant = *variants[i];
    // An even share of what is left, so a variant that ended early (a bug
    // found at once) or late (a hang reported) evens out over the rest.
    const double left = std::max(0.0, suite.budget - elapsed());
    const std::size_t fit = static_cast<std::size_t>(left / least_share);
    if (fit == 0 && i > 0) {
      for (std::size_t j = i; j < variants.size(); ++j) {
        stress::RunSettings none;
        none.seconds = 0;
        none.placement = suite.placement;
        stress::Outcome not_run = stress::outcome_of(*variants[j], none, facts);
        not_run.verdict = "not-run";
        out << fmt::format("{:<44} {:<8} {:<10}\n", not_run.name,
                           stress::expectation_name(not_run.expectation), "not run");
        nlohmann::json record = stress::to_json(not_run);
        record["host"] = report::to_json(host);
        if (record_done) record_done(record);
        summary.records.push_back(record);
        ++summary.not_run;
      }
      break;
    }
    stress::RunSettings settings;
    settings.seconds =
        std::max(least_share, left / double(std::min(variants.size() - i, std::max<std::size_t>(fit, 1))));
    settings.threads = suite.threads;
    settings.placement = suite.placement;
    settings.seed = suite.seed + i;
    settings.stop_at_first_failure = suite.stop_at_first_failure;
    const stress::ProgressCallback progress = [&](double seconds) {
      if (!progress_line) return;
      std::cerr << fmt::format("\r\033[K[{}/{}] {} {:.1f}/{:.1f} s", i + 1, variants.size(),
                               variant.full_name(), seconds, settings.seconds)
                << std::flush;
    };
    stress::Outcome outcome = stress::run_isolated(variant, settings, facts, progress);
    if (progress_line) std::cerr << "\r\033[K" << std::flush;
    if (outcome.verdict == "interrupted") break;
    std::string first = "-";
    if (outcome.first_failure)
      first = fmt::format("{:.3f} s: {}", outcome.first_failure->at_seconds, outcome.first_failure->kind);
    else if (!outcome.error.empty())
      first = "error";
    std::string verdict = outcome.verdict;
    if (verdict == "fail") verdict = "FAIL";
    out << fmt::format("{:<44} {:<8} {:<10} {:>8} {:>11} {:>10}  {}\n", outcome.name,
                       stress::expectation_name(outcome.expectation), verdict, outcome.workers,
                       rate_text(outcome.seconds > 0 ? double(outcome.operations) / outcome.seconds : 0),
                       outcome.violations, first);
    out.flush();
    nlohmann::json record = stress::to_json(outcome);
    record["host"] = report::to_json(host);
    if (record_done) record_done(record);
    summary.records.push_back(record);
    if (outcome.verdict == "pass") ++summary.passed;
    if (outcome.verdict == "fail") ++summary.failed;
    if (outcome.verdict == "found") ++summary.found;
    if (outcome.verdict == "not-found") ++summary.not_found;
    if (outcome.verdict == "clean") ++summary.clean;
    outcomes.push_back(std::move(outcome));
  }

  // The evidence: every failure in full, and what each hunted bug looked like.
  for (const auto& outcome : outcomes) {
    if (outcome.verdict == "fail") {
      out << fmt::format("\nFAIL {} ({} workers on CPUs {}):\n", outcome.name, outcome.workers,
                         cpu_list(outcome.cpus));
      if (!outcome.error.empty()) out << "  error: " << outcome.error << "\n";
    } else if (outcome.verdict == "found") {
      out << fmt::format("\nfound {}:\n", outcome.name);
    } else {
      continue;
    }
    if (outcome.first_failure)
      out << fmt::format(
          "  first failure after {:.3f} s ({} of {} operations were checked in {:.2f} s): {}: {}\n",
          outcome.first_failure->at_seconds, outcome.violations, outcome.operations, outcome.seconds,
          outcome.first_failure->kind, outcome.first_failure->details);
  }
  for (const auto& outcome : outcomes)
    if (outcome.verdict == "not-found")
      out << fmt::format(
          "\nwarning: {}: the hunted bug was not seen in {:.2f} s ({} operations); the hardware may "
          "not reorder that way, or needs longer\n",
          outcome.name, outcome.seconds, outcome.operations);
  out << fmt::format(
      "\nStress: {} pass, {} hunted bugs found, {} clean (not expected here), {} not found "
      "(warning), {} FAILED{} in {:.1f} s\n",
      summary.passed, summary.found, summary.clean, summary.not_found, summary.failed,
      summary.not_run > 0 ? fmt::format(", {} not run", summary.not_run) : std::string(), elapsed());
  if (summary.not_run > 0)
    out << fmt::format(
        "{} variants not run: {:.1f} s is too little for {} variants (at least {:.1f} s each)\n",
        summary.not_run, suite.budget, variants.size(), least_share);
  if (stress::InterruptGuard::interrupted()) {
    summary.interrupted_by = stress::InterruptGuard::signal_number();
    out << "Interrupted: the remaining variants did not run.\n";
  }
  return summary;
}

}  // namespace

void add_stress_options(CLI::App& command, StressOptions& options) {
  command.add_option("names", options.names,
                     "Protocols or variants to run (futex_mutex, futex_mutex/take3, take3; default: all)");
  command
      .add_option("--budget", options.budget,
                  "Time for the whole command, shared by the variants (e.g. 10s, 2m)")
      ->capture_default_str();
  command.add_option("--threads", options.threads, "Worker threads per variant (default: one per CPU)");
  command
      .add_option("--affinity", options.affinity,
                  "distinct-cores (one worker per core), smt-siblings, or none (the scheduler places them)")
      ->capture_default_str();
  command.add_option("--seed", options.seed, "Seed of the variants' random choices")->capture_default_str();
  command.add_flag(
      "--stop-at-first-failure", options.stop_at_first_failure,
      "End each variant at its first violation (time to first detection), not at the end of its share");
  command.add_flag("--list", options.list, "List the variants: name, expectation, description");
  command.add_flag("--no-progress", options.quiet_progress, "No progress line on a terminal");
  command.add_option("--json", options.json, "Write the results JSON (docs/results.md) to this file");
}

int run_stress_command(const StressOptions& options) {
  namespace fs = std::filesystem;
  std::vector<const stress::Variant*> variants;
  try {
    variants = select_variants(options.names, options.protocol);
  } catch (const std::invalid_argument& error) {
    std::cerr << "memharness: " << error.what() << "\n";
    return 2;
  }
  if (options.list) {
    for (const auto* variant : variants) {
      std::string where = stress::expectation_name(variant->expectation);
      if (!variant->hunted_on.empty()) {
        where += " on";
        for (const auto& arch : variant->hunted_on) where += " " + arch;
      }
      std::cout << fmt::format("{:<44} {:<18} {}\n", variant->full_name(), where, variant->description);
    }
    return 0;
  }
  const double budget = parse_duration_seconds(options.budget);
  if (budget <= 0) {
    std::cerr << "memharness: --budget '" << options.budget
              << "' is not a positive duration (e.g. 10s, 500ms, 1m)\n";
    return 2;
  }
  if (budget > 7 * 24 * 3600.0) {
    std::cerr << "memharness: --budget '" << options.budget << "' is more than a week\n";
    return 2;
  }
  if (options.threads < 0 || options.threads > stress::Context::max_workers) {
    std::cerr << "memharness: --threads must be between 1 and " << stress::Context::max_workers << "\n";
    return 2;
  }
  const auto placement = parse_affinity_option(options.affinity);
  if (!placement) return 2;
  const auto seed = parse_seed_option(options.seed);
  if (!seed) return 2;
  if (!options.json.empty() && !json_path_writable(options.json)) return 2;
  SuiteSettings suite;
  suite.budget = budget;
  suite.threads = options.threads;
  suite.placement = *placement;
  suite.seed = *seed;
  suite.stop_at_first_failure = options.stop_at_first_failure;
  const bool terminal = !options.quiet_progress && ::isatty(STDERR_FILENO) != 0;
  const StressSummary summary = run_variants(variants, suite, std::cout, terminal, nullptr);
  if (summary.interrupted_by != 0) return 128 + summary.interrupted_by;
  if (!write_json_output(options.json, summary.records)) return 2;
  // Variants the budget left out are verdicts not established.
  return summary.failed > 0 || summary.not_run > 0 ? 1 : 0;
}

StressSummary run_stress_suite(const std::vector<std::string>& names, double budget, int threads,
                               std::ostream& out, bool progress_line,
                               const std::function<void(const nlohmann::json&)>& record_done) {
  SuiteSettings suite;
  suite.budget = budget;
  suite.threads = threads;
  return run_variants(select_variants(names, ""), suite, out, progress_line, record_done);
}

}  // namespace mh::cli
