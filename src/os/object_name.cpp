#include "object_name.hpp"

#include <mutex>
#include <set>
#include <string>

#include <fmt/format.h>

namespace mh::os::detail {

const char* object_name(std::string_view what, const char* user_name, check::source_location where) {
  std::string name;
  if (user_name != nullptr) {
    name = fmt::format("{} of {}", what, user_name);
  } else {
    std::string_view file = where.file_name() != nullptr ? where.file_name() : "?";
    if (const auto slash = file.rfind('/'); slash != std::string_view::npos) file = file.substr(slash + 1);
    name = fmt::format("{} of {}:{}", what, file, where.line());
  }
  // Checks may run on several OS threads at once.
  static std::mutex guard;
  static std::set<std::string, std::less<>> names;
  const std::scoped_lock lock(guard);
  return names.insert(std::move(name)).first->c_str();
}

}  // namespace mh::os::detail
