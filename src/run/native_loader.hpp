// A litmus test that the binary was not built with (a user's file, or a
// suite file changed since the build) is compiled on the spot with the
// host's C++ compiler into a shared object and loaded. Compiled objects are
// cached by the key of their generated code.
#pragma once

#include <string>

#include "litmus/ast.hpp"
#include "run/codegen.hpp"
#include "run/native_test.hpp"

namespace mh::run {

// The compiled test: from the binary when it has this code, else compiled
// (or taken from the cache). Throws std::runtime_error with the compiler's
// message when compiling fails, std::invalid_argument when the test cannot
// run on this host.
const NativeTest& load_native_test(const litmus::Test& test, std::string* origin = nullptr);

}  // namespace mh::run
