// The paths of one thread: its code run with every value each read might
// return (taken from a per-location value domain), recording the events, the
// dependencies they carry through registers, and the final registers.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "axiom/execution.hpp"
#include "litmus/ast.hpp"

namespace mh::axiom {

// Per-thread event indices: bit i = the thread's i-th event.
using LocalEvents = std::uint64_t;

struct PathEvent {
  Event event;
  LocalEvents addr_deps = 0, data_deps = 0, ctrl_deps = 0;
  int rmw_read = -1;  // for the write of an RMW: the local index of its read
};

struct ThreadPath {
  std::vector<PathEvent> events;
  std::vector<litmus::Value> registers;
};

// Values each location may hold, the initial value first.
using ValueDomains = std::vector<std::vector<litmus::Value>>;

struct PathLimits {
  int unroll = 2;            // times a backward jump may be taken, as herd's -unroll
  int max_steps = 4096;      // instructions run on one path
  int max_events = 60;       // events on one path
  std::size_t max_paths = 1 << 16;
  // Past this the enumeration stops as too large: a thread's paths can be
  // many when its reads range over wide value domains, and the checker's
  // time limit must hold here too.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

enum class PathStatus : std::uint8_t { Ok, TooLarge };

PathStatus enumerate_thread_paths(const litmus::Test& test, const litmus::Thread& thread,
                                  const ValueDomains& domains, const PathLimits& limits,
                                  std::vector<ThreadPath>& paths);

}  // namespace mh::axiom
