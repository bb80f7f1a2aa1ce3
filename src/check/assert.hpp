// MH_ASSERT: a failed condition ends the execution with an assertion error
// and its trace. Invariants that must hold once every thread has ended are
// asserted by the model's main function after it joins its threads.
#pragma once


#include "source_location.hpp"
#include "runtime.hpp"

#define MH_ASSERT(condition)                                                                \
  do {                                                                                      \
    if (!(condition)) ::mh::check::assertion_failed(#condition, nullptr, ::mh::check::source_location::current()); \
  } while (false)

#define MH_ASSERT_MSG(condition, message)                                                   \
  do {                                                                                      \
    if (!(condition)) ::mh::check::assertion_failed(#condition, message, ::mh::check::source_location::current()); \
  } while (false)
