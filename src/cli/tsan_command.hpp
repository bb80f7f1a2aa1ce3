// `memharness tsan [NAME...]`: the ThreadSanitizer suite (tsan/, docs/tsan.md).
// Every C litmus test, every stress variant and the probes run under TSan,
// and TSan's verdict is compared with the expected one. It runs in a
// ThreadSanitizer build (the tsan preset); any other build hands the command
// to the TSan build beside it (build/tsan/memharness) or says how to make one.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace mh::cli {

struct TsanOptions {
  std::vector<std::string>
      names;  // a test's name, or a prefix ending at a '/' (stress/futex_mutex); empty: all
  bool list = false;
  int runs = 3;
  std::uint64_t iterations = 20000;
  std::string stress_budget = "2s";
  std::string budget;     // time for the whole suite; tests it does not reach are recorded not-run; "": none
  std::string json;
  std::string keep_logs;  // a folder to keep every run's logs in
};

void add_tsan_options(CLI::App& command, TsanOptions& options);

int run_tsan_command(const TsanOptions& options, int argc, char** argv);

}  // namespace mh::cli
