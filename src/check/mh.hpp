// Everything a model needs: #include "check/mh.hpp" in the source tree, or
// <memharness/check/mh.hpp> from an installed memharness.
#pragma once

#include "assert.hpp"
#include "atomic.hpp"
#include "condition_variable.hpp"
#include "heap.hpp"
#include "model_registry.hpp"
#include "mutex.hpp"
#include "options.hpp"
#include "result.hpp"
#include "thread.hpp"
#include "var.hpp"
