// Times the litmus engine over the shipped suite: the whole suite under every
// model its manifest lists (parse included), the slowest single check, and
// the wall time of one `memharness litmus check FILE` process (start-up
// included, the figure herd7's 10-40 ms per test is about).
// Usage: litmus_suite_bench [RUNS] [MEMHARNESS_BINARY]
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "axiom/checker.hpp"
#include "litmus/expectations.hpp"
#include "litmus/parser.hpp"

#include "timing.hpp"

namespace {

using mh::bench::Clock;
using mh::bench::median;
using mh::bench::seconds_since;

double run_process(const std::string& binary, const std::string& file) {
  const auto start = Clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::execl(binary.c_str(), binary.c_str(), "litmus", "check", file.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return seconds_since(start);
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const std::string binary = argc > 2 ? argv[2] : MEMHARNESS_BINARY;
  const std::string suite = std::string(MEMHARNESS_SOURCE_DIR) + "/litmus";
  const auto rows = mh::litmus::read_expectations(suite + "/expected.tsv");

  std::vector<double> suite_times;
  std::map<std::string, std::vector<double>> check_times;  // file + model
  for (int run = 0; run < runs; ++run) {
    const auto start = Clock::now();
    std::map<std::string, mh::litmus::Test> tests;
    for (const auto& row : rows) {
      auto it = tests.find(row.file);
      if (it == tests.end()) it = tests.emplace(row.file, mh::litmus::parse_litmus_file(suite + "/" + row.file)).first;
      const auto check_start = Clock::now();
      auto result = mh::axiom::check_test(it->second, *mh::axiom::parse_model_name(row.model));
      check_times[row.file + " " + row.model].push_back(seconds_since(check_start));
      if (result.status != mh::axiom::CheckResult::Status::Ok) std::printf("too large: %s\n", row.file.c_str());
    }
    suite_times.push_back(seconds_since(start));
  }
  std::vector<std::pair<double, std::string>> slowest;
  for (const auto& [name, times] : check_times) slowest.emplace_back(median(times), name);
  std::sort(slowest.rbegin(), slowest.rend());

  std::vector<double> process_times;
  const std::string sample = suite + "/x86/SB.litmus";
  for (int i = 0; i < std::max(10, runs * 4); ++i) process_times.push_back(run_process(binary, sample));

  std::printf("suite: %zu checks of %zu files, %d runs\n", rows.size(), [&] {
    std::map<std::string, int> files;
    for (const auto& row : rows) files[row.file]++;
    return files.size();
  }(), runs);
  std::printf("whole suite (parse + all models): median %.1f ms, min %.1f ms, max %.1f ms\n",
              median(suite_times) * 1e3, *std::min_element(suite_times.begin(), suite_times.end()) * 1e3,
              *std::max_element(suite_times.begin(), suite_times.end()) * 1e3);
  std::printf("slowest checks (median of %d):\n", runs);
  for (std::size_t i = 0; i < std::min<std::size_t>(5, slowest.size()); ++i)
    std::printf("  %8.3f ms  %s\n", slowest[i].first * 1e3, slowest[i].second.c_str());
  std::printf("one process `memharness litmus check x86/SB.litmus`: median %.1f ms over %zu runs\n",
              median(process_times) * 1e3, process_times.size());
  return 0;
}
