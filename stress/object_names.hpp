// Removal of the POSIX shared-memory and semaphore names a variant made
// (Context::object_name: "/memharness-<pid>-<what>", seen in /dev/shm as
// "memharness-<pid>-<what>" and "sem.memharness-<pid>-<what>").
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace mh::stress {

// Removes every name made by process `pid`; returns the names removed.
std::vector<std::string> remove_objects_of(pid_t pid);
// Removes names whose process no longer exists (a run killed with SIGKILL
// could not clean up after itself).
std::vector<std::string> remove_stale_objects();

}  // namespace mh::stress
