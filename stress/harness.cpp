#include "stress/harness.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "stress/object_names.hpp"
#include "stress/shared_block.hpp"

namespace mh::stress {
namespace {

const char* state_name(WorkerState state) {
  switch (state) {
    case WorkerState::idle:
      return "not started";
    case WorkerState::running:
      return "running";
    case WorkerState::blocked:
      return "blocked";
    case WorkerState::finished:
      return "finished";
  }
  return "?";
}

std::string describe_workers(const Context& context, std::int64_t now) {
  std::string text;
  for (int worker = 0; worker < context.workers(); ++worker) {
    const WorkerSlot& slot = context.shared().slots[worker];
    const auto state = static_cast<WorkerState>(slot.state.load(std::memory_order_acquire));
    const double since = double(now - slot.since_ns.load(std::memory_order_relaxed)) * 1e-9;
    text += fmt::format("\n  worker {} (pid {}): {}", worker, slot.pid.load(std::memory_order_relaxed),
                        state_name(state));
    if (state == WorkerState::blocked) {
      const char* what = slot.what.load(std::memory_order_relaxed);
      text += fmt::format(" in {} for {:.2f} s", what != nullptr ? what : "?", since);
    }
    text += fmt::format(", {} operations", slot.operations.load(std::memory_order_relaxed));
  }
  return text;
}

// Whether a worker that said it blocks could be running: the kernel has it
// runnable (woken, not yet scheduled: it has not said it left the call). A
// thread that is gone (its process killed) can run no more.
bool may_be_running(const WorkerSlot& slot) {
  const std::string path = fmt::format("/proc/{}/task/{}/stat", slot.pid.load(std::memory_order_relaxed),
                                       slot.tid.load(std::memory_order_relaxed));
  std::FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) return false;
  char buffer[512];
  const std::size_t got = std::fread(buffer, 1, sizeof buffer - 1, file);
  std::fclose(file);
  buffer[got] = '\0';
  // "pid (comm) S ...": the state follows the last ')' (comm may hold one).
  const char* end = std::strrchr(buffer, ')');
  return end != nullptr && end[1] == ' ' && end[2] == 'R';
}

bool any_blocked_worker_runnable(const Context& context) {
  for (int worker = 0; worker < context.workers(); ++worker) {
    const WorkerSlot& slot = context.shared().slots[worker];
    if (static_cast<WorkerState>(slot.state.load(std::memory_order_acquire)) == WorkerState::blocked &&
        may_be_running(slot))
      return true;
  }
  return false;
}

}  // namespace

int worker_count(const Variant& variant, const RunSettings& settings) {
  int requested = settings.threads;
  if (requested <= 0) requested = std::max(1, run::detect_topology().cpu_count());
  const int workers = variant.workers ? variant.workers(requested) : requested;
  return std::clamp(workers, 1, Context::max_workers);
}

Outcome outcome_of(const Variant& variant, const RunSettings& settings, const HostFacts& host) {
  Outcome outcome;
  outcome.name = variant.full_name();
  outcome.protocol = variant.protocol;
  outcome.variant = variant.name;
  outcome.expectation = variant.expectation;
  outcome.reordering = variant.reordering;
  outcome.hunted_here = hunted_on_host(variant, host.arch, host.emulated);
  outcome.budget_seconds = settings.seconds;
  outcome.placement = run::placement_name(settings.placement);
  return outcome;
}

Outcome run_variant(const Variant& variant, const RunSettings& settings, const HostFacts& host) {
  Outcome outcome = outcome_of(variant, settings, host);

  const int workers = worker_count(variant, settings);
  std::vector<int> cpus = run::choose_cpus(run::detect_topology(), workers, settings.placement);
  // On the heap: when a hung worker must be left behind, the context is
  // leaked rather than unmapped under it.
  auto owned_context = std::make_unique<Context>(settings, workers, cpus);
  Context& context = *owned_context;
  outcome.workers = workers;
  outcome.cpus = cpus;
  SharedBlock& shared = context.shared();
  const std::int64_t start = shared.start_ns;
  const std::int64_t deadline = start + static_cast<std::int64_t>(settings.seconds * 1e9);

  std::string error;
  // The variant runs beside the watchdog; this state outlives the watchdog
  // when the runner must be left behind.
  struct Shared {
    std::mutex mutex;
    std::condition_variable returned;
    bool done = false;
    std::string error;
  };
  auto state = std::make_shared<Shared>();
  std::thread runner([state, &variant, &context] {
    std::string failure;
    try {
      variant.run(context);
    } catch (const std::exception& exception) {
      failure = exception.what();
    }
    std::lock_guard lock(state->mutex);
    state->done = true;
    state->error = failure;
    state->returned.notify_all();
  });

  // A hunted hang (a lost wake-up, a deadlock) is reported soon after the
  // workers stop; other variants, for which a hang is a failure, get longer.
  const double stall_seconds = variant.expectation == Expectation::hunted && !variant.reordering
                                   ? std::min(settings.stall_seconds, 0.25)
                                   : settings.stall_seconds;
  std::uint64_t last_total = 0;
  std::int64_t last_progress = start;
  bool left_blocked = false;
  for (;;) {
    {
      std::unique_lock lock(state->mutex);
      if (state->returned.wait_for(lock, std::chrono::milliseconds(5), [&] { return state->done; })) break;
    }
    const std::int64_t now = monotonic_ns();
    if (now >= deadline ||
        (settings.stop_at_first_failure && shared.violations.load(std::memory_order_relaxed) > 0))
      shared.stop.store(1, std::memory_order_relaxed);
    std::uint64_t total = 0;
    int live = 0, blocked = 0;
    std::int64_t latest_block = 0;
    for (int worker = 0; worker < workers; ++worker) {
      const WorkerSlot& slot = shared.slots[worker];
      total += slot.operations.load(std::memory_order_relaxed);
      const auto worker_state = static_cast<WorkerState>(slot.state.load(std::memory_order_acquire));
      if (worker_state == WorkerState::running || worker_state == WorkerState::blocked) ++live;
      if (worker_state == WorkerState::blocked) {
        ++blocked;
        latest_block = std::max(latest_block, slot.since_ns.load(std::memory_order_relaxed));
      }
    }
    if (total != last_total) {
      last_total = total;
      last_progress = now;
    }
    const auto seconds_since = [now](std::int64_t then) { return double(now - then) * 1e-9; };
    std::string hang;
    if (live > 0 && blocked == live &&
        seconds_since(std::max(latest_block, last_progress)) >= stall_seconds &&
        !any_blocked_worker_runnable(context)) {
      hang = fmt::format(
          "every live worker blocked for {:.2f} s: nothing can wake them (a lost wake-up or a deadlock)",
          seconds_since(std::max(latest_block, last_progress)));
    } else if (live > 0 && seconds_since(last_progress) >= settings.no_progress_seconds) {
      hang = fmt::format("no worker made progress for {:.1f} s (a livelock, or a worker spinning forever)",
                         seconds_since(last_progress));
    } else if (now > deadline && seconds_since(deadline) >= settings.no_progress_seconds + stall_seconds) {
      hang =
          fmt::format("the variant did not return {:.1f} s after its time was up", seconds_since(deadline));
    }
    if (hang.empty()) continue;

    hang += describe_workers(context, now);
    const std::string protocol_state = context.describe_state();
    if (!protocol_state.empty()) hang += "\n  state: " + protocol_state;
    outcome.hang = hang;
    context.violation("hang", hang);
    shared.abort.store(1, std::memory_order_relaxed);
    shared.stop.store(1, std::memory_order_relaxed);
    // Wake every worker until the variant returns; processes that stay
    // blocked are killed after a while.
    const std::int64_t gave_up = monotonic_ns();
    bool killed = false;
    for (;;) {
      context.wake_everyone();
      {
        std::unique_lock lock(state->mutex);
        if (state->returned.wait_for(lock, std::chrono::milliseconds(20), [&] { return state->done; })) break;
      }
      const double waited = double(monotonic_ns() - gave_up) * 1e-9;
      if (waited > 0.5 && !killed) {
        context.kill_tracked_processes();
        killed = true;
      }
      if (waited > 2.0) {
        left_blocked = true;
        break;
      }
    }
    break;
  }

  if (left_blocked) {
    runner.detach();
    outcome.left_blocked = true;
    outcome.notes.push_back("workers the watchdog could not wake were left blocked; their process was ended");
  } else {
    runner.join();
    std::lock_guard lock(state->mutex);
    error = state->error;
  }
  // Processes the variant left behind are killed and reaped.
  context.kill_tracked_processes();
  remove_objects_of(context.root_pid());

  outcome.seconds = context.elapsed_seconds();
  for (int worker = 0; worker < workers; ++worker)
    outcome.operations += shared.slots[worker].operations.load(std::memory_order_relaxed);
  outcome.violations = shared.violations.load(std::memory_order_relaxed);
  if (shared.first_state.load(std::memory_order_acquire) == 2)
    outcome.first_failure =
        FirstFailure{double(shared.first_at_ns - start) * 1e-9, shared.first_kind, shared.first_details};
  if (!left_blocked) {
    outcome.metrics = context.metrics();
    for (auto& note : context.notes()) outcome.notes.push_back(note);
    std::vector<std::string> errors = context.errors();
    if (!error.empty()) errors.insert(errors.begin(), error);
    for (std::size_t i = 0; i < errors.size(); ++i) outcome.error += (i > 0 ? "; " : "") + errors[i];
  }
  judge(outcome);
  if (left_blocked) static_cast<void>(owned_context.release());
  return outcome;
}

}  // namespace mh::stress
