// The stress variants on this machine's cores, measured in one run against
// the floor their system calls set (docs/performance.md, "Stress binaries"):
//   - a bare pipe ping-pong of 8-byte messages (each message a write, a
//     wake-up and a read) and a bare stream of 8-byte writes;
//   - handoffs per second of the pipe-handoff variants (1 producer, and
//     every CPU's worth of producers);
//   - the reorder hunters' time to first detection (median of RUNS runs).
// Run: build/default/bench/stress_bench [RUNS] [SECONDS]
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "report/host.hpp"
#include "run/affinity.hpp"
#include "stress/supervisor.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

void pin(int index) {
  const auto cpus = mh::run::choose_cpus(mh::run::detect_topology(), 2, mh::run::Placement::distinct_cores);
  if (cpus[std::size_t(index)] >= 0) mh::run::pin_current_thread(cpus[std::size_t(index)]);
}

// Messages per second (one way) of a ping-pong over two pipes.
double pipe_ping_pong(double seconds) {
  int there[2], back[2];
  if (::pipe(there) != 0 || ::pipe(back) != 0) std::abort();
  std::uint64_t round_trips = 0;
  std::thread echo([&] {
    pin(1);
    std::uint64_t message = 0;
    while (::read(there[0], &message, sizeof message) == sizeof message)
      if (::write(back[1], &message, sizeof message) != sizeof message) break;
  });
  pin(0);
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  for (std::uint64_t message = 1; Clock::now() < end; ++message) {
    for (int i = 0; i < 64; ++i) {
      if (::write(there[1], &message, sizeof message) != sizeof message) std::abort();
      std::uint64_t reply = 0;
      if (::read(back[0], &reply, sizeof reply) != sizeof reply) std::abort();
      ++round_trips;
    }
  }
  const double took = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(there[1]);
  echo.join();
  for (int fd : {there[0], back[0], back[1]}) ::close(fd);
  return 2.0 * double(round_trips) / took;
}

// 8-byte writes per second into a pipe read in bulk (no reply awaited).
double pipe_stream(double seconds) {
  int channel[2];
  if (::pipe(channel) != 0) std::abort();
  std::uint64_t received = 0;
  std::thread reader([&] {
    pin(1);
    std::uint64_t buffer[512];
    ssize_t got;
    while ((got = ::read(channel[0], buffer, sizeof buffer)) > 0) received += std::uint64_t(got) / 8;
  });
  pin(0);
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  for (std::uint64_t message = 1; Clock::now() < end;)
    for (int i = 0; i < 256; ++i, ++message)
      if (::write(channel[1], &message, sizeof message) != sizeof message) std::abort();
  ::close(channel[1]);
  reader.join();
  const double took = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(channel[0]);
  return double(received) / took;
}

const mh::stress::Variant* find_variant(const std::string& name) {
  for (const auto& variant : mh::stress::registered_variants())
    if (variant.full_name() == name) return &variant;
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const double seconds = argc > 2 ? std::max(0.1, std::atof(argv[2])) : 1.0;
  const auto host = mh::report::detect_host();
  const mh::stress::HostFacts facts{host.arch, host.emulated};
  const int cpus = mh::run::detect_topology().cpu_count();
  std::printf("stress_bench: %d runs of %.1f s on %s (%d CPUs, %s)\n\n", runs, seconds, host.arch.c_str(),
              cpus, host.cpu_model.c_str());

  // The baselines pin this thread; the variants' processes, forked from it,
  // must start with every CPU again.
  cpu_set_t every_cpu;
  CPU_ZERO(&every_cpu);
  ::sched_getaffinity(0, sizeof every_cpu, &every_cpu);
  std::vector<double> ping_pong, stream;
  for (int run = 0; run < runs; ++run) {
    ping_pong.push_back(pipe_ping_pong(seconds));
    stream.push_back(pipe_stream(seconds));
  }
  ::sched_setaffinity(0, sizeof every_cpu, &every_cpu);
  const double floor = median(ping_pong);
  std::printf("%-48s %14s %10s\n", "channel", "per second", "vs ping-pong");
  std::printf("%-48s %14.0f %10.2f\n", "bare pipe ping-pong, 8-byte messages", floor, 1.0);
  std::printf("%-48s %14.0f %10.2f\n", "bare pipe stream, 8-byte writes", median(stream),
              median(stream) / floor);

  struct Rate {
    std::string name;
    int threads;
  };
  const std::vector<Rate> rates = {
      {"pipe_handoff/pipe", 2},
      {"pipe_handoff/pipe-mpsc", cpus},
      {"pipe_handoff/pipe-mpsc", 4},
      {"pipe_handoff/socketpair", 2},
      {"pipe_handoff/eventfd-slot", 2},
      {"pipe_handoff/cross-process", 2},
      {"pipe_handoff/release-acquire-pointer", 2},
  };
  for (const auto& rate : rates) {
    const auto* variant = find_variant(rate.name);
    if (variant == nullptr) continue;
    std::vector<double> per_second;
    std::string verdicts;
    int workers = 0;
    for (int run = 0; run < runs; ++run) {
      mh::stress::RunSettings settings;
      settings.seconds = seconds;
      settings.threads = rate.threads;
      settings.seed = std::uint64_t(run + 1);
      const auto outcome = mh::stress::run_isolated(*variant, settings, facts, nullptr);
      per_second.push_back(outcome.seconds > 0 ? double(outcome.operations) / outcome.seconds : 0);
      workers = outcome.workers;
      if (outcome.verdict != "pass") verdicts += " " + outcome.verdict;
    }
    const std::string label = fmt::format("{} ({} workers){}", rate.name, workers, verdicts);
    std::printf("%-48s %14.0f %10.2f\n", label.c_str(), median(per_second), median(per_second) / floor);
  }

  std::printf("\n%-48s %12s %12s %8s\n", "reorder hunter (stop at first failure)", "median s", "max s",
              "found");
  for (const auto& variant : mh::stress::registered_variants()) {
    if (variant.expectation != mh::stress::Expectation::hunted || !variant.reordering) continue;
    if (!mh::stress::hunted_on_host(variant, host.arch, host.emulated)) continue;
    std::vector<double> first;
    int found = 0;
    for (int run = 0; run < runs; ++run) {
      mh::stress::RunSettings settings;
      settings.seconds = 10.0;
      settings.seed = std::uint64_t(run + 1);
      settings.stop_at_first_failure = true;
      const auto outcome = mh::stress::run_isolated(variant, settings, facts, nullptr);
      if (outcome.first_failure) {
        ++found;
        first.push_back(outcome.first_failure->at_seconds);
      }
    }
    std::printf("%-48s %12.4f %12.4f %5d/%d\n", variant.full_name().c_str(), median(first),
                first.empty() ? 0.0 : *std::max_element(first.begin(), first.end()), found, runs);
  }
  return 0;
}
