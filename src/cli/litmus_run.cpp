#include "cli/litmus_run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>

#include "axiom/checker.hpp"
#include "cli/duration.hpp"
#include "litmus/parser.hpp"
#include "litmus/printer.hpp"
#include "report/atomic_file.hpp"
#include "report/herd_format.hpp"
#include "report/host.hpp"
#include "report/litmus_hw_json.hpp"
#include "report/litmus_json.hpp"
#include "run/affinity.hpp"
#include "run/codegen.hpp"
#include "run/native_loader.hpp"
#include "run/runner.hpp"

namespace mh::cli {
namespace {

std::optional<run::Mode> parse_mode(const std::string& text) {
  if (text == "barrier") return run::Mode::barrier;
  if (text == "timebase") return run::Mode::timebase;
  if (text == "perpetual") return run::Mode::perpetual;
  return std::nullopt;
}

std::optional<run::Placement> parse_affinity(const std::string& text) {
  if (text == "distinct-cores") return run::Placement::distinct_cores;
  if (text == "smt-siblings") return run::Placement::smt_siblings;
  if (text == "none" || text == "scheduler") return run::Placement::scheduler;
  return std::nullopt;
}

// The model that judges a test on this host: its own architecture's.
axiom::ModelKind host_model(const litmus::Test& test) { return axiom::default_model(test.arch); }

bool allowed_by(const axiom::CheckResult& result, const run::State& state) {
  return std::any_of(result.states.begin(), result.states.end(),
                     [&](const axiom::FinalState& s) { return s.values == state; });
}

std::string state_text(const litmus::Test& test, const std::vector<litmus::CondTerm>& observed,
                       const run::State& state) {
  std::string line;
  for (std::size_t i = 0; i < observed.size(); ++i)
    line += fmt::format("{}{}={};", i == 0 ? "" : " ", report::format_term(test, observed[i]),
                        axiom::format_value(test, state[i]));
  return line;
}

std::string with_commas(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

int run_litmus_run(const LitmusRunOptions& options) {
  namespace fs = std::filesystem;
  const auto mode = parse_mode(options.mode);
  if (!mode) {
    std::cerr << "memharness: unknown --mode '" << options.mode << "' (barrier, timebase, perpetual)\n";
    return 2;
  }
  const auto placement = parse_affinity(options.affinity);
  if (!placement) {
    std::cerr << "memharness: unknown --affinity '" << options.affinity
              << "' (distinct-cores, smt-siblings, none)\n";
    return 2;
  }
  const double budget = parse_duration_seconds(options.budget);
  if (budget <= 0) {
    std::cerr << "memharness: --budget '" << options.budget << "' is not a positive duration (e.g. 2s, 500ms, 1m)\n";
    return 2;
  }
  if (options.size < 1 || options.size > 1'000'000) {
    std::cerr << "memharness: --size must be between 1 and 1000000\n";
    return 2;
  }
  if (options.stride < 8 || options.stride % 8 != 0 || options.stride > 65536) {
    std::cerr << "memharness: --stride must be a multiple of 8 between 8 and 65536 bytes\n";
    return 2;
  }
  if (options.max_delay < 0 || options.max_delay > 65535) {
    std::cerr << "memharness: --delay must be between 0 and 65535\n";
    return 2;
  }
  if (!options.json.empty()) {
    const fs::path parent = fs::absolute(options.json).parent_path();
    if (!fs::is_directory(parent) || ::access(parent.c_str(), W_OK) != 0) {
      std::cerr << "memharness: cannot write --json " << options.json << ": " << parent.string()
                << " is not a writable directory\n";
      return 2;
    }
  }
  std::vector<litmus::Test> tests;
  try {
    for (const auto& file : options.files) tests.push_back(litmus::parse_litmus_file(file));
  } catch (const litmus::ParseError& error) {
    std::cerr << error.what() << "\n";
    return 2;
  }

  const auto start = std::chrono::steady_clock::now();
  run::detect_topology();
  const bool emulated = report::detect_host().emulated;
  const bool show_progress = !options.quiet_progress && ::isatty(STDERR_FILENO) != 0;

  // First what every test needs besides time on the cores (the models'
  // verdicts, native code), so that the budget left is shared by the runs.
  struct Prepared {
    report::HardwareRun record;
    axiom::CheckResult allowed, sc;
    const run::NativeTest* native = nullptr;
  };
  std::vector<Prepared> prepared(tests.size());
  std::size_t runnable = 0;
  for (std::size_t index = 0; index < tests.size(); ++index) {
    const litmus::Test& test = tests[index];
    Prepared& p = prepared[index];
    report::HardwareRun& record = p.record;
    record.test = &test;
    record.options.mode = *mode;
    record.options.placement = *placement;
    record.options.size = options.size;
    record.options.stride = options.stride;
    record.options.max_delay = options.max_delay;
    record.options.seed = options.seed;
    record.emulated = emulated;
    if (auto reason = run::unsupported_on(test, run::host_arch())) {
      record.skipped = *reason;
    } else if (*mode == run::Mode::perpetual) {
      if (auto reason = run::perpetual_unsupported(test))
        record.skipped = "the perpetual mode cannot run it: " + *reason + " (the barrier and timebase modes can)";
    }
    if (!record.skipped.empty()) continue;
    // What the host's model allows, and what SC allows (a state SC forbids
    // is a weak outcome).
    axiom::CheckLimits limits;
    limits.max_seconds = 10;
    p.allowed = axiom::check_test(test, host_model(test), limits);
    p.sc = axiom::check_test(test, axiom::ModelKind::SC, limits);
    try {
      p.native = &run::load_native_test(test, &record.origin);
    } catch (const std::exception& error) {
      std::cerr << fmt::format("memharness: {}: {}\n", test.file, error.what());
      return 2;
    }
    ++runnable;
  }

  int exit_code = 0;
  nlohmann::json records = nlohmann::json::array();
  std::size_t runs_left = runnable;
  for (std::size_t index = 0; index < tests.size(); ++index) {
    const litmus::Test& test = tests[index];
    Prepared& p = prepared[index];
    report::HardwareRun& record = p.record;
    const axiom::CheckResult& allowed = p.allowed;
    const axiom::CheckResult& sc = p.sc;
    const auto skip = [&](const std::string& why) {
      std::cout << fmt::format("Test {} skipped: {}\n\n", test.name, why) << std::flush;
      record.verdict = "skipped";
      record.skipped = why;
      records.push_back(report::litmus_hw_result(record));
    };
    if (!record.skipped.empty()) {
      skip(record.skipped);
      continue;
    }
    const bool judged = allowed.status == axiom::CheckResult::Status::Ok;
    record.host_model = judged ? &allowed : nullptr;
    record.sc = sc.status == axiom::CheckResult::Status::Ok ? &sc : nullptr;

    // The budget left, shared by the runs left.
    const double used = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    record.options.budget_seconds = std::max((budget - used) / static_cast<double>(runs_left), 0.0);
    --runs_left;
    if (show_progress)
      record.options.progress = [&](double elapsed, std::uint64_t iterations) {
        std::cerr << fmt::format("\r[{}/{}] {} ({}): {:.1f}/{:.1f} s, {} iterations   ", index + 1, tests.size(),
                                 test.name, run::mode_name(*mode), elapsed, record.options.budget_seconds,
                                 with_commas(iterations))
                  << std::flush;
      };
    try {
      record.result = run::run_test(test, *p.native, allowed.observed, record.options);
    } catch (const std::invalid_argument& error) {
      skip(error.what());
      continue;
    }
    if (show_progress) std::cerr << "\r\033[K" << std::flush;

    const run::RunResult& result = record.result;
    const auto& observed = allowed.observed;
    std::uint64_t positive = 0, negative = 0, forbidden = 0;
    std::string out = fmt::format("Test {} {}\n", test.name,
                                  test.condition.quantifier == litmus::Quantifier::Exists      ? "Allowed"
                                  : test.condition.quantifier == litmus::Quantifier::NotExists ? "Forbidden"
                                                                                               : "Required");
    out += fmt::format("Histogram ({} states)\n", result.histogram.size());
    for (const auto& [state, count] : result.histogram) {
      const bool satisfies = axiom::state_satisfies(test.condition.prop, observed, state);
      (satisfies ? positive : negative) += count;
      std::string note;
      if (judged && !allowed_by(allowed, state)) {
        ++forbidden;
        note = fmt::format("  <- FORBIDDEN by {}", axiom::model_name(allowed.model));
      } else if (record.sc && !allowed_by(sc, state)) {
        note = "  (weak: SC forbids it)";
      }
      out += fmt::format("{:<10}{}{}{}\n", count, satisfies ? "*>" : ":>", state_text(test, observed, state), note);
    }
    const bool validated = test.condition.quantifier == litmus::Quantifier::Exists      ? positive > 0
                           : test.condition.quantifier == litmus::Quantifier::NotExists ? positive == 0
                                                                                        : negative == 0;
    out += validated ? "Ok\n" : "No\n";
    out += fmt::format("Witnesses\nPositive: {}, Negative: {}\n", positive, negative);
    out += fmt::format("Condition {} is {}validated\n", litmus::print_condition(test, test.condition),
                       validated ? "" : "NOT ");
    out += fmt::format("Observation {} {} {} {}\n", test.name,
                       positive == 0 ? "Never" : negative == 0 ? "Always" : "Sometimes", positive, negative);
    std::string cpus;
    for (int cpu : result.cpus) cpus += (cpus.empty() ? "" : ",") + (cpu < 0 ? std::string("any") : std::to_string(cpu));
    out += fmt::format("Mode {}: {} {} in {:.2f} s on CPUs {} ({}{})\n", run::mode_name(*mode),
                       with_commas(result.iterations), *mode == run::Mode::perpetual ? "iterations" : "instances",
                       result.seconds, cpus, result.topology_source,
                       result.oversubscribed ? "; more threads than CPUs" : "");
    if (emulated)
      out += "Emulated: an emulator ran this test; it shows the host's orderings, not this architecture's\n";
    if (!judged) out += fmt::format("Model {} could not judge this test: {}\n", axiom::model_name(allowed.model),
                                    allowed.too_large_reason);
    out += fmt::format("Time {} {:.2f}\n", test.name, result.seconds);

    record.verdict = judged ? "pass" : "unjudged";
    if (forbidden > 0) {
      record.verdict = "fail";
      out += fmt::format("!!! {} observed {} state(s) that {} forbids: a harness bug or a hardware bug\n", test.name,
                         forbidden, axiom::model_name(allowed.model));
    }
    if (!result.hang.empty()) {
      record.verdict = "fail";
      out += fmt::format("!!! {} hung: {}\n", test.name, result.hang);
    }
    if (!result.coherence_violation.empty()) {
      record.verdict = "fail";
      out += fmt::format("!!! {}: {}\n", test.name, result.coherence_violation);
    }
    if (record.verdict == "fail") exit_code = 1;
    std::cout << out << "\n" << std::flush;
    if (record.verdict == "fail")
      std::cerr << fmt::format("memharness: {}: {}\n", test.file,
                               !result.hang.empty() ? "hung" : forbidden > 0 ? "forbidden state observed"
                                                                             : "coherence violation");
    records.push_back(report::litmus_hw_result(record));
    if (!result.hang.empty()) break;  // its threads are still running: the rest would share their CPUs
  }
  if (!options.json.empty()) {
    try {
      report::write_file_atomically(options.json, report::results_document(records).dump(2) + "\n");
    } catch (const std::exception& error) {
      std::cerr << "memharness: " << error.what() << "\n";
      return 2;
    }
  }
  return exit_code;
}

}  // namespace mh::cli
