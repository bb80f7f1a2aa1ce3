// What a running stress variant sees: its workers (pinned threads, or the
// threads of processes it forks), the stop signal at the end of its time,
// progress and blocking reports for the watchdog, violations, and names for
// shared-memory objects that the harness removes whatever happens.
//
// The counters live in a shared anonymous mapping made before the variant
// starts, so processes the variant forks report through the same Context.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "run/affinity.hpp"

namespace mh::stress {

struct SharedBlock;  // shared_block.hpp
enum class WorkerState : int;

struct RunSettings {
  double seconds = 1.0;  // this variant's time
  int threads = 0;       // requested worker threads (0: every CPU)
  run::Placement placement = run::Placement::distinct_cores;
  // Every live worker blocked this long: a hang (a lost wake-up, a deadlock).
  double stall_seconds = 1.0;
  // No worker progressed this long, though some are not blocked: a hang too.
  double no_progress_seconds = 5.0;
  std::uint64_t seed = 1;
  // End the variant at its first violation (time to first detection) rather
  // than at the end of its time.
  bool stop_at_first_failure = false;
};

class Context {
 public:
  static constexpr int max_workers = 512;

  Context(const RunSettings& settings, int workers, std::vector<int> cpus);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  int workers() const { return workers_; }
  // More workers than CPUs: spin-waits must give the CPU away.
  bool oversubscribed() const { return oversubscribed_; }
  std::uint64_t seed() const { return settings_.seed; }
  double budget_seconds() const { return settings_.seconds; }

  // Runs body(first + i) for i in [0, count) on threads pinned like the
  // litmus runner's, and joins them. A worker's exception is recorded as an
  // error of the variant.
  void run_threads(int count, const std::function<void(int worker)>& body, int first = 0);
  // Pins the calling thread as worker `worker` (for a forked process's own
  // thread) and marks it running.
  void become_worker(int worker);
  void finished(int worker);

  // The end of the variant's time, or the watchdog gave up: workers return.
  bool stopping() const;
  // The watchdog reported a hang and is waking everything up: a worker that
  // returns from a blocking call should leave at once.
  bool aborted() const;
  double elapsed_seconds() const;

  void add_progress(int worker, std::uint64_t operations = 1);
  // Brackets a call that a broken protocol can block forever ("futex_wait",
  // "sem_wait(full)", "read(pipe)").
  void enter_blocking(int worker, const char* what);
  void leave_blocking(int worker);

  // A checked property failed. Safe from any worker, thread or process; the
  // first one keeps its details and the time it was seen.
  void violation(std::string_view kind, std::string_view details);
  std::uint64_t violations() const;

  // For the watchdog's report of a hang: the protocol's state in words (the
  // futex word, the semaphores' values), and how to wake every worker once
  // aborted() is true (futex_wake all, sem_post, close a pipe). Called from
  // the watchdog thread of the variant's own process, until the returned
  // guard is destroyed: declare it after the state the hooks use, so that it
  // goes first (its destructor waits for a call in progress).
  class HangHooks {
   public:
    explicit HangHooks(Context& context) : context_(&context) {}
    HangHooks(HangHooks&& other) noexcept : context_(std::exchange(other.context_, nullptr)) {}
    HangHooks(const HangHooks&) = delete;
    HangHooks& operator=(const HangHooks&) = delete;
    HangHooks& operator=(HangHooks&&) = delete;
    ~HangHooks();

   private:
    Context* context_;
  };
  [[nodiscard]] HangHooks on_hang(std::function<std::string()> describe_state,
                                  std::function<void()> wake_everyone);
  // A process the variant forked: killed if the watchdog gives up or the
  // variant returns without waiting for it (wait_process).
  void track_process(pid_t pid, std::string role);
  // Waits for a tracked process; its exit is reported in words ("exited 0",
  // "killed by SIGKILL").
  std::string wait_process(pid_t pid);

  // "/memharness-<pid>-<what>": a name for shm_open or sem_open that the
  // harness removes when the variant ends, on every path (a killed process,
  // a hang, the command interrupted; names left by a killed command are
  // removed by the next one).
  std::string object_name(std::string_view what) const;

  // Evidence beyond the counts: short reads seen, wake-ups sent, ... Only
  // from the variant's own process: a forked worker's metrics, notes (and
  // its worker errors) stay in its copy of the Context; it reports through
  // violation() or memory it shares with the variant.
  void metric(const std::string& key, double value);
  void note(std::string text);

  // A polite spin: pause, and yield the CPU when workers share CPUs or the
  // wait is long.
  void spin_pause(unsigned& spins) const;

  // --- for the harness (run.cpp) ---
  SharedBlock& shared() { return *shared_; }
  const SharedBlock& shared() const { return *shared_; }
  const std::vector<int>& cpus() const { return cpus_; }
  std::map<std::string, double> metrics() const;
  std::vector<std::string> notes() const;
  std::vector<std::string> errors() const;
  std::string describe_state() const;
  void wake_everyone() const;
  void kill_tracked_processes();
  pid_t root_pid() const { return root_pid_; }

 private:
  // Its state and since when, in the shared counters.
  void set_state(int worker, WorkerState state);

  RunSettings settings_;
  int workers_;
  std::vector<int> cpus_;
  bool oversubscribed_;
  pid_t root_pid_;
  SharedBlock* shared_;
  mutable std::mutex mutex_;
  std::map<std::string, double> metrics_;
  std::vector<std::string> notes_;
  std::vector<std::string> errors_;
  // Held while a hang hook runs, so a guard's destructor can wait for it.
  mutable std::mutex hooks_mutex_;
  std::function<std::string()> describe_state_;
  std::function<void()> wake_everyone_;
  std::map<pid_t, std::string> processes_;
};

// Converts a relative timestamp for reports.
std::int64_t monotonic_ns();

}  // namespace mh::stress
