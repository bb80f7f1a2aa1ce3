// A 64-bit word of the data a protocol protects (a counter only a lock
// guards, a record's fields, a handed-over payload): never the protocol's
// own flags, sequence numbers, pointers or semaphores, which stay atomic
// with the orders the protocol gives them.
//
// In a normal build it is a relaxed atomic: the hunted variants race on their
// data by design, and a plain racing access would make the whole run
// undefined (the compiler may tear, merge or re-read it), while a relaxed
// access is a plain load or store on x86-64 and AArch64 that adds no ordering
// of its own. Lock-free, so it may live in memory shared between processes.
//
// Under ThreadSanitizer that atomicity would hide every bug: TSan reports
// races on non-atomic accesses only, so a relaxed word is never racy to it,
// however badly the protocol orders it. There the word is plain, so TSan
// judges whether the protocol's synchronisation orders each access before
// the next. It is accessed through a volatile lvalue so that each access is
// still exactly one load or store the compiler cannot merge, hoist or split
// (a racing variant keeps checking what it read), and clang's TSan
// instruments volatile accesses as plain reads and writes.
#pragma once

#include <atomic>
#include <cstdint>

#if defined(__SANITIZE_THREAD__)
#define MH_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MH_TSAN 1
#endif
#endif

namespace mh::stress {

class ProtectedWord {
 public:
  constexpr ProtectedWord() = default;
  constexpr explicit ProtectedWord(std::uint64_t value) : word_(value) {}
  // As std::atomic: a record of these words is not copied by accident.
  ProtectedWord(const ProtectedWord&) = delete;
  ProtectedWord& operator=(const ProtectedWord&) = delete;

  std::uint64_t load() const {
#ifdef MH_TSAN
    return *static_cast<const volatile std::uint64_t*>(&word_);
#else
    return word_.load(std::memory_order_relaxed);
#endif
  }

  void store(std::uint64_t value) {
#ifdef MH_TSAN
    *static_cast<volatile std::uint64_t*>(&word_) = value;
#else
    word_.store(value, std::memory_order_relaxed);
#endif
  }

 private:
#ifdef MH_TSAN
  std::uint64_t word_ = 0;
#else
  std::atomic<std::uint64_t> word_{0};
#endif
};

static_assert(sizeof(ProtectedWord) == sizeof(std::uint64_t) && alignof(ProtectedWord) == 8,
              "a protected word lays out like the uint64_t it replaces");
static_assert(std::atomic<std::uint64_t>::is_always_lock_free,
              "protected words live in memory shared between processes");

}  // namespace mh::stress
