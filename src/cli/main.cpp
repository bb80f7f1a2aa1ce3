// The `memharness` command: subcommands of DESIGN.md's contract.
// Exit codes: 0 all as expected, 1 a verdict differs, 2 bad input or usage.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/litmus_check.hpp"
#include "cli/litmus_run.hpp"
#include "cli/report_command.hpp"
#include "cli/stress_command.hpp"
#include "cli/tsan_command.hpp"
// The aarch64 cross build has only what runs on the target's cores (no model
// checker: its fiber library is not cross-packaged).
#ifndef MEMHARNESS_HARDWARE_ONLY
#include "cli/all_command.hpp"
#include "cli/check_command.hpp"
#endif

int main(int argc, char** argv) try {
  CLI::App app{"memharness: can this protocol reorder or race, under which memory model?"};
  app.set_version_flag("--version", std::string("memharness ") + MEMHARNESS_VERSION);
  app.require_subcommand(1);

  auto* litmus = app.add_subcommand(
      "litmus", "Litmus tests: check them against memory models, or run them on this machine's cores");
  litmus->require_subcommand(1);
  mh::cli::LitmusCheckOptions check;
  auto* litmus_check = litmus->add_subcommand(
      "check", "Evaluate litmus files against an axiomatic model and print herd7-style verdicts");
  litmus_check->add_option("files", check.files, "Litmus files (C, X86, X86_64, AArch64)")->required();
  litmus_check->add_option("--model", check.model,
                           "sc, tso, arm or rc11 (default: the test's architecture: X86 -> tso, "
                           "AArch64 -> arm, C -> rc11)");
  litmus_check->add_option("--json", check.json, "Write the results JSON (docs/results.md) to this file");
  litmus_check->add_option("--expected", check.expected,
                           "An expectations manifest (litmus/expected.tsv); exit 1 when a verdict differs");

  mh::cli::LitmusRunOptions hardware;
  auto* litmus_run = litmus->add_subcommand(
      "run", "Run litmus files on this machine's cores; every observed state is judged by the host's model");
  litmus_run
      ->add_option("files", hardware.files, "Litmus files (C anywhere; X86 on x86-64; AArch64 on AArch64)")
      ->required();
  litmus_run
      ->add_option("--budget", hardware.budget,
                   "Time for the whole command, shared by the tests (e.g. 2s, 1m)")
      ->capture_default_str();
  litmus_run->add_option("--mode", hardware.mode, "barrier, timebase or perpetual (docs/hardware.md)")
      ->capture_default_str();
  litmus_run
      ->add_option("--affinity", hardware.affinity,
                   "distinct-cores (one thread per core), smt-siblings, or none (the scheduler places them)")
      ->capture_default_str();
  litmus_run
      ->add_option("--size", hardware.size,
                   "Instances per batch (barrier, timebase); thousands of iterations per chunk (perpetual)")
      ->capture_default_str();
  litmus_run->add_option("--stride", hardware.stride, "Bytes between two locations of one instance")
      ->capture_default_str();
  litmus_run
      ->add_option("--delay", hardware.max_delay, "Largest random start delay, in spin-loop turns (0: none)")
      ->capture_default_str();
  litmus_run->add_option("--seed", hardware.seed, "Seed of the random start delays")->capture_default_str();
  litmus_run
      ->add_option("--iterations", hardware.iterations,
                   "Stop each test after this many instances, or at its share of the budget if that comes "
                   "first (0: the budget alone)")
      ->capture_default_str();
  litmus_run->add_flag("--no-progress", hardware.quiet_progress, "No progress line on a terminal");
  litmus_run->add_option("--json", hardware.json, "Write the results JSON (docs/results.md) to this file");

  mh::cli::StressOptions stress;
  auto* stress_command = app.add_subcommand(
      "stress",
      "Run the protocols' stress variants (real pipes, futexes, shared memory, semaphores) on this "
      "machine's cores");
  mh::cli::add_stress_options(*stress_command, stress);

  mh::cli::TsanOptions tsan;
  auto* tsan_command = app.add_subcommand(
      "tsan",
      "Run the ThreadSanitizer suite (a TSan build): C litmus tests, stress variants and probes, each "
      "TSan verdict compared with the model's (docs/tsan.md)");
  mh::cli::add_tsan_options(*tsan_command, tsan);

  mh::cli::ReportOptions report_options;
  auto* report_command = app.add_subcommand(
      "report", "Merge results files (any hosts, any runs) into index.html, summary.md and junit.xml");
  mh::cli::add_report_options(*report_command, report_options);

#ifndef MEMHARNESS_HARDWARE_ONLY
  mh::cli::CheckCommandOptions model_check;
  auto* check_command = app.add_subcommand(
      "check", "Model-check registered models (models/, MH_MODEL) against their expected errors");
  check_command->add_option("models", model_check.models, "Model names (default: every registered model)");
  check_command->add_flag("--list", model_check.list, "List the models: name, expected verdict, description");
  check_command->add_flag(
      "--traces", model_check.traces,
      "Print the trace of every error found, expected ones too (default: only of results that "
      "differ from their expectation, and of models named on the command line)");
  check_command->add_option("--json", model_check.json,
                            "Write the results JSON (docs/results.md) to this file");
  check_command->add_option("--model", model_check.memory_model,
                            "Memory model: rc11 or sc (default: the model's own, else rc11)");
  check_command->add_option("--mode", model_check.mode,
                            "Search: optimal, random or bounded (default: the model's own, else optimal)");
  // Validated here as well as by type: CLI11 would wrap "-1" into a huge
  // unsigned value rather than refuse it.
  check_command->add_option("--seed", model_check.seed, "Seed of the random mode")
      ->check(CLI::NonNegativeNumber);
  check_command->add_option("--bound", model_check.preemption_bound, "Preemption bound of the bounded mode")
      ->check(CLI::NonNegativeNumber);
  check_command
      ->add_option("--max-executions", model_check.max_executions, "Stop after N executions (0: no bound)")
      ->check(CLI::NonNegativeNumber);
  check_command
      ->add_option("--max-steps", model_check.max_steps_per_thread,
                   "Steps per thread before a bound is reached")
      ->check(CLI::PositiveNumber);
  check_command->add_option("--time-limit", model_check.time_limit,
                            "Time limit per model, e.g. 30s, 2m (0: none)");
  check_command->add_option("--replay", model_check.replay,
                            "Replay one execution by its id, with its trace (one model)");

  mh::cli::AllOptions all;
  auto* all_command = app.add_subcommand("all", "The main job: run every check and write the results");
  all_command
      ->add_option("-o,--output", all.output_dir,
                   "Folder for results.json and the report (index.html, summary.md, junit.xml)")
      ->required();
  all_command->add_option("--budget", all.budget, "Time budget for the whole job, e.g. 90s, 2m")
      ->capture_default_str();
  all_command->add_option("--suite", all.suite_dir, "Litmus suite directory (default: the shipped suite)");
  all_command
      ->add_option(
          "--skip", all.skip,
          "Phases to leave out, comma-separated: litmus (the suite against the models), models (model "
          "checking of models/), hardware (the litmus suite on this machine's cores), "
          "tsan (the TSan suite, run when build/tsan/memharness exists), stress (the protocols' stress "
          "variants)")
      ->delimiter(',');

#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 reports an unknown command as a missing one; name it instead.
    std::string reason = e.what();
    if (argc > 1 && argv[1][0] != '-' && app.get_subcommands().empty())
      reason = std::string("unknown command '") + argv[1] +
               "' (commands: litmus, check, stress, tsan, report, all)";
    else if (litmus->parsed() && argc > 2 && argv[2][0] != '-' && litmus->get_subcommands().empty())
      reason = std::string("unknown command 'litmus ") + argv[2] + "' (litmus commands: check, run)";
    std::cerr << "memharness: " << reason << "\n(run 'memharness --help' for usage)\n";
    return 2;
  }

  if (litmus_check->parsed()) return mh::cli::run_litmus_check(check);
  if (litmus_run->parsed()) return mh::cli::run_litmus_run(hardware);
  if (stress_command->parsed()) return mh::cli::run_stress_command(stress);
  if (tsan_command->parsed()) return mh::cli::run_tsan_command(tsan, argc, argv);
  if (report_command->parsed()) return mh::cli::run_report_command(report_options);
#ifndef MEMHARNESS_HARDWARE_ONLY
  if (check_command->parsed()) return mh::cli::run_check_command(model_check);
  if (all_command->parsed()) return mh::cli::run_all(all);
#endif
  return 2;
} catch (const std::exception& error) {
  // Commands report bad input themselves; anything reaching here is a bug.
  std::cerr << "memharness: internal error: " << error.what() << "\n";
  return 2;
}
