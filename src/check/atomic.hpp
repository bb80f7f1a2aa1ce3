// mh::atomic<T>: std::atomic's interface, every operation a modeled event.
// Default orders are seq_cst, as in std::atomic. A default-constructed atomic
// is uninitialized (unlike C++20's std::atomic, which value-initializes):
// reading it before a store is reported, since that is usually a bug.
#pragma once

#include <atomic>
#include <type_traits>

#include "source_location.hpp"
#include "runtime.hpp"
#include "value_codec.hpp"

namespace mh {

struct uninitialized_t {
  explicit uninitialized_t() = default;
};
inline constexpr uninitialized_t uninitialized{};

template <check::ModeledValue T>
class atomic {
 public:
  using value_type = T;

  // Uninitialized, as std::atomic was before C++20: a load before the first
  // store is reported. Name one with mh::atomic<T> x{mh::uninitialized, "x"}.
  atomic(check::source_location where = check::source_location::current())
      : atomic(uninitialized, nullptr, where) {}
  atomic(uninitialized_t, const char* name = nullptr, check::source_location where = check::source_location::current())
      : location_(check::new_location(check::location_info<T>(check::LocationKind::Atomic, name), false, 0, where)) {}
  atomic(T initial, const char* name = nullptr, check::source_location where = check::source_location::current())
      : location_(check::new_location(check::location_info<T>(check::LocationKind::Atomic, name), true,
                                      check::encode(initial), where)) {}
  ~atomic() { check::end_location(location_); }
  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;

  T load(std::memory_order order = std::memory_order_seq_cst,
         check::source_location where = check::source_location::current()) const {
    return check::decode<T>(check::load(location_, order, where));
  }
  void store(T value, std::memory_order order = std::memory_order_seq_cst,
             check::source_location where = check::source_location::current()) {
    check::store(location_, check::encode(value), order, where);
  }
  T exchange(T value, std::memory_order order = std::memory_order_seq_cst,
             check::source_location where = check::source_location::current()) {
    return rmw(check::RmwOp::Exchange, value, order, where);
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order success, std::memory_order failure,
                               check::source_location where = check::source_location::current()) {
    return cas(expected, desired, success, failure, false, where);
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order order = std::memory_order_seq_cst,
                               check::source_location where = check::source_location::current()) {
    return cas(expected, desired, order, failure_order(order), false, where);
  }
  // May fail although the value matched (a spurious failure): explored.
  bool compare_exchange_weak(T& expected, T desired, std::memory_order success, std::memory_order failure,
                             check::source_location where = check::source_location::current()) {
    return cas(expected, desired, success, failure, true, where);
  }
  bool compare_exchange_weak(T& expected, T desired, std::memory_order order = std::memory_order_seq_cst,
                             check::source_location where = check::source_location::current()) {
    return cas(expected, desired, order, failure_order(order), true, where);
  }

  T fetch_add(T operand, std::memory_order order = std::memory_order_seq_cst,
              check::source_location where = check::source_location::current())
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  {
    return rmw(check::RmwOp::Add, operand, order, where);
  }
  T fetch_sub(T operand, std::memory_order order = std::memory_order_seq_cst,
              check::source_location where = check::source_location::current())
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  {
    return rmw(check::RmwOp::Sub, operand, order, where);
  }
  T fetch_and(T operand, std::memory_order order = std::memory_order_seq_cst,
              check::source_location where = check::source_location::current())
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  {
    return rmw(check::RmwOp::And, operand, order, where);
  }
  T fetch_or(T operand, std::memory_order order = std::memory_order_seq_cst,
             check::source_location where = check::source_location::current())
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  {
    return rmw(check::RmwOp::Or, operand, order, where);
  }
  T fetch_xor(T operand, std::memory_order order = std::memory_order_seq_cst,
              check::source_location where = check::source_location::current())
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  {
    return rmw(check::RmwOp::Xor, operand, order, where);
  }

  check::LocationId location() const { return location_; }

  // std::atomic's operators, seq_cst. They cannot capture the caller's line;
  // traces of code that uses them point at this header's operation name only.
  operator T() const { return load(); }
  T operator=(T value) {
    store(value);
    return value;
  }

 private:
  static constexpr std::memory_order failure_order(std::memory_order order) {
    if (order == std::memory_order_acq_rel) return std::memory_order_acquire;
    if (order == std::memory_order_release) return std::memory_order_relaxed;
    return order;
  }

  static check::Value apply(check::Value old_raw, check::Value operand_raw, check::RmwOp op) {
    const T old_value = check::decode<T>(old_raw);
    const T operand = check::decode<T>(operand_raw);
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      using U = std::make_unsigned_t<T>;  // wrap-around without signed overflow
      const U a = static_cast<U>(old_value), b = static_cast<U>(operand);
      switch (op) {
        case check::RmwOp::Exchange: return check::encode(operand);
        case check::RmwOp::Add: return check::encode(static_cast<T>(static_cast<U>(a + b)));
        case check::RmwOp::Sub: return check::encode(static_cast<T>(static_cast<U>(a - b)));
        case check::RmwOp::And: return check::encode(static_cast<T>(a & b));
        case check::RmwOp::Or: return check::encode(static_cast<T>(a | b));
        case check::RmwOp::Xor: return check::encode(static_cast<T>(a ^ b));
      }
    }
    (void)old_value;
    return check::encode(operand);
  }

  T rmw(check::RmwOp op, T operand, std::memory_order order, check::source_location where) {
    return check::decode<T>(check::read_modify_write(location_, op, check::encode(operand), &apply, order, where));
  }

  bool cas(T& expected, T desired, std::memory_order success, std::memory_order failure, bool weak,
           check::source_location where) {
    check::Value seen = check::encode(expected);
    const bool exchanged =
        check::compare_exchange(location_, seen, check::encode(desired), success, failure, weak, where);
    expected = check::decode<T>(seen);
    return exchanged;
  }

  check::LocationId location_;
};

inline void atomic_thread_fence(std::memory_order order,
                                check::source_location where = check::source_location::current()) {
  check::fence(order, where);
}

// Call in every spin loop's body: an iteration that only read is then
// explored once per value it can see, not once per spin.
inline void yield(check::source_location where = check::source_location::current()) { check::yield(where); }
inline void spin_hint(check::source_location where = check::source_location::current()) { check::yield(where); }

}  // namespace mh
