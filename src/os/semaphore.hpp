// POSIX semaphores (sem_overview(7)) for the model checker: a count that
// sem_post raises and sem_wait lowers, waiting while it is 0.
//
// POSIX lists sem_post and sem_wait among the functions that synchronize
// memory; glibc implements post as a release and a successful wait as an
// acquire of the count. The model does the same: a wait that takes a token
// happens after the post that put it there (and after every post before it
// in the count's order, as glibc's single atomic count gives).
//
// Kinds, as sem_init(3) and sem_open(3) make them:
//   - sem_sharing::threads (sem_init with pshared 0): for the threads of the
//     process that initialised it; another process using it is reported
//     (POSIX leaves that undefined);
//   - sem_sharing::processes (pshared 1): in memory every user can reach, a
//     shared_memory region; in a process's private memory another process
//     cannot reach it (reported as a cross-process access);
//   - sem_sharing::named (sem_open): a kernel object every process reaches by
//     its name. Declare it in the model's main, which stands for the process
//     that creates it with O_CREAT; the race between processes that both try
//     to create it is not modeled.
#pragma once

#include <cstdint>

#include "../check/source_location.hpp"
#include "../check/runtime.hpp"

namespace mh::os {

enum class sem_sharing : std::uint8_t { threads, processes, named };

class semaphore {
 public:
  explicit semaphore(unsigned initial, sem_sharing sharing = sem_sharing::threads, const char* name = nullptr,
                     check::source_location where = check::source_location::current());
  semaphore(const semaphore&) = delete;
  semaphore& operator=(const semaphore&) = delete;

  void post(check::source_location where = check::source_location::current());       // sem_post
  void wait(check::source_location where = check::source_location::current());       // sem_wait
  bool try_wait(check::source_location where = check::source_location::current());   // sem_trywait: false is EAGAIN
  int value(check::source_location where = check::source_location::current());       // sem_getvalue

 private:
  void check_user(check::source_location where) const;

  check::LocationId location_;
  sem_sharing sharing_;
  check::ProcessId owner_;  // the process that initialised it
};

}  // namespace mh::os
