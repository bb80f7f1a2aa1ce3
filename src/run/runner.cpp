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
  std::uint64_t lead_ticks = 0;  // 200 µs
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

  // Giving up on a batch at the budget's end, agreed by all threads so that
  // no thread runs an instance alone (it could wait forever for a store of
  // a thread that left): before instance j a thread publishes `started[t] =
  // j + 1`, then looks at `abandon`. The controller sets `abandon`, then
  // reads every `started` and publishes `stop_before` = their maximum. Both
  // sides use seq_cst, so either the controller sees the thread's j or the
  // thread sees `abandon` and waits for `stop_before`; every thread then runs
  // exactly the instances below it.
  std::atomic<bool> abandon{false};
  std::atomic<int> stop_before{INT_MAX};
  std::atomic<bool> stop_published{false};
  std::unique_ptr<PaddedProgress[]> started;
  std::unique_ptr<PaddedProgress[]> completed;       // instances thread t completed in this batch
  std::unique_ptr<PaddedProgress[]> finished_batch;  // batches each thread finished
  int calibration_instances = 0;  // timebase: the first batch runs in barrier mode to measure an instance
};

// Sleeps while *word == expected (or for a millisecond at most).
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected) {
  timespec timeout{0, 1'000'000};
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected, &timeout, nullptr, 0);
}

void futex_wake_all(std::atomic<std::uint32_t>& word) {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, INT32_MAX, nullptr, nullptr, 0);
}

// Arrives at a rendezvous of all the test's threads and waits for the
// others. Only instances that every thread will run get here (see
// Shared::abandon), so the wait ends unless a thread is stuck in the test.
// Threads that share CPUs sleep on a futex instead of spinning: the thread
// they wait for needs the CPU, and under load yielding alone does not give
// it to that thread.
void rendezvous(Shared& s, std::atomic<std::uint32_t>& counter, Waiter& waiter) {
  const auto threads = static_cast<std::uint32_t>(s.threads);
  if (counter.fetch_add(1, std::memory_order_acq_rel) + 1 == threads) {
    if (s.shares_cpu) futex_wake_all(counter);
    return;
  }
  int turns = 0;
  const auto began = Clock::now();
  for (std::uint32_t seen = counter.load(std::memory_order_acquire); seen < threads;
       seen = counter.load(std::memory_order_acquire)) {
    if (s.shares_cpu && turns > 0 && Clock::now() - began > std::chrono::microseconds(50)) waiter.yield_took_long();
    if (s.shares_cpu && ++turns > waiter.yields_before_sleeping())
      futex_wait(counter, seen);
    else
      waiter.pause();
  }
}

// Whether thread t runs instance j of this batch (Shared::abandon).
bool may_start(Shared& s, int t, int j, Waiter& waiter) {
  s.started[t].value.store(j + 1, std::memory_order_seq_cst);
  if (!s.abandon.load(std::memory_order_seq_cst)) return true;
  while (!s.stop_published.load(std::memory_order_acquire)) waiter.pause();
  return j < s.stop_before.load(std::memory_order_relaxed);
}

void run_instances(Shared& s, int t, bool timebase) {
  Waiter waiter(s.shares_cpu);
  const std::size_t per_thread = s.test->threads[t].registers.size();
  word* const out = s.registers[t].data();
  const ThreadBody body = s.native->bodies[t];
  const int size = timebase ? s.options.size : (s.calibration_instances > 0 ? s.calibration_instances : s.options.size);
  const std::uint64_t start = timebase ? s.start_tick.load(std::memory_order_acquire) : 0;
  std::uint64_t late = 0;
  std::atomic<int>& completed = s.completed[t].value;
  for (int j = 0; j < size; ++j) {
    if (!may_start(s, t, j, waiter)) break;
    if (timebase) {
      const std::uint64_t target = start + static_cast<std::uint64_t>(j) * s.interval_ticks;
      std::uint64_t now = ticks();
      if (now > target + s.interval_ticks) ++late;
      while (now < target) {
        waiter.pause();
        now = ticks();
      }
    } else {
      rendezvous(s, s.arrived[j].value, waiter);
    }
    for (std::uint16_t d = s.delays[t][j]; d > 0; --d) asm volatile("" ::: "memory");
    body(s.pointers[j].data(), out + static_cast<std::size_t>(j) * per_thread);
    completed.store(j + 1, std::memory_order_release);
  }
  if (late != 0) s.late.fetch_add(late, std::memory_order_relaxed);
}

void run_perpetual(Shared& s, int t) {
  Waiter waiter(s.shares_cpu);
  if (!may_start(s, t, 0, waiter)) return;
  // All threads start the chunk together; after that nothing synchronizes them.
  rendezvous(s, s.ready, waiter);
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
      run_instances(s, t, s.options.mode == Mode::timebase && s.calibration_instances == 0);
    s.finished_batch[t].value.fetch_add(1, std::memory_order_relaxed);
    {
      const std::lock_guard lock(s.control);
      ++s.finished;
    }
    s.batch_finished.notify_one();
  }
}

// The test's initial values; in the perpetual mode 0 everywhere, the value
// that means "no iteration's store" (the analysis maps it back to the
// initial value).
void reset_memory(Shared& s, int instances) {
  const bool perpetual = s.options.mode == Mode::perpetual;
  for (int j = 0; j < instances; ++j)
    for (int l = 0; l < s.locations; ++l) *s.pointers[j][l] = perpetual ? 0 : s.test->locations[l].init;
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

  // The budget counts from here: allocating a large --size is part of the run.
  const auto start = Clock::now();
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
    // The timebase interval comes from a first batch in the barrier mode
    // (not counted): what one instance takes with the threads together.
    if (options.mode == Mode::timebase) s.calibration_instances = std::min(options.size, 200);
  }

  s.started = std::make_unique<PaddedProgress[]>(s.threads);
  s.completed = std::make_unique<PaddedProgress[]>(s.threads);
  s.finished_batch = std::make_unique<PaddedProgress[]>(s.threads);
  std::mt19937_64 random(options.seed);
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
        // Analysing an iteration costs one search per combination of loads.
        const std::int64_t first = std::clamp<std::int64_t>(160'000 / analysis->combinations(), 100, 10'000);
        s.chunk = std::min<std::int64_t>(max_chunk, first);
      } else if (s.chunk < max_chunk && batch_seconds * 2 < budget / 10) {
        s.chunk = std::min<std::int64_t>(max_chunk, s.chunk * 2);
        batch_seconds *= 2;
      }
    }
    if (batches > 0 && elapsed + batch_seconds > budget) {
      // A perpetual chunk cannot be cut short (only whole chunks are
      // analysed): the last ones are shrunk to fill what is left, or a run
      // would end up to a tenth of its budget early.
      const double fraction = (budget - elapsed) / std::max(batch_seconds, 1e-9) * 0.8;
      if (options.mode != Mode::perpetual || s.chunk <= 100 || fraction <= 0) break;
      s.chunk = std::max<std::int64_t>(100, static_cast<std::int64_t>(static_cast<double>(s.chunk) * fraction));
      batch_seconds *= fraction;
    }
    if (options.mode == Mode::perpetual) {
      if (options.max_iterations > 0)
        s.chunk = std::clamp<std::int64_t>(static_cast<std::int64_t>(options.max_iterations - result.iterations), 1,
                                           s.chunk);
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
      // Far enough ahead for every thread to be woken and waiting.
      if (options.mode == Mode::timebase)
        s.start_tick.store(ticks() + std::max(s.interval_ticks * 64, s.lead_ticks), std::memory_order_relaxed);
    }
    for (int t = 0; t < s.threads; ++t) {
      s.completed[t].value.store(0, std::memory_order_relaxed);
      s.started[t].value.store(0, std::memory_order_relaxed);
    }
    // The last batch of a bounded run is cut short before it starts, by the
    // same agreement that ends a batch at the budget.
    const std::uint64_t left = options.max_iterations - std::min(options.max_iterations, result.iterations);
    const bool last_batch = options.max_iterations > 0 && s.calibration_instances == 0 &&
                            options.mode != Mode::perpetual && left <= static_cast<std::uint64_t>(options.size);
    s.abandon.store(last_batch, std::memory_order_relaxed);
    s.stop_published.store(last_batch, std::memory_order_relaxed);
    s.stop_before.store(last_batch ? static_cast<int>(left) : INT_MAX, std::memory_order_relaxed);
    const auto batch_start = Clock::now();
    const std::uint64_t batch_start_ticks = ticks();
    const std::uint64_t target = static_cast<std::uint64_t>(s.threads) * (batches + 1);
    {
      const std::lock_guard lock(s.control);
      ++s.generation;
    }
    s.batch_started.notify_all();

    // A batch that would end past the budget is abandoned at the budget's
    // end: the threads agree on the instances they all run (Shared::abandon)
    // and stop there. A thread that does not finish within the grace period
    // is stuck in the test itself (it waits for a value no instance writes):
    // the watchdog reports it instead of hanging. The grace is wide: on a
    // loaded machine a thread may wait tens of milliseconds for its CPU, and
    // a false hang costs a whole test.
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
        s.abandon.store(true, std::memory_order_seq_cst);
        int stop_before = 0;
        for (int t = 0; t < s.threads; ++t)
          stop_before = std::max(stop_before, s.started[t].value.load(std::memory_order_seq_cst));
        s.stop_before.store(stop_before, std::memory_order_relaxed);
        s.stop_published.store(true, std::memory_order_release);
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
    if (s.calibration_instances > 0) {
      // The timebase calibration batch: an instance's length, and how far
      // ahead 200 µs is, in ticks. Its states are not counted.
      const double seconds_taken = std::max(seconds_since(batch_start), 1e-9);
      const std::uint64_t ticks_taken = ticks() - batch_start_ticks;
      s.interval_ticks = std::max<std::uint64_t>(2 * ticks_taken / std::max(complete, 1), 200);
      s.lead_ticks = static_cast<std::uint64_t>(static_cast<double>(ticks_taken) / seconds_taken * 200e-6);
      s.calibration_instances = 0;
      batch_seconds = 0;
      if (abandoned) break;
      continue;
    }
    if (options.mode == Mode::perpetual) {
      if (complete == 1) {
        std::vector<const word*> reads;
        for (int t = 0; t < s.threads; ++t) reads.push_back(s.reads[t].data());
        result.iterations += analysis->add_chunk(reads, s.chunk, result.histogram, result.coherence_violation,
                                                 until(std::max(budget, seconds_since(start) + 0.02)));
        if (!result.coherence_violation.empty()) break;
      }
      batch_seconds = std::max(batch_seconds, seconds_since(batch_start));
    } else {
      for (int j = 0; j < complete; ++j) ++result.histogram[state_of(s, observed, columns, j)];
      result.iterations += static_cast<std::uint64_t>(complete);
    }
    if (abandoned || last_batch) break;
    if (options.max_iterations > 0 && result.iterations >= options.max_iterations) break;
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
  result.unpinned_threads = s.failed_pins.load();
  return result;
}

}  // namespace mh::run
