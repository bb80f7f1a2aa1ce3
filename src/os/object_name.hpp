// Names of the hidden locations that stand for kernel state (a futex's wait
// queue, a pipe's buffer): "<what> of <the user's object>", kept for the
// program's life because traces refer to locations by name pointer.
#pragma once

#include <source_location>
#include <string_view>

namespace mh::os::detail {

const char* object_name(std::string_view what, const char* user_name, std::source_location where);

}  // namespace mh::os::detail
