#include "stress/object_names.hpp"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace mh::stress {
namespace {

constexpr const char* shm_directory = "/dev/shm";
constexpr const char* prefix = "memharness-";

// The pid in "memharness-<pid>-..." or "sem.memharness-<pid>-...", or -1.
pid_t owner_of(const char* entry) {
  if (std::strncmp(entry, "sem.", 4) == 0) entry += 4;
  const std::size_t prefix_length = std::strlen(prefix);
  if (std::strncmp(entry, prefix, prefix_length) != 0) return -1;
  char* end = nullptr;
  const long pid = std::strtol(entry + prefix_length, &end, 10);
  if (end == entry + prefix_length || *end != '-' || pid <= 0) return -1;
  return static_cast<pid_t>(pid);
}

template <typename Predicate>
std::vector<std::string> remove_matching(Predicate matches) {
  std::vector<std::string> removed;
  DIR* directory = ::opendir(shm_directory);
  if (directory == nullptr) return removed;
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(directory)) {
    const pid_t owner = owner_of(entry->d_name);
    if (owner > 0 && matches(owner)) names.emplace_back(entry->d_name);
  }
  ::closedir(directory);
  for (const auto& name : names) {
    const std::string path = std::string(shm_directory) + "/" + name;
    if (::unlink(path.c_str()) == 0) removed.push_back(name);
  }
  return removed;
}

}  // namespace

std::vector<std::string> remove_objects_of(pid_t pid) {
  return remove_matching([pid](pid_t owner) { return owner == pid; });
}

std::vector<std::string> remove_stale_objects() {
  return remove_matching([](pid_t owner) { return ::kill(owner, 0) != 0 && errno == ESRCH; });
}

}  // namespace mh::stress
