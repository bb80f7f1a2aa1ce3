// Names of the hidden locations that stand for kernel state (a futex's wait
// queue, a pipe's buffer): "<what> of <the user's object>", kept for the
// program's life because traces refer to locations by name pointer.
#pragma once

#include <string_view>
#include "../check/source_location.hpp"

namespace mh::os::detail {

const char* object_name(std::string_view what, const char* user_name, check::source_location where);

}  // namespace mh::os::detail
