// The mutual-exclusion check the lock models share: two threads each enter
// the critical section once and increment a plain counter there, so two
// threads inside at once race on it (data_race), and a lost increment fails
// the final assertion.
#pragma once

#include "check/mh.hpp"

namespace mh::models {

// with_lock(me, body) takes the lock as thread `me` (0 or 1), runs body, releases it.
template <typename WithLock>
void check_mutual_exclusion(WithLock with_lock) {
  mh::var<int> entries{0, "entries"};
  auto critical_section = [&](int me) { with_lock(me, [&] { entries.store(entries.load() + 1); }); };
  mh::thread first([&] { critical_section(0); });
  mh::thread second([&] { critical_section(1); });
  first.join();
  second.join();
  MH_ASSERT_MSG(entries.load() == 2, "an increment inside the critical section was lost");
}

}  // namespace mh::models
