// The machine a result was produced on, as recorded in every results file.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mh::report {

struct HostInfo {
  std::string arch;       // uname machine: x86_64, aarch64
  std::string cpu_model;  // /proc/cpuinfo
  int cores = 0;          // online CPUs
  std::string kernel;     // uname sysname + release
  std::string compiler;   // the compiler memharness was built with
  std::string flags;      // its build type / sanitizer flags
  bool emulated = false;  // running under qemu-user (results show the host's orderings)
};

HostInfo detect_host();
nlohmann::json to_json(const HostInfo& host);

}  // namespace mh::report
