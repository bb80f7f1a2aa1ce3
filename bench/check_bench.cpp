// Times the model checker (src/check) on whole checks of registered models:
//   - the mutex-protected counter with N = 1..8 threads, whose optimal
//     exploration has exactly N! executions (GenMC's benchmark; DESIGN.md's
//     anchor is N = 8: 40,320 executions in 3.3 s): executions, blocked
//     executions, runs and the median time of one check;
//   - executions per second on small models (Peterson, SPSC ring, SB,
//     Dekker), each checked over and over for at least MIN_SECONDS per run,
//     so that a check of a millisecond is not timed alone;
//   - every variant of the protocol models (futex mutex, pipe handoff, shared
//     memory + semaphore): verdict, executions, runs and the median time;
//   - executions per second over the whole registered suite, each model with
//     its own registered options, as `memharness check` runs it.
// Every time is the median of RUNS runs. "executions" are complete,
// consistent executions (GenMC's count); "runs" are the times the code ran,
// blocked runs and dead ends included; "replays" the runs that replayed the
// code from the start (a blocked run on a mutex or condition variable is
// continued in place by the revisit that unblocks it).
// Usage: check_bench [RUNS] [MIN_SECONDS] [MODEL]   (defaults: 5 runs, 0.5 s)
// With MODEL only that model's rate is measured (for a profiler).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "check/model_registry.hpp"

#include "timing.hpp"

namespace {

using mh::bench::Clock;
using mh::bench::median;
using mh::bench::seconds_since;

std::uint64_t factorial(int n) {
  std::uint64_t f = 1;
  for (int i = 2; i <= n; ++i) f *= static_cast<std::uint64_t>(i);
  return f;
}

const char* verdict_text(const mh::check_result& r) {
  switch (r.verdict) {
    case mh::verdict::ok: return "ok";
    case mh::verdict::error_found: return "error";
    case mh::verdict::bound_reached: return "bound reached";
  }
  return "?";
}

struct Rate {
  double executions_per_second = 0;
  double runs_per_second = 0;
  std::uint64_t executions = 0;  // of one check
  std::uint64_t runs = 0;
  std::uint64_t replays = 0;
  const char* verdict = "";
};

// One run: check `name` repeatedly for at least `min_seconds`.
Rate rate_once(const std::string& name, double min_seconds) {
  std::uint64_t executions = 0, runs = 0;
  mh::check_result last;
  const auto start = Clock::now();
  double spent = 0;
  do {
    last = mh::check_model(name);
    executions += last.executions;
    runs += last.runs;
    spent = seconds_since(start);
  } while (spent < min_seconds);
  return {static_cast<double>(executions) / spent, static_cast<double>(runs) / spent, last.executions, last.runs,
          last.replays, verdict_text(last)};
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const double min_seconds = argc > 2 ? std::max(0.0, std::atof(argv[2])) : 0.5;
  int status = 0;

  if (argc > 3) {
    std::vector<double> per_second;
    Rate last;
    for (int run = 0; run < runs; ++run) {
      last = rate_once(argv[3], min_seconds);
      per_second.push_back(last.executions_per_second);
    }
    std::printf("%s: %s, %llu executions, %llu runs (%llu replays) per check, %.0f executions/s (median of %d)\n",
                argv[3], last.verdict, static_cast<unsigned long long>(last.executions),
                static_cast<unsigned long long>(last.runs), static_cast<unsigned long long>(last.replays),
                median(per_second), runs);
    return 0;
  }

  std::printf("model checker, median of %d runs\n\n", runs);
  std::printf("mutex counter (optimal, rc11)\n");
  std::printf("  %-16s %10s %10s %10s %8s %8s %10s %10s %10s %14s\n", "model", "executions", "N!", "blocked", "runs",
              "replays",
              "median s", "min s", "max s", "executions/s");
  for (int n = 1; n <= 8; ++n) {
    const std::string name = "mutex_counter_" + std::to_string(n);
    std::vector<double> times;
    mh::check_result r;
    for (int run = 0; run < runs; ++run) {
      const auto start = Clock::now();
      r = mh::check_model(name);
      times.push_back(seconds_since(start));
    }
    const double t = median(times);
    const bool optimal = r.ok() && r.executions == factorial(n);
    if (!optimal) status = 1;
    std::printf("  %-16s %10llu %10llu %10llu %8llu %8llu %10.4f %10.4f %10.4f %14.0f%s\n", name.c_str(),
                static_cast<unsigned long long>(r.executions), static_cast<unsigned long long>(factorial(n)),
                static_cast<unsigned long long>(r.blocked), static_cast<unsigned long long>(r.runs),
                static_cast<unsigned long long>(r.replays), t,
                *std::min_element(times.begin(), times.end()), *std::max_element(times.begin(), times.end()),
                t > 0 ? static_cast<double>(r.executions) / t : 0.0, optimal ? "" : "  <- not N! (or not ok)");
  }

  std::printf("\nsmall models (optimal, rc11; each checked repeatedly for >= %.2f s per run)\n", min_seconds);
  std::printf("  %-18s %-8s %10s %8s %14s %14s\n", "model", "verdict", "executions", "runs", "executions/s",
              "runs/s");
  for (const char* name : {"peterson_seq_cst", "peterson_fenced", "spsc_ring", "sb_seq_cst", "dekker_seq_cst"}) {
    std::vector<double> per_second, runs_per_second;
    Rate last;
    for (int run = 0; run < runs; ++run) {
      last = rate_once(name, min_seconds);
      per_second.push_back(last.executions_per_second);
      runs_per_second.push_back(last.runs_per_second);
    }
    std::printf("  %-18s %-8s %10llu %8llu %14.0f %14.0f\n", name, last.verdict,
                static_cast<unsigned long long>(last.executions), static_cast<unsigned long long>(last.runs),
                median(per_second), median(runs_per_second));
  }

  // The protocols of DESIGN.md, every variant (issue 4's figure: the
  // 3-thread futex mutex, take 3, exhaustively in under 10 s).
  std::printf("\nprotocol models (optimal, rc11)\n");
  std::printf("  %-38s %-13s %10s %10s %10s %10s\n", "model", "verdict", "executions", "blocked", "runs",
              "median s");
  for (const mh::registered_model& model : mh::registered_models()) {
    const std::string file = model.file;
    const bool protocol = file.find("futex_mutex") != std::string::npos ||
                          file.find("pipe_handoff") != std::string::npos ||
                          file.find("shm_semaphore") != std::string::npos;
    if (!protocol) continue;
    std::vector<double> times;
    mh::check_result r;
    for (int run = 0; run < runs; ++run) {
      const auto start = Clock::now();
      r = mh::check_model(model.name);
      times.push_back(seconds_since(start));
    }
    const std::string verdict =
        r.verdict == mh::verdict::error_found ? std::string(mh::to_string(r.error)) : std::string(mh::to_string(r.verdict));
    std::printf("  %-38s %-13s %10llu %10llu %10llu %10.4f\n", model.name.c_str(), verdict.c_str(),
                static_cast<unsigned long long>(r.executions), static_cast<unsigned long long>(r.blocked),
                static_cast<unsigned long long>(r.runs), median(times));
  }

  // The whole registered suite, as `memharness check` with no name runs it.
  std::vector<double> suite_times, suite_rates, suite_run_rates;
  std::uint64_t suite_executions = 0, suite_runs = 0;
  std::size_t models = 0;
  for (int run = 0; run < runs; ++run) {
    suite_executions = suite_runs = 0;
    models = 0;
    const auto start = Clock::now();
    for (const mh::registered_model& model : mh::registered_models()) {
      const mh::check_result r = mh::check_model(model.name);
      suite_executions += r.executions;
      suite_runs += r.runs;
      ++models;
    }
    const double t = seconds_since(start);
    suite_times.push_back(t);
    suite_rates.push_back(static_cast<double>(suite_executions) / t);
    suite_run_rates.push_back(static_cast<double>(suite_runs) / t);
  }
  std::printf("\nwhole registered suite: %zu models, %llu executions, %llu runs per pass\n", models,
              static_cast<unsigned long long>(suite_executions), static_cast<unsigned long long>(suite_runs));
  std::printf("  median %.3f s (min %.3f, max %.3f), %.0f executions/s, %.0f runs/s\n", median(suite_times),
              *std::min_element(suite_times.begin(), suite_times.end()),
              *std::max_element(suite_times.begin(), suite_times.end()), median(suite_rates),
              median(suite_run_rates));
  return status;
}
