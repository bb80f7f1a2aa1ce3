// Drepper's futex mutexes against pthread_mutex_t and std::mutex, every
// thread taking the lock around one increment of a shared counter: pure
// contention, where the sleeping and waking paths matter
// (docs/performance.md, "Stress binaries").
// Run: build/default/bench/futex_mutex_bench --benchmark_repetitions=5
//        --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <pthread.h>

#include <cstdint>
#include <memory>
#include <mutex>

#include "stress/drepper_mutex.hpp"

namespace {

using mh::stress::FutexMutex;
using mh::stress::MutexVariant;
using mh::stress::Take;

class PthreadMutex {
 public:
  PthreadMutex() { pthread_mutex_init(&mutex_, nullptr); }
  ~PthreadMutex() { pthread_mutex_destroy(&mutex_); }
  void lock() { pthread_mutex_lock(&mutex_); }
  void unlock() { pthread_mutex_unlock(&mutex_); }

 private:
  pthread_mutex_t mutex_;
};

class StdMutex {
 public:
  void lock() { mutex_.lock(); }
  void unlock() { mutex_.unlock(); }

 private:
  std::mutex mutex_;
};

template <Take which>
class Drepper {
 public:
  Drepper() : mutex_(variant(), nullptr) {}
  void lock() { mutex_.lock(0); }
  void unlock() { mutex_.unlock(); }

 private:
  static MutexVariant variant() {
    MutexVariant v;
    v.take = which;
    return v;
  }
  FutexMutex mutex_;
};

template <typename Lock>
struct Shared {
  alignas(64) Lock lock;
  alignas(64) std::uint64_t counter = 0;
};

template <typename Lock>
void contended_increment(benchmark::State& state) {
  static std::unique_ptr<Shared<Lock>> shared;
  // Set up by thread 0; the benchmark's loop starts on a barrier.
  if (state.thread_index() == 0) shared = std::make_unique<Shared<Lock>>();
  for (auto _ : state) {
    shared->lock.lock();
    ++shared->counter;
    shared->lock.unlock();
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) benchmark::DoNotOptimize(shared->counter);
}

#define MUTEX_BENCHMARK(Lock) BENCHMARK_TEMPLATE(contended_increment, Lock)->ThreadRange(1, 4)->UseRealTime()

MUTEX_BENCHMARK(PthreadMutex);
MUTEX_BENCHMARK(StdMutex);
MUTEX_BENCHMARK(Drepper<Take::one>);
MUTEX_BENCHMARK(Drepper<Take::two>);
MUTEX_BENCHMARK(Drepper<Take::three>);

}  // namespace

BENCHMARK_MAIN();
