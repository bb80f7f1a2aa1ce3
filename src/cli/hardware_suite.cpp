#include "cli/hardware_suite.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <stdexcept>

#include "axiom/checker.hpp"
#include "litmus/printer.hpp"
#include "report/herd_format.hpp"
#include "report/host.hpp"
#include "report/litmus_hw_json.hpp"
#include "run/affinity.hpp"
#include "run/codegen.hpp"
#include "run/native_loader.hpp"

namespace mh::cli {
namespace {

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

bool has_backward_branch(const litmus::Test& test) {
  for (const litmus::Thread& thread : test.threads)
    for (std::size_t i = 0; i < thread.code.size(); ++i) {
      const litmus::Instr& instr = thread.code[i];
      if ((instr.kind == litmus::InstrKind::BranchIf || instr.kind == litmus::InstrKind::Jump) &&
          instr.target <= static_cast<int>(i))
        return true;
    }
  return false;
}

}  // namespace

HardwareOutcome run_hardware_tests(const std::vector<litmus::Test>& tests, const HardwareSettings& settings,
                                   double budget, std::ostream* text, bool progress_line,
                                   const std::function<void(const nlohmann::json&)>& record_done) {
  const auto start = std::chrono::steady_clock::now();
  run::detect_topology();
  const bool emulated = report::detect_host().emulated;
  const bool show_progress = progress_line;
  const run::Mode mode = settings.mode;

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
    record.options.mode = settings.mode;
    record.options.placement = settings.placement;
    record.options.size = settings.size;
    record.options.stride = settings.stride;
    record.options.max_delay = settings.max_delay;
    record.options.seed = settings.seed;
    record.options.max_iterations = settings.iterations;
    record.emulated = emulated;
    if (auto reason = run::unsupported_on(test, run::host_arch())) {
      record.skipped = *reason;
    } else if (mode == run::Mode::perpetual) {
      if (auto reason = run::perpetual_unsupported(test))
        record.skipped = "the perpetual mode cannot run it: " + *reason + " (the barrier and timebase modes can)";
    }
    if (!record.skipped.empty()) continue;
    // What the host's model allows, and what SC allows (a state SC forbids
    // is a weak outcome).
    // The models get a share of the budget too (a test they cannot finish
    // in it runs unjudged).
    axiom::CheckLimits limits;
    limits.max_seconds = std::clamp(budget / (4.0 * static_cast<double>(tests.size())), 0.2, 10.0);
    p.allowed = axiom::check_test(test, host_model(test), limits);
    p.sc = axiom::check_test(test, axiom::ModelKind::SC, limits);
    try {
      p.native = &run::load_native_test(test, &record.origin);
    } catch (const std::exception& error) {
      throw std::runtime_error(fmt::format("{}: {}", test.file, error.what()));
    }
    ++runnable;
  }

  HardwareOutcome outcome;
  const auto finish = [&](const nlohmann::json& record) {
    outcome.records.push_back(record);
    if (record_done) record_done(record);
  };
  std::size_t runs_left = runnable;
  for (std::size_t index = 0; index < tests.size(); ++index) {
    const litmus::Test& test = tests[index];
    Prepared& p = prepared[index];
    report::HardwareRun& record = p.record;
    const axiom::CheckResult& allowed = p.allowed;
    const axiom::CheckResult& sc = p.sc;
    const auto skip = [&](const std::string& why) {
      if (text != nullptr) *text << fmt::format("Test {} skipped: {}\n\n", test.name, why) << std::flush;
      record.verdict = "skipped";
      record.skipped = why;
      ++outcome.skipped;
      finish(report::litmus_hw_result(record));
    };
    if (!record.skipped.empty()) {
      skip(record.skipped);
      continue;
    }
    const bool judged = allowed.status == axiom::CheckResult::Status::Ok;
    record.host_model = judged ? &allowed : nullptr;
    // The model follows a backward branch twice (herd's -unroll 2) and drops
    // longer paths: a state it does not list may come from a longer run, so
    // it is left unjudged rather than called forbidden.
    record.model_complete = judged && !has_backward_branch(test);
    record.sc = sc.status == axiom::CheckResult::Status::Ok ? &sc : nullptr;

    // The budget left, shared by the runs left.
    const double used = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    record.options.budget_seconds = std::max((budget - used) / static_cast<double>(runs_left), 0.0);
    --runs_left;
    if (show_progress)
      record.options.progress = [&](double elapsed, std::uint64_t iterations) {
        std::cerr << fmt::format("\r[{}/{}] {} ({}): {:.1f}/{:.1f} s, {} iterations   ", index + 1, tests.size(),
                                 test.name, run::mode_name(mode), elapsed, record.options.budget_seconds,
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
    std::uint64_t positive = 0, negative = 0, forbidden = 0, unjudged_states = 0;
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
        if (record.model_complete) {
          ++forbidden;
          note = fmt::format("  <- FORBIDDEN by {}", axiom::model_name(allowed.model));
        } else {
          ++unjudged_states;
          note = "  (not judged: the model follows loops twice)";
        }
      } else if (record.sc && !allowed_by(sc, state)) {
        note = "  (weak: SC forbids it)";
        outcome.weak_outcomes += count;
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
    out += fmt::format("Mode {}: {} {} in {:.2f} s on CPUs {} ({}{})\n", run::mode_name(mode),
                       with_commas(result.iterations), mode == run::Mode::perpetual ? "iterations" : "instances",
                       result.seconds, cpus, result.topology_source,
                       result.oversubscribed ? "; more threads than CPUs" : "");
    if (result.unpinned_threads > 0)
      out += fmt::format("Pinning: the system refused to pin {} thread(s); they ran where the scheduler put them\n",
                         result.unpinned_threads);
    if (emulated)
      out += "Emulated: an emulator ran this test; it shows the host's orderings, not this architecture's\n";
    if (!judged) out += fmt::format("Model {} could not judge this test: {}\n", axiom::model_name(allowed.model),
                                    allowed.too_large_reason);
    out += fmt::format("Time {} {:.2f}\n", test.name, result.seconds);

    record.verdict = judged && unjudged_states == 0 ? "pass" : "unjudged";
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
    if (text != nullptr) *text << out << "\n" << std::flush;
    if (record.verdict == "fail") {
      ++outcome.failed;
      outcome.failures.push_back(fmt::format("{}: {} ({} mode)", test.file,
                                             !result.hang.empty() ? "hung"
                                             : forbidden > 0      ? "forbidden state observed"
                                                                  : "coherence violation",
                                             run::mode_name(mode)));
    } else if (record.verdict == "pass") {
      ++outcome.passed;
    } else {
      ++outcome.unjudged;
    }
    finish(report::litmus_hw_result(record));
    if (!result.hang.empty()) {
      // Its threads are still running: the rest would share their CPUs.
      for (std::size_t rest = index + 1; rest < tests.size(); ++rest) {
        report::HardwareRun& later = prepared[rest].record;
        later.verdict = "skipped";
        later.skipped = later.skipped.empty() ? "not run: an earlier test's threads never returned" : later.skipped;
        if (text != nullptr) *text << fmt::format("Test {} skipped: {}\n\n", tests[rest].name, later.skipped);
        ++outcome.skipped;
        finish(report::litmus_hw_result(later));
      }
      break;
    }
  }
  return outcome;
}

}  // namespace mh::cli
