// The modeled OS primitives, for models that use them: #include "os/os.hpp"
// in the source tree, or <memharness/os/os.hpp> from an installed memharness.
#pragma once

#include "futex.hpp"
#include "pipe.hpp"
#include "process.hpp"
#include "semaphore.hpp"
#include "shm.hpp"
#include "socketpair.hpp"
