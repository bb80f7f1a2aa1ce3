#include "fiber_stack.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define MH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MH_ASAN 1
#endif
#endif
#ifdef MH_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace mh::check {

namespace {
std::size_t page_size() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }
}  // namespace

StackPool::StackPool(std::size_t bytes) {
  const std::size_t page = page_size();
  bytes_ = (bytes + page - 1) / page * page;
}

StackPool::~StackPool() {
  for (void* base : all_) ::munmap(base, bytes_ + page_size());
}

boost::context::stack_context StackPool::take() {
  void* base = nullptr;
  if (!free_.empty()) {
    base = free_.back();
    free_.pop_back();
  } else {
    // One guard page below the stack turns an overflow into a fault, not
    // silent corruption of the neighbouring stack.
    base = ::mmap(nullptr, bytes_ + page_size(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    ::mprotect(base, page_size(), PROT_NONE);
    all_.push_back(base);
  }
#ifdef MH_ASAN
  // A reused stack still carries the redzones of the frames an abandoned
  // fiber left on it; AddressSanitizer would take them for the new fiber's.
  ASAN_UNPOISON_MEMORY_REGION(static_cast<char*>(base) + page_size(), bytes_);
#endif
  boost::context::stack_context stack;
  stack.size = bytes_;
  stack.sp = static_cast<char*>(base) + page_size() + bytes_;
  return stack;
}

void StackPool::give_back(boost::context::stack_context& stack) noexcept {
  free_.push_back(static_cast<char*>(stack.sp) - bytes_ - page_size());
}

}  // namespace mh::check
