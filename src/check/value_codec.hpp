// How a user's T travels as a 64-bit Value: its bytes, zero-extended. Types
// wider than 8 bytes cannot be one modeled location; split them into fields.
#pragma once

#include <cstring>
#include <type_traits>

#include "runtime.hpp"

namespace mh::check {

template <typename T>
concept ModeledValue = std::is_trivially_copyable_v<T> && sizeof(T) <= sizeof(Value);

template <ModeledValue T>
Value encode(const T& value) {
  Value v = 0;
  std::memcpy(&v, &value, sizeof(T));
  return v;
}

template <ModeledValue T>
T decode(Value v) {
  T value;
  std::memcpy(&value, &v, sizeof(T));
  return value;
}

template <ModeledValue T>
LocationInfo location_info(LocationKind kind, const char* name) {
  LocationInfo info;
  info.kind = kind;
  info.name = name;
  info.is_signed = std::is_signed_v<T>;
  info.bytes = static_cast<int>(sizeof(T));
  if constexpr (std::is_pointer_v<T>)
    info.type = "pointer";
  else if constexpr (std::is_same_v<T, bool>)
    info.type = "bool";
  else if constexpr (std::is_integral_v<T>)
    info.type = std::is_signed_v<T> ? "int" : "unsigned";
  else
    info.type = "bytes";
  return info;
}

}  // namespace mh::check
