#include "futex.hpp"

#include <algorithm>
#include <functional>
#include <string>

#include <fmt/format.h>

namespace mh::os::detail {

namespace {

// One location: bits 0-31 the user's value, bits 32-34 the queue's length,
// then one 4-bit thread number per waiter from bit 35, the first to be woken
// first.
using check::Value;
constexpr unsigned kMaxQueued = 7;
constexpr Value kValueMask = 0xFFFF'FFFFULL;

std::uint32_t value_of(Value w) { return static_cast<std::uint32_t>(w & kValueMask); }
unsigned length(Value w) { return static_cast<unsigned>((w >> 32) & 0x7); }
unsigned waiter(Value w, unsigned i) { return static_cast<unsigned>((w >> (35 + 4 * i)) & 0xF); }

bool queued(Value w, unsigned thread) {
  for (unsigned i = 0; i < length(w); ++i)
    if (waiter(w, i) == thread) return true;
  return false;
}

// The word with the queue's waiters [from, length) except `skip`, then `add`.
Value with_queue(Value w, unsigned from, int skip, int add) {
  Value next = w & kValueMask;
  unsigned n = 0;
  const auto put = [&](unsigned thread) {
    next |= Value{thread} << (35 + 4 * n);
    ++n;
  };
  for (unsigned i = from; i < length(w); ++i)
    if (static_cast<int>(waiter(w, i)) != skip) put(waiter(w, i));
  if (add >= 0) put(static_cast<unsigned>(add));
  return next | (Value{n} << 32);
}

Value replace_value(Value w, Value operand, check::RmwOp) { return (w & ~kValueMask) | (operand & kValueMask); }
Value add_to_value(Value w, Value operand, check::RmwOp) {
  return (w & ~kValueMask) | ((w + operand) & kValueMask);
}

// operand: the expected value, the desired value above it.
bool compare_value(Value w, Value operand, Value* next) {
  if (value_of(w) != (operand & kValueMask)) return false;
  if (next != nullptr) *next = (w & ~kValueMask) | (operand >> 32);
  return true;
}

// operand: the expected value, the thread above it. Compare and queue in one step.
bool compare_and_queue(Value w, Value operand, Value* next) {
  if (value_of(w) != (operand & kValueMask)) return false;
  if (next != nullptr) *next = with_queue(w, 0, -1, static_cast<int>(operand >> 32));
  return true;
}

bool wake_first(Value w, Value count, Value* next) {
  if (length(w) == 0) return false;  // nobody to wake: the wake only looked
  if (next != nullptr) *next = with_queue(w, static_cast<unsigned>(std::min<Value>(count, length(w))), -1, -1);
  return true;
}

bool leave_queue(Value w, Value thread, Value* next) {
  if (!queued(w, static_cast<unsigned>(thread))) return false;
  if (next != nullptr) *next = with_queue(w, 0, static_cast<int>(thread), -1);
  return true;
}

std::string format_unsigned(Value w) {
  std::string text = std::to_string(value_of(w));
  if (length(w) == 0) return text;
  std::string waiters;
  for (unsigned i = 0; i < length(w); ++i) waiters += fmt::format("{}{}", i == 0 ? "" : ",", waiter(w, i));
  return fmt::format("{} q[{}]", text, waiters);
}

std::string format_signed(Value w) {
  std::string text = format_unsigned(w);
  const auto v = static_cast<std::int32_t>(value_of(w));
  if (v >= 0) return text;
  return std::to_string(v) + text.substr(std::to_string(value_of(w)).size());
}

}  // namespace

futex_location::futex_location(std::uint32_t initial, bool is_signed, const char* name, futex_options options,
                               check::source_location where)
    : options_(options) {
  check::LocationInfo info;
  info.kind = check::LocationKind::Atomic;
  info.name = name;
  info.type = is_signed ? "int" : "unsigned";
  info.is_signed = is_signed;
  info.bytes = 4;
  info.format = is_signed ? &format_signed : &format_unsigned;
  location_ = check::new_location(info, true, initial, where);
}

std::uint32_t futex_location::load(std::memory_order order, check::source_location where) const {
  return value_of(check::load(location_, order, where));
}

void futex_location::store(std::uint32_t value, std::memory_order order, check::source_location where) {
  check::read_modify_write(location_, check::RmwOp::Exchange, value, &replace_value, order, where, "store",
                           check::WriteRole::store);
}

std::uint32_t futex_location::exchange(std::uint32_t value, std::memory_order order, check::source_location where) {
  return value_of(check::read_modify_write(location_, check::RmwOp::Exchange, value, &replace_value, order, where));
}

std::uint32_t futex_location::fetch_add(std::uint32_t operand, std::memory_order order, check::source_location where,
                                        const char* label) {
  return value_of(
      check::read_modify_write(location_, check::RmwOp::Add, operand, &add_to_value, order, where, label));
}

bool futex_location::compare_exchange(std::uint32_t& expected, std::uint32_t desired, std::memory_order success,
                                      std::memory_order failure, check::source_location where) {
  Value seen = 0;
  const bool exchanged = check::conditional_update(location_, &compare_value, expected | (Value{desired} << 32),
                                                   success, failure, seen, where, "compare_exchange");
  expected = value_of(seen);
  return exchanged;
}

futex_result futex_location::wait(std::uint32_t expected, check::source_location where) {
  const auto self = static_cast<unsigned>(check::current_thread());
  Value seen = 0;
  if (!check::conditional_update(location_, &compare_and_queue, expected | (Value{self} << 32),
                                 std::memory_order_relaxed, std::memory_order_relaxed, seen, where,
                                 "futex_wait: compare+queue", check::WriteRole::kernel)) {
    spurious_before_[self] = false;
    return futex_result::value_changed;
  }
  if (length(seen) == kMaxQueued)
    check::report_error(error::os_misuse, fmt::format("more than {} threads wait on one futex word", kMaxQueued),
                        where);
  if (options_.spurious_wakeups && !spurious_before_[self] &&
      check::choose(2, "futex_wait: wake spuriously?", where) == 1) {
    // Leaving the queue is one event whose place among the wakes the search
    // explores, so one choice stands for a spurious wake-up at any time.
    const bool left =
        check::conditional_update(location_, &leave_queue, self, std::memory_order_relaxed,
                                  std::memory_order_relaxed, seen, where, "futex_wait: spurious wake",
                                  check::WriteRole::kernel);
    spurious_before_[self] = left;
    return left ? futex_result::spurious : futex_result::woken;
  }
  spurious_before_[self] = false;
  // A waiter whose process is killed leaves the queue (the kernel's exit
  // path), so no later wake counts it.
  const std::function<void()> leave_on_kill = [&] {
    Value q = 0;
    check::conditional_update(location_, &leave_queue, self, std::memory_order_relaxed, std::memory_order_relaxed, q,
                              where, "futex_wait: killed, dequeued", check::WriteRole::kernel);
  };
  const check::KillCleanup cleanup(leave_on_kill);
  const auto order = options_.wake_synchronizes ? std::memory_order_acquire : std::memory_order_relaxed;
  for (;;) {
    if (!queued(check::load(location_, order, where, "futex_wait: woken?"), self)) return futex_result::woken;
    check::wait_for_change(location_, where);
  }
}

int futex_location::wake(int count, check::source_location where) {
  // The kernel counts a waiter woken before it compares with nr_wake: a
  // count of 0 or less still wakes one.
  if (count <= 0) count = 1;
  const auto order = options_.wake_synchronizes ? std::memory_order_release : std::memory_order_relaxed;
  Value seen = 0;
  if (!check::conditional_update(location_, &wake_first, static_cast<Value>(count), order,
                                 std::memory_order_relaxed, seen, where, "futex_wake", check::WriteRole::kernel))
    return 0;
  return static_cast<int>(std::min<Value>(static_cast<Value>(count), length(seen)));
}

}  // namespace mh::os::detail
