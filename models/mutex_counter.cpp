// A counter incremented by N threads under one mutex: the benchmark GenMC
// (Kokologiannakis et al.) and the TruSt paper (POPL 2022) use for optimal
// exploration. The only choice an execution makes is the order in which the
// threads take the lock, and every other event (the counter's reads and
// writes) follows from it through happens-before, so an optimal explorer
// visits exactly N! executions: 1, 2, 6, 24, 120, 720, 5040, 40320.
//
// Without the mutex the increments race.
#include <vector>

#include "check/mh.hpp"

namespace {

void count_under_mutex(int threads) {
  mh::mutex lock{"lock"};
  mh::var<int> count{0, "count"};
  std::vector<mh::thread> workers;
  workers.reserve(threads);
  for (int i = 0; i < threads; ++i) {
    // push_back of a thread built here, not emplace_back: the spawn's source
    // location is captured where the thread is constructed.
    workers.push_back(mh::thread([&] {
      lock.lock();
      count.store(count.load() + 1);
      lock.unlock();
    }));
  }
  for (mh::thread& worker : workers) worker.join();
  MH_ASSERT_MSG(count.load() == threads, "an increment was lost");
}

}  // namespace

MH_MODEL(mutex_counter_1) { count_under_mutex(1); }
MH_MODEL(mutex_counter_2) { count_under_mutex(2); }
MH_MODEL(mutex_counter_3) { count_under_mutex(3); }
MH_MODEL(mutex_counter_4) { count_under_mutex(4); }
MH_MODEL(mutex_counter_5) { count_under_mutex(5); }
MH_MODEL(mutex_counter_6) { count_under_mutex(6); }
MH_MODEL(mutex_counter_7) { count_under_mutex(7); }
MH_MODEL(mutex_counter_8) { count_under_mutex(8); }

MH_MODEL_EXPECT(unprotected_counter, mh::error::data_race,
                "two unsynchronized read-increment-writes of a plain int conflict with no happens-before between "
                "them: a data race, undefined behaviour in C++ ([intro.races])") {
  mh::var<int> count{0, "count"};
  auto increment = [&] { count.store(count.load() + 1); };
  mh::thread first(increment);
  mh::thread second(increment);
  first.join();
  second.join();
}
