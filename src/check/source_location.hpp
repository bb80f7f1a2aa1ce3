// Where a modeled operation was written, for traces: std::source_location
// where the standard library provides it. libstdc++'s needs the compiler's
// __builtin_source_location, which clang has only from version 15; Debian
// 12's clang 14 (the fuzz preset, and users of memharness::check who build
// with it) gets the same interface built from __builtin_FILE and friends.
#pragma once

#include <version>

#if defined(__cpp_lib_source_location)
#include <source_location>

namespace mh::check {
using source_location = std::source_location;
}  // namespace mh::check

#else
#include <cstdint>

namespace mh::check {

class source_location {
 public:
  static constexpr source_location current(const char* file = __builtin_FILE(),
                                           const char* function = __builtin_FUNCTION(),
                                           std::uint_least32_t line = __builtin_LINE(),
                                           std::uint_least32_t column = __builtin_COLUMN()) noexcept {
    source_location where;
    where.file_ = file;
    where.function_ = function;
    where.line_ = line;
    where.column_ = column;
    return where;
  }
  constexpr source_location() noexcept = default;

  constexpr const char* file_name() const noexcept { return file_; }
  constexpr const char* function_name() const noexcept { return function_; }
  constexpr std::uint_least32_t line() const noexcept { return line_; }
  constexpr std::uint_least32_t column() const noexcept { return column_; }

 private:
  const char* file_ = "";
  const char* function_ = "";
  std::uint_least32_t line_ = 0;
  std::uint_least32_t column_ = 0;
};

}  // namespace mh::check
#endif
