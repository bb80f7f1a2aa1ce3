#include "semaphore.hpp"

#include <fmt/format.h>

#include "../check/value_codec.hpp"

namespace mh::os {

namespace {

using check::Value;

bool take_token(Value count, Value, Value* next) {
  if (count == 0) return false;
  if (next != nullptr) *next = count - 1;
  return true;
}

Value add_token(Value count, Value, check::RmwOp) { return count + 1; }

}  // namespace

semaphore::semaphore(unsigned initial, sem_sharing sharing, const char* name, check::source_location where)
    : sharing_(sharing), owner_(check::current_process()) {
  const check::LocationInfo info = check::location_info<unsigned>(check::LocationKind::Atomic, name);
  // A named semaphore is the kernel's; the others live where they are made.
  const bool named = sharing == sem_sharing::named;
  const bool previous = named ? check::set_shared_allocation(true) : false;
  location_ = check::new_location(info, true, initial, where);
  if (named) check::set_shared_allocation(previous);
}

void semaphore::check_user(check::source_location where) const {
  if (sharing_ != sem_sharing::threads) return;
  const check::ProcessId user = check::current_process();
  if (user != owner_)
    check::report_error(error::os_misuse,
                        fmt::format("process {} uses a semaphore that process {} initialised with pshared = 0 (for "
                                    "its own threads only)",
                                    user, owner_),
                        where);
}

void semaphore::post(check::source_location where) {
  check_user(where);
  check::read_modify_write(location_, check::RmwOp::Add, 1, &add_token, std::memory_order_release, where,
                           "sem_post");
}

void semaphore::wait(check::source_location where) {
  check_user(where);
  for (;;) {
    Value seen = 0;
    if (check::conditional_update(location_, &take_token, 0, std::memory_order_acquire, std::memory_order_relaxed,
                                  seen, where, "sem_wait"))
      return;
    check::wait_for_change(location_, where);
  }
}

bool semaphore::try_wait(check::source_location where) {
  check_user(where);
  Value seen = 0;
  return check::conditional_update(location_, &take_token, 0, std::memory_order_acquire, std::memory_order_relaxed,
                                   seen, where, "sem_trywait");
}

int semaphore::value(check::source_location where) {
  check_user(where);
  return static_cast<int>(check::load(location_, std::memory_order_relaxed, where, "sem_getvalue"));
}

}  // namespace mh::os
