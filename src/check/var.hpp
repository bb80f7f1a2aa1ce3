// mh::var<T>: a plain, non-atomic variable. Its accesses are events like an
// atomic's, and two conflicting accesses not ordered by happens-before are
// reported as a data race (C++'s undefined behaviour).
#pragma once

#include <atomic>

#include "source_location.hpp"
#include "runtime.hpp"
#include "value_codec.hpp"

namespace mh {

template <check::ModeledValue T>
class var {
 public:
  using value_type = T;

  var(T initial = T{}, const char* name = nullptr, check::source_location where = check::source_location::current())
      : location_(check::new_location(check::location_info<T>(check::LocationKind::Plain, name), true,
                                      check::encode(initial), where)) {}
  ~var() { check::end_location(location_); }
  var(const var&) = delete;
  var& operator=(const var&) = delete;

  T load(check::source_location where = check::source_location::current()) const {
    return check::decode<T>(check::load(location_, std::memory_order_relaxed, where));
  }
  void store(T value, check::source_location where = check::source_location::current()) {
    check::store(location_, check::encode(value), std::memory_order_relaxed, where);
  }

  // Plain-variable syntax. Operators cannot capture the caller's line.
  operator T() const { return load(); }
  var& operator=(T value) {
    store(value);
    return *this;
  }

 private:
  // The engine tells plain from atomic locations by the location's kind; the
  // memory order passed above is ignored for plain locations.
  check::LocationId location_;
};

}  // namespace mh
