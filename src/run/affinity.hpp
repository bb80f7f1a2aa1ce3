// Where test threads run: the CPU topology (hwloc where the build has it,
// else Linux sysfs) and a choice of CPUs for N threads.
#pragma once

#include <string>
#include <vector>

namespace mh::run {

struct Topology {
  // The CPUs this process may use, grouped by physical core (SMT siblings
  // together), cores in the order the system numbers them.
  std::vector<std::vector<int>> cores;
  std::string source;  // "hwloc", "sysfs" or "affinity mask"
  int cpu_count() const;
};

// Detected once per process (the first call may take a while).
Topology detect_topology();

enum class Placement {
  distinct_cores,  // one thread per physical core while cores last (the default)
  smt_siblings,    // fill a core's hardware threads before the next core
  scheduler,       // no pinning: the scheduler places the threads
};
const char* placement_name(Placement placement);

// One CPU per thread (-1: not pinned). With more threads than CPUs, CPUs are
// reused round-robin: the threads then share CPUs and the modes yield
// instead of spinning.
std::vector<int> choose_cpus(const Topology& topology, int threads, Placement placement);

// Pins the calling thread; false when the system refuses.
bool pin_current_thread(int cpu);

}  // namespace mh::run
