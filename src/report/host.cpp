#include "report/host.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>

namespace mh::report {

namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    // x86 says "model name", many ARM kernels only "CPU part" / "Hardware".
    for (const char* key : {"model name", "Hardware", "CPU part"}) {
      if (line.rfind(key, 0) == 0) {
        auto colon = line.find(':');
        if (colon != std::string::npos) {
          auto value = line.substr(colon + 1);
          value.erase(0, value.find_first_not_of(" \t"));
          return value;
        }
      }
    }
  }
  return "unknown";
}

// qemu-user reports the guest's machine in uname but runs on another
// architecture; its binfmt interpreter shows in the auxiliary vector's
// platform only indirectly, so look for the emulator in our own maps.
bool under_qemu() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line))
    if (line.find("qemu-") != std::string::npos) return true;
#if !defined(__x86_64__) && !defined(__i386__)
  // qemu-user passes the host's /proc/cpuinfo through: an x86 vendor seen
  // by a binary built for another architecture means emulation.
  std::ifstream cpuinfo("/proc/cpuinfo");
  while (std::getline(cpuinfo, line))
    if (line.rfind("vendor_id", 0) == 0 &&
        (line.find("GenuineIntel") != std::string::npos || line.find("AuthenticAMD") != std::string::npos))
      return true;
#endif
  return false;
}

std::string compiler() {
#if defined(__clang__)
  return std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("g++ ") + __VERSION__;
#else
  return "unknown";
#endif
}

std::string build_flags() {
  std::string flags;
#if defined(NDEBUG)
  flags += "optimized";
#else
  flags += "debug";
#endif
#if defined(__SANITIZE_THREAD__)
  flags += " tsan";
#endif
#if defined(__SANITIZE_ADDRESS__)
  flags += " asan";
#endif
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
  flags += " tsan";
#endif
#if __has_feature(address_sanitizer)
  flags += " asan";
#endif
#endif
  return flags;
}

}  // namespace

HostInfo detect_host() {
  HostInfo host;
  struct utsname names {};
  if (::uname(&names) == 0) {
    host.arch = names.machine;
    host.kernel = std::string(names.sysname) + " " + names.release;
  }
  host.cpu_model = cpu_model();
  host.cores = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  host.compiler = compiler();
  host.flags = build_flags();
  host.emulated = under_qemu();
  return host;
}

nlohmann::json to_json(const HostInfo& host) {
  return {{"arch", host.arch},        {"cpu_model", host.cpu_model}, {"cores", host.cores},
          {"kernel", host.kernel},    {"compiler", host.compiler},   {"flags", host.flags},
          {"emulated", host.emulated}};
}

}  // namespace mh::report
