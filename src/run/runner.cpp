#include "run/runner.hpp"

#include <fmt/format.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include "run/codegen.hpp"
#include "run/perpetual_analysis.hpp"
#include "run/ticks.hpp"

namespace mh::run {

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::barrier: return "barrier";
    case Mode::timebase: return "timebase";
    case Mode::perpetual: return "perpetual";
  }
  return "?";
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// How a thread waits for the others. With a CPU of its own it spins (what
// makes instances start together); sharing a CPU it yields at once, or the
// thread it waits for would never run. A spinner also yields now and then:
// a hypervisor may have taken its partner's vCPU.
class Waiter {
 public:
  explicit Waiter(bool shares_cpu) : shares_cpu_(shares_cpu) {}
  void pause() {
    if (shares_cpu_ || ++spins_ % 4096 == 0) {
      sched_yield();
      return;
    }
    spin_pause();
  }

  // Sharing a CPU, a few yields hand it to the awaited thread far faster
  // than sleeping, on an idle machine; on a busy one a yield may give the
  // CPU to another process for a whole time slice. So: yield first, and
  // once a yield took long, sleep at once for the rest of the batch.
  int yields_before_sleeping() const { return busy_ ? 0 : 16; }
  void yield_took_long() { busy_ = true; }

 private:
  bool shares_cpu_;
  std::uint64_t spins_ = 0;
  bool busy_ = false;
};

struct alignas(64) PaddedCounter {
  std::atomic<std::uint32_t> value{0};
};

struct alignas(64) PaddedProgress {
  std::atomic<int> value{0};
};

// Everything the worker threads touch, kept alive by them: if the watchdog
// gives up on a stuck thread, the thread keeps its memory.
struct Shared {
  const litmus::Test* test = nullptr;
  const NativeTest* native = nullptr;
  RunOptions options;
  int threads = 0;
  int locations = 0;
  bool shares_cpu = false;
  std::vector<int> cpus;

  // Instance memory: location l of instance j at memory + j * instance_bytes + l * stride.
  std::size_t instance_bytes = 0;
  std::unique_ptr<std::byte, decltype(&std::free)> memory{nullptr, &std::free};
  std::vector<std::vector<word*>> pointers;  // [instance][location]
  std::vector<std::vector<word>> registers;  // [thread][instance * registers(thread) + r]
  std::vector<std::vector<std::uint16_t>> delays;  // [thread][instance]
  std::unique_ptr<PaddedCounter[]> arrived;  // barrier mode: per instance
  std::atomic<std::uint64_t> start_tick{0};  // timebase mode
  std::uint64_t interval_ticks = 0;
  std::atomic<std::uint64_t> late{0};

  // Perpetual mode.
  std::int64_t chunk = 0;
  std::vector<std::vector<word>> reads;  // [thread][iteration * loads + i]
  std::atomic<std::uint32_t> ready{0};

  // Batch control, under `control`: the controller bumps `generation`; each
  // worker runs the batch and bumps `finished`; `stop` ends the workers.
  // Batches are long next to a lock and a wake-up, and the lock orders the
  // controller's resets before the batch.
  std::mutex control;
  std::condition_variable batch_started, batch_finished;
  std::uint64_t generation = 0;
  std::uint64_t finished = 0;
  bool stop = false;
  std::atomic<int> failed_pins{0};

  // Set when the budget runs out in the middle of a batch: threads leave at
  // their next wait, having completed `completed[t]` instances (perpetual:
  // 1 when the chunk ran).
  std::atomic<bool> abandon{false};
  std::unique_ptr<PaddedProgress[]> completed;
  std::unique_ptr<PaddedProgress[]> finished_batch;  // batches each thread finished
};

// Sleeps while *word == expected, for at most a millisecond (so that the
// abandon flag is seen soon).
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected) {
  timespec timeout{0, 1'000'000};
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected, &timeout, nullptr, 0);
}

void futex_wake_all(std::atomic<std::uint32_t>& word) {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, INT32_MAX, nullptr, nullptr, 0);
}

// Arrives at a rendezvous of all the test's threads and waits for the
// others; false when the run is abandoned first. Threads that share CPUs
// sleep on a futex instead of spinning: the thread they wait for needs the
// CPU, and under load yielding alone does not give it to that thread.
bool rendezvous(Shared& s, std::atomic<std::uint32_t>& counter, Waiter& waiter) {
  const auto threads = static_cast<std::uint32_t>(s.threads);
  if (counter.fetch_add(1, std::memory_order_acq_rel) + 1 == threads) {
    if (s.shares_cpu) futex_wake_all(counter);
    return true;
  }
  int turns = 0;
  const auto began = Clock::now();
  for (std::uint32_t seen = counter.load(std::memory_order_acquire); seen < threads;
       seen = counter.load(std::memory_order_acquire)) {
    if (s.abandon.load(std::memory_order_relaxed)) return false;
    if (s.shares_cpu && turns > 0 && Clock::now() - began > std::chrono::microseconds(50)) waiter.yield_took_long();
    if (s.shares_cpu && ++turns > waiter.yields_before_sleeping())
      futex_wait(counter, seen);
    else
      waiter.pause();
  }
  return true;
}

void run_instances(Shared& s, int t) {
  Waiter waiter(s.shares_cpu);
  const std::size_t per_thread = s.test->threads[t].registers.size();
  word* const out = s.registers[t].data();
  const ThreadBody body = s.native->bodies[t];
  const int size = s.options.size;
  const bool timebase = s.options.mode == Mode::timebase;
  const std::uint64_t start = timebase ? s.start_tick.load(std::memory_order_acquire) : 0;
  std::uint64_t late = 0;
  std::atomic<int>& completed = s.completed[t].value;
  for (int j = 0; j < size; ++j) {
    if (timebase) {
      const std::uint64_t target = start + static_cast<std::uint64_t>(j) * s.interval_ticks;
      std::uint64_t now = ticks();
      if (now > target + s.interval_ticks) ++late;
      while (now < target) {
        if (s.abandon.load(std::memory_order_relaxed)) return;
        waiter.pause();
        now = ticks();
      }
    } else if (!rendezvous(s, s.arrived[j].value, waiter)) {
      break;
    }
    for (std::uint16_t d = s.delays[t][j]; d > 0; --d) asm volatile("" ::: "memory");
    body(s.pointers[j].data(), out + static_cast<std::size_t>(j) * per_thread);
    completed.store(j + 1, std::memory_order_release);
  }
  if (late != 0) s.late.fetch_add(late, std::memory_order_relaxed);
}

void run_perpetual(Shared& s, int t) {
  Waiter waiter(s.shares_cpu);
  // All threads start the chunk together; after that nothing synchronizes them.
  if (!rendezvous(s, s.ready, waiter)) return;
  s.native->perpetual[t](s.pointers[0].data(), s.reads[t].data(), 0, s.chunk);
  s.completed[t].value.store(1, std::memory_order_release);
}

void worker(std::shared_ptr<Shared> shared, int t) {
  Shared& s = *shared;
  if (!pin_current_thread(s.cpus[t])) s.failed_pins.fetch_add(1);
  std::uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock lock(s.control);
      // Between batches the controller is busy counting: sleep, don't spin.
      s.batch_started.wait(lock, [&] { return s.stop || s.generation != seen; });
      if (s.stop) return;
      seen = s.generation;
    }
    if (s.options.mode == Mode::perpetual)
      run_perpetual(s, t);
    else
      run_instances(s, t);
    s.finished_batch[t].value.fetch_add(1, std::memory_order_relaxed);
    {
      const std::lock_guard lock(s.control);
      ++s.finished;
    }
    s.batch_finished.notify_one();
  }
}

void reset_memory(Shared& s, int instances) {
  for (int j = 0; j < instances; ++j)
    for (int l = 0; l < s.locations; ++l) *s.pointers[j][l] = s.test->locations[l].init;
}

// Ticks one instance takes when the threads run it one after another, as a
// floor for the timebase interval.
std::uint64_t calibrate_interval(Shared& s) {
  std::vector<word> scratch(64);
  const int rounds = 200;
  const std::uint64_t begin = ticks();
  for (int i = 0; i < rounds; ++i) {
    reset_memory(s, 1);
    for (int t = 0; t < s.threads; ++t)
      if (s.test->threads[t].registers.size() <= scratch.size()) s.native->bodies[t](s.pointers[0].data(), scratch.data());
  }
  reset_memory(s, 1);
  const std::uint64_t per_instance = (ticks() - begin) / rounds;
  return std::max<std::uint64_t>(per_instance * 2, 200);
}

State state_of(const Shared& s, const std::vector<litmus::CondTerm>& observed,
               const std::vector<std::pair<int, int>>& columns, int instance) {
  State state(observed.size());
  for (std::size_t c = 0; c < observed.size(); ++c) {
    const auto [thread, index] = columns[c];
    if (thread < 0) {
      state[c] = *s.pointers[instance][index];
    } else {
      const std::size_t per_thread = s.test->threads[thread].registers.size();
      state[c] = s.registers[thread][static_cast<std::size_t>(instance) * per_thread + index];
    }
  }
  return state;
}

}  // namespace

RunResult run_test(const litmus::Test& test, const NativeTest& native, const std::vector<litmus::CondTerm>& observed,
                   const RunOptions& options) {
  if (options.mode == Mode::perpetual && native.perpetual == nullptr)
    throw std::invalid_argument("the perpetual mode cannot run " + test.name + ": " +
                                perpetual_unsupported(test).value_or("it was compiled without perpetual code"));
  if (native.threads != static_cast<int>(test.threads.size()))
    throw std::invalid_argument("the compiled test does not match the litmus file");
  if (options.size < 1 || options.stride < 8 || options.stride % 8 != 0)
    throw std::invalid_argument("--size must be at least 1 and --stride a multiple of 8");

  auto shared = std::make_shared<Shared>();
  Shared& s = *shared;
  s.test = &test;
  s.native = &native;
  s.options = options;
  s.threads = static_cast<int>(test.threads.size());
  s.locations = static_cast<int>(std::max<std::size_t>(test.locations.size(), 1));

  RunResult result;
  const Topology topology = detect_topology();
  result.topology_source = topology.source;
  s.cpus = choose_cpus(topology, s.threads, options.placement);
  result.cpus = s.cpus;
  result.oversubscribed = s.threads > topology.cpu_count();
  s.shares_cpu = result.oversubscribed;

  const int instances = options.mode == Mode::perpetual ? 1 : options.size;
  s.instance_bytes = static_cast<std::size_t>(s.locations) * options.stride;
  const std::size_t bytes = ((s.instance_bytes * instances + 4095) / 4096) * 4096;
  s.memory.reset(static_cast<std::byte*>(std::aligned_alloc(4096, bytes)));
  if (!s.memory) throw std::bad_alloc();
  s.pointers.assign(instances, std::vector<word*>(s.locations));
  for (int j = 0; j < instances; ++j)
    for (int l = 0; l < s.locations; ++l)
      s.pointers[j][l] = reinterpret_cast<word*>(s.memory.get() + j * s.instance_bytes + l * options.stride);
  reset_memory(s, instances);

  // Column c of a state: (thread, register) or (-1, location).
  std::vector<std::pair<int, int>> columns;
  for (const litmus::CondTerm& term : observed) {
    if (term.kind == litmus::CondTerm::Kind::Memory) {
      columns.emplace_back(-1, term.location);
      continue;
    }
    int thread = -1;
    for (int t = 0; t < s.threads; ++t)
      if (test.threads[t].id == term.thread) thread = t;
    const int reg = thread >= 0 ? test.threads[thread].find_register(term.reg) : -1;
    if (reg < 0) throw std::invalid_argument(fmt::format("{}:{} is not a register of the test", term.thread, term.reg));
    columns.emplace_back(thread, reg);
  }

  std::optional<PerpetualAnalysis> analysis;
  std::int64_t max_chunk = 0;
  if (options.mode == Mode::perpetual) {
    analysis.emplace(test, observed);
    max_chunk = static_cast<std::int64_t>(options.size) * 1000;
    s.reads.resize(s.threads);  // grown with the chunks
  } else {
    s.registers.resize(s.threads);
    for (int t = 0; t < s.threads; ++t)
      s.registers[t].assign(static_cast<std::size_t>(options.size) * test.threads[t].registers.size(), 0);
    s.delays.assign(s.threads, std::vector<std::uint16_t>(options.size, 0));
    s.arrived = std::make_unique<PaddedCounter[]>(options.size);
    if (options.mode == Mode::timebase) s.interval_ticks = calibrate_interval(s);
  }

  s.completed = std::make_unique<PaddedProgress[]>(s.threads);
  s.finished_batch = std::make_unique<PaddedProgress[]>(s.threads);
  std::mt19937_64 random(options.seed);
  const auto start = Clock::now();
  const double budget = std::max(options.budget_seconds, 0.0);
  std::vector<std::thread> workers;
  for (int t = 0; t < s.threads; ++t) workers.emplace_back(worker, shared, t);

  double last_progress = 0;
  double batch_seconds = 0;  // the longest batch so far
  std::uint64_t batches = 0;
  for (;;) {
    const double elapsed = seconds_since(start);
    // Stop when the next batch would end past the budget (a first batch
    // always starts, so that even a tiny budget gives a histogram).
    if (options.mode == Mode::perpetual) {
      // Chunks start small and grow while twice one fits in a tenth of the
      // budget, so that a short budget is honoured on any machine.
      if (batches == 0) {
        s.chunk = std::min<std::int64_t>(max_chunk, 10'000);
      } else if (s.chunk < max_chunk && batch_seconds * 2 < budget / 10) {
        s.chunk = std::min<std::int64_t>(max_chunk, s.chunk * 2);
        batch_seconds *= 2;
      }
    }
    if (batches > 0 && elapsed + batch_seconds > budget) break;
    if (options.mode == Mode::perpetual) {
      for (int t = 0; t < s.threads; ++t)
        s.reads[t].resize(static_cast<std::size_t>(s.chunk) * std::max(analysis->loads_of(t), 1));
      s.ready.store(0, std::memory_order_relaxed);
      if (batches > 0) reset_memory(s, 1);
    } else {
      if (batches > 0) reset_memory(s, options.size);
      for (int j = 0; j < options.size; ++j) s.arrived[j].value.store(0, std::memory_order_relaxed);
      if (options.max_delay > 0)
        for (auto& delays : s.delays)
          for (auto& d : delays) d = static_cast<std::uint16_t>(random() % (options.max_delay + 1));
      if (options.mode == Mode::timebase) s.start_tick.store(ticks() + s.interval_ticks * 64, std::memory_order_relaxed);
    }
    for (int t = 0; t < s.threads; ++t) s.completed[t].value.store(0, std::memory_order_relaxed);
    const auto batch_start = Clock::now();
    const std::uint64_t target = static_cast<std::uint64_t>(s.threads) * (batches + 1);
    {
      const std::lock_guard lock(s.control);
      ++s.generation;
    }
    s.batch_started.notify_all();

    // A batch that would end past the budget is abandoned at the budget's
    // end: each thread leaves at its next wait, and the instances that every
    // thread completed count. A thread that does not leave within the grace
    // period is stuck in the test itself (it waits for a value no instance
    // writes): the watchdog reports it instead of hanging. The grace is wide:
    // on a loaded machine a thread may wait tens of milliseconds for its CPU,
    // and a false hang costs a whole test.
    const auto until = [&](double seconds_from_start) {
      return start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds_from_start));
    };
    const auto all_finished = [&] { return s.finished >= target; };
    bool abandoned = false, hung = false;
    {
      std::unique_lock lock(s.control);
      // A first batch gets 20 ms even when the budget is gone, so that a
      // test starved by the preparations of others still shows states.
      const double floor = batches == 0 ? seconds_since(start) + 0.02 : 0.0;
      if (!s.batch_finished.wait_until(lock, until(std::max(budget, floor)), all_finished)) {
        abandoned = true;
        s.abandon.store(true, std::memory_order_relaxed);
        const double grace = options.mode == Mode::perpetual ? 10.0 : 1.0;
        hung = !s.batch_finished.wait_until(lock, until(seconds_since(start) + grace), all_finished);
      }
    }
    if (hung) {
      std::string stuck;
      for (int t = 0; t < s.threads; ++t)
        if (s.finished_batch[t].value.load() <= static_cast<int>(batches))
          stuck += fmt::format("{}{} (after {} instances)", stuck.empty() ? "" : ", ", test.threads[t].id,
                               s.completed[t].value.load());
      result.hang = fmt::format("batch {} never finished: thread{} {} did not return from the test (does it wait "
                                "for a value that no instance writes?)",
                                batches + 1, stuck.find(',') == std::string::npos ? "" : "s", stuck);
      {
        const std::lock_guard lock(s.control);
        s.stop = true;
      }
      s.batch_started.notify_all();
      for (auto& w : workers) w.detach();  // they keep `shared` alive
      result.seconds = seconds_since(start);
      return result;
    }
    batch_seconds = std::max(batch_seconds, seconds_since(batch_start));
    ++batches;

    // Instances (or the chunk) that every thread completed.
    int complete = options.mode == Mode::perpetual ? 1 : options.size;
    for (int t = 0; t < s.threads; ++t) complete = std::min(complete, s.completed[t].value.load());
    if (options.mode == Mode::perpetual) {
      if (complete == 1) {
        std::vector<const word*> reads;
        for (int t = 0; t < s.threads; ++t) reads.push_back(s.reads[t].data());
        result.iterations += analysis->add_chunk(reads, s.chunk, result.histogram, result.coherence_violation);
        if (!result.coherence_violation.empty()) break;
      }
      batch_seconds = std::max(batch_seconds, seconds_since(batch_start));
    } else {
      for (int j = 0; j < complete; ++j) ++result.histogram[state_of(s, observed, columns, j)];
      result.iterations += static_cast<std::uint64_t>(complete);
    }
    if (abandoned) break;
    if (options.progress && seconds_since(start) - last_progress >= 0.25) {
      last_progress = seconds_since(start);
      options.progress(last_progress, result.iterations);
    }
  }
  {
    const std::lock_guard lock(s.control);
    s.stop = true;
  }
  s.batch_started.notify_all();
  for (auto& w : workers) w.join();
  result.seconds = seconds_since(start);
  result.late_starts = s.late.load();
  return result;
}

}  // namespace mh::run
