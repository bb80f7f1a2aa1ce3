// The raw futex system call on a 32-bit word (glibc has no wrapper): the
// primitive Drepper's mutexes are built on. FUTEX_WAIT sleeps only while the
// word still holds the expected value (checked atomically by the kernel);
// FUTEX_WAKE wakes up to n sleepers. Private futexes: the stress binaries'
// futex words are never shared between processes.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace mh::stress {

static_assert(sizeof(std::atomic<std::uint32_t>) == 4, "a futex word is 32 bits");

inline long futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected) {
  return ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected, nullptr,
                   nullptr, 0);
}

inline long futex_wake(std::atomic<std::uint32_t>& word, int count) {
  return ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, count, nullptr,
                   nullptr, 0);
}

}  // namespace mh::stress
