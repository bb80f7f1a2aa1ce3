#include "cli/litmus_run.hpp"

#include <unistd.h>

#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <optional>
#include <stdexcept>

#include "cli/duration.hpp"
#include "cli/hardware_suite.hpp"
#include "cli/json_output.hpp"
#include "cli/option_checks.hpp"
#include "litmus/parser.hpp"
#include "run/runner.hpp"

namespace mh::cli {
namespace {

std::optional<run::Mode> parse_mode(const std::string& text) {
  if (text == "barrier") return run::Mode::barrier;
  if (text == "timebase") return run::Mode::timebase;
  if (text == "perpetual") return run::Mode::perpetual;
  return std::nullopt;
}

}  // namespace

int run_litmus_run(const LitmusRunOptions& options) {
  namespace fs = std::filesystem;
  const auto mode = parse_mode(options.mode);
  if (!mode) {
    std::cerr << "memharness: unknown --mode '" << options.mode << "' (barrier, timebase, perpetual)\n";
    return 2;
  }
  const auto placement = parse_affinity_option(options.affinity);
  if (!placement) return 2;
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
  const auto seed = parse_seed_option(options.seed);
  if (!seed) return 2;
  if (!options.json.empty() && !json_path_writable(options.json)) return 2;
  std::vector<litmus::Test> tests;
  try {
    for (const auto& file : options.files) tests.push_back(litmus::parse_litmus_file(file));
  } catch (const litmus::ParseError& error) {
    std::cerr << error.what() << "\n";
    return 2;
  }

  // Instances of the largest test must fit in memory (a gibibyte here).
  std::size_t most_locations = 1;
  for (const auto& test : tests) most_locations = std::max(most_locations, test.locations.size());
  const double instance_bytes = static_cast<double>(options.size) * options.stride * static_cast<double>(most_locations);
  if (*mode != run::Mode::perpetual && instance_bytes > double(1 << 30)) {
    std::cerr << fmt::format("memharness: --size {} x --stride {} x {} locations needs {:.1f} GiB; at most 1 GiB\n",
                             options.size, options.stride, most_locations, instance_bytes / double(1 << 30));
    return 2;
  }

  HardwareSettings settings;
  settings.mode = *mode;
  settings.placement = *placement;
  settings.size = options.size;
  settings.stride = options.stride;
  settings.max_delay = options.max_delay;
  settings.seed = *seed;
  settings.iterations = options.iterations;
  const bool terminal = !options.quiet_progress && ::isatty(STDERR_FILENO) != 0;
  HardwareOutcome outcome;
  try {
    outcome = run_hardware_tests(tests, settings, budget, &std::cout, terminal, nullptr);
  } catch (const std::runtime_error& error) {
    std::cerr << "memharness: " << error.what() << "\n";
    return 2;
  }
  for (const auto& failure : outcome.failures) std::cerr << "memharness: " << failure << "\n";
  const nlohmann::json& records = outcome.records;
  if (!write_json_output(options.json, records)) return 2;
  return outcome.failed > 0 ? 1 : 0;
}

}  // namespace mh::cli
