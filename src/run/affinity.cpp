#include "run/affinity.hpp"

#include <sched.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <pthread.h>

#ifdef MEMHARNESS_HAVE_HWLOC
#include <hwloc.h>
#endif

namespace mh::run {

int Topology::cpu_count() const {
  int n = 0;
  for (const auto& core : cores) n += static_cast<int>(core.size());
  return n;
}

namespace {

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  return cpus;
}

#ifdef MEMHARNESS_HAVE_HWLOC
Topology from_hwloc(const std::vector<int>& allowed) {
  Topology topology;
  hwloc_topology_t handle;
  if (hwloc_topology_init(&handle) != 0) return topology;
  if (hwloc_topology_load(handle) != 0) {
    hwloc_topology_destroy(handle);
    return topology;
  }
  const int core_count = hwloc_get_nbobjs_by_type(handle, HWLOC_OBJ_CORE);
  for (int i = 0; i < core_count; ++i) {
    hwloc_obj_t core = hwloc_get_obj_by_type(handle, HWLOC_OBJ_CORE, static_cast<unsigned>(i));
    std::vector<int> siblings;
    unsigned pu;
    hwloc_bitmap_foreach_begin(pu, core->cpuset) {
      if (std::find(allowed.begin(), allowed.end(), static_cast<int>(pu)) != allowed.end())
        siblings.push_back(static_cast<int>(pu));
    }
    hwloc_bitmap_foreach_end();
    if (!siblings.empty()) topology.cores.push_back(siblings);
  }
  hwloc_topology_destroy(handle);
  topology.source = "hwloc";
  return topology;
}
#endif

Topology from_sysfs(const std::vector<int>& allowed) {
  Topology topology;
  std::map<std::pair<int, int>, std::vector<int>> by_core;  // (package, core id) -> CPUs
  for (int cpu : allowed) {
    const std::string base = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
    std::ifstream core_file(base + "core_id"), package_file(base + "physical_package_id");
    int core = -1, package = 0;
    if (!(core_file >> core)) return {};
    package_file >> package;
    by_core[{package, core}].push_back(cpu);
  }
  for (auto& [key, cpus] : by_core) topology.cores.push_back(cpus);
  std::sort(topology.cores.begin(), topology.cores.end());
  topology.source = "sysfs";
  return topology;
}

}  // namespace

namespace {
Topology detect_topology_now() {
  const std::vector<int> allowed = allowed_cpus();
  Topology topology;
#ifdef MEMHARNESS_HAVE_HWLOC
  topology = from_hwloc(allowed);
#endif
  if (topology.cores.empty()) topology = from_sysfs(allowed);
  if (topology.cores.empty()) {
    for (int cpu : allowed) topology.cores.push_back({cpu});
    topology.source = "affinity mask";
  }
  if (topology.cores.empty()) {
    topology.cores.push_back({0});
    topology.source = "none";
  }
  return topology;
}
}  // namespace

Topology detect_topology() {
  // hwloc takes a good part of a second to load on some machines: once.
  static const Topology topology = detect_topology_now();
  return topology;
}

const char* placement_name(Placement placement) {
  switch (placement) {
    case Placement::distinct_cores: return "distinct-cores";
    case Placement::smt_siblings: return "smt-siblings";
    case Placement::scheduler: return "scheduler";
  }
  return "?";
}

std::vector<int> choose_cpus(const Topology& topology, int threads, Placement placement) {
  std::vector<int> order;
  if (placement == Placement::smt_siblings) {
    for (const auto& core : topology.cores) order.insert(order.end(), core.begin(), core.end());
  } else {
    // The first hardware thread of every core, then the second of every core...
    std::size_t widest = 0;
    for (const auto& core : topology.cores) widest = std::max(widest, core.size());
    for (std::size_t level = 0; level < widest; ++level)
      for (const auto& core : topology.cores)
        if (level < core.size()) order.push_back(core[level]);
  }
  std::vector<int> cpus;
  for (int t = 0; t < threads; ++t)
    cpus.push_back(placement == Placement::scheduler || order.empty() ? -1 : order[t % order.size()]);
  return cpus;
}

bool pin_current_thread(int cpu) {
  if (cpu < 0) return true;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

}  // namespace mh::run
