// memharness-stress-<protocol>: one protocol's stress variants, as
// `memharness stress <protocol>` runs them, in a binary of its own.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/stress_command.hpp"

int main(int argc, char** argv) try {
  mh::cli::StressOptions options;
  options.protocol = MEMHARNESS_STRESS_PROTOCOL;
  CLI::App app{std::string("memharness-stress-") + MEMHARNESS_STRESS_PROTOCOL +
               ": the protocol's stress variants on this machine's cores (docs/stress.md)"};
  app.set_version_flag("--version", std::string("memharness ") + MEMHARNESS_VERSION);
  mh::cli::add_stress_options(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << argv[0] << ": " << e.what() << "\n(run with --help for usage)\n";
    return 2;
  }
  return mh::cli::run_stress_command(options);
} catch (const std::exception& error) {
  std::cerr << "memharness: internal error: " << error.what() << "\n";
  return 2;
}
