// How a check explores: the memory model, the search mode, and its bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mh {

enum class memory_model : std::uint8_t { rc11, sc };
enum class search_mode : std::uint8_t {
  optimal,  // every consistent execution exactly once (TruSt)
  random,   // random schedules and reads-from choices, from a seed
  bounded,  // every schedule with at most `preemption_bound` preemptions
};

struct check_options {
  memory_model model = memory_model::rc11;
  search_mode mode = search_mode::optimal;
  std::uint64_t seed = 1;                // random mode
  int preemption_bound = 2;              // bounded mode
  std::uint64_t max_executions = 0;      // 0: no bound (random mode: 10,000)
  std::uint32_t max_steps_per_thread = 10'000;
  double time_limit_seconds = 0;         // 0: none
  std::size_t stack_bytes = 256 * 1024;  // per test thread
  std::string replay;                    // an execution id: run only that execution, with its trace
  bool trace_ok_execution = false;       // with replay: keep the trace even if it has no error
};

std::string to_string(memory_model model);
std::string to_string(search_mode mode);

}  // namespace mh
