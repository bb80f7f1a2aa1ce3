// herd's C litmus dialect: the body of one `P<n>(params) { ... }` thread.
#pragma once

#include <string>
#include <vector>

#include "litmus/ast.hpp"

namespace mh::litmus {

struct CParam {
  std::string type;  // e.g. "atomic_int*", "int*"
  std::string name;  // a shared location of the test
  Pos pos;
};

// `body` is the text between the thread's braces, starting at `body_pos`.
Thread parse_c_thread(int thread_id, const std::vector<CParam>& params, const std::string& body,
                      Pos body_pos, Test& test);

}  // namespace mh::litmus
