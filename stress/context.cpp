#include "stress/context.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <new>
#include <stdexcept>
#include <thread>

#include "stress/shared_block.hpp"

namespace mh::stress {

std::int64_t monotonic_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

namespace {

void copy_text(char* target, std::size_t capacity, std::string_view text) {
  const std::size_t length = std::min(capacity - 1, text.size());
  std::memcpy(target, text.data(), length);
  target[length] = '\0';
}

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

}  // namespace

Context::Context(const RunSettings& settings, int workers, std::vector<int> cpus)
    : settings_(settings), workers_(workers), cpus_(std::move(cpus)), root_pid_(::getpid()) {
  if (workers_ < 1 || workers_ > max_workers)
    throw std::invalid_argument("a variant needs between 1 and 512 workers");
  std::vector<int> distinct;
  for (int cpu : cpus_)
    if (cpu >= 0 && std::find(distinct.begin(), distinct.end(), cpu) == distinct.end())
      distinct.push_back(cpu);
  const int online = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int usable = distinct.empty() ? online : static_cast<int>(distinct.size());
  oversubscribed_ = workers_ > usable;
  void* memory =
      ::mmap(nullptr, sizeof(SharedBlock), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED)
    throw std::runtime_error(std::string("mmap of the shared counters: ") + std::strerror(errno));
  shared_ = new (memory) SharedBlock();
  shared_->start_ns = monotonic_ns();
}

Context::~Context() {
  shared_->~SharedBlock();
  ::munmap(shared_, sizeof(SharedBlock));
}

void Context::run_threads(int count, const std::function<void(int)>& body, int first) {
  if (first < 0 || count < 0 || first + count > max_workers)
    throw std::invalid_argument("worker index out of range");
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(count));
  // A thread that cannot be created ends the run: the ones started are told
  // to stop and joined before the error goes up (never std::terminate).
  struct JoinOnUnwind {
    std::vector<std::thread>& threads;
    SharedBlock& shared;
    ~JoinOnUnwind() {
      if (std::uncaught_exceptions() == 0) return;
      shared.stop.store(1, std::memory_order_relaxed);
      shared.abort.store(1, std::memory_order_relaxed);
      for (auto& thread : threads)
        if (thread.joinable()) thread.join();
    }
  } join_on_unwind{threads, *shared_};
  for (int i = 0; i < count; ++i) {
    const int worker = first + i;
    threads.emplace_back([this, worker, &body] {
      become_worker(worker);
      try {
        body(worker);
      } catch (const std::exception& error) {
        std::lock_guard lock(mutex_);
        errors_.push_back("worker " + std::to_string(worker) + ": " + error.what());
      }
      finished(worker);
    });
  }
  for (auto& thread : threads) thread.join();
}

void Context::become_worker(int worker) {
  if (!cpus_.empty()) {
    const int cpu = cpus_[static_cast<std::size_t>(worker) % cpus_.size()];
    if (cpu >= 0) run::pin_current_thread(cpu);
  }
  WorkerSlot& slot = shared_->slots[worker];
  slot.pid.store(::getpid(), std::memory_order_relaxed);
  slot.tid.store(static_cast<int>(::gettid()), std::memory_order_relaxed);
  set_state(worker, WorkerState::running);
}

void Context::finished(int worker) {
  set_state(worker, WorkerState::finished);
}

void Context::set_state(int worker, WorkerState state) {
  WorkerSlot& slot = shared_->slots[worker];
  slot.since_ns.store(monotonic_ns(), std::memory_order_relaxed);
  slot.state.store(static_cast<int>(state), std::memory_order_release);
}

bool Context::stopping() const {
  return shared_->stop.load(std::memory_order_relaxed) != 0;
}

bool Context::aborted() const {
  return shared_->abort.load(std::memory_order_relaxed) != 0;
}

double Context::elapsed_seconds() const {
  return double(monotonic_ns() - shared_->start_ns) * 1e-9;
}

void Context::add_progress(int worker, std::uint64_t operations) {
  // One writer per slot: a plain add keeps the hot loops free of RMWs.
  auto& counter = shared_->slots[worker].operations;
  counter.store(counter.load(std::memory_order_relaxed) + operations, std::memory_order_relaxed);
}

void Context::enter_blocking(int worker, const char* what) {
  shared_->slots[worker].what.store(what, std::memory_order_relaxed);
  set_state(worker, WorkerState::blocked);
}

void Context::leave_blocking(int worker) {
  set_state(worker, WorkerState::running);
}

void Context::violation(std::string_view kind, std::string_view details) {
  shared_->violations.fetch_add(1, std::memory_order_relaxed);
  int expected = 0;
  if (!shared_->first_state.compare_exchange_strong(expected, 1, std::memory_order_acquire)) return;
  shared_->first_at_ns = monotonic_ns();
  copy_text(shared_->first_kind, sizeof shared_->first_kind, kind);
  copy_text(shared_->first_details, sizeof shared_->first_details, details);
  shared_->first_state.store(2, std::memory_order_release);
}

std::uint64_t Context::violations() const {
  return shared_->violations.load(std::memory_order_relaxed);
}

Context::HangHooks Context::on_hang(std::function<std::string()> describe_state,
                                    std::function<void()> wake_everyone) {
  std::lock_guard lock(hooks_mutex_);
  describe_state_ = std::move(describe_state);
  wake_everyone_ = std::move(wake_everyone);
  return HangHooks(*this);
}

Context::HangHooks::~HangHooks() {
  if (context_ == nullptr) return;
  std::lock_guard lock(context_->hooks_mutex_);
  context_->describe_state_ = nullptr;
  context_->wake_everyone_ = nullptr;
}

void Context::track_process(pid_t pid, std::string role) {
  std::lock_guard lock(mutex_);
  processes_[pid] = std::move(role);
}

std::string Context::wait_process(pid_t pid) {
  // Wait without reaping, forget the process, then reap: the watchdog never
  // sends SIGKILL to a pid that was reaped and may be someone else's now.
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
  }
  {
    std::lock_guard lock(mutex_);
    processes_.erase(pid);
  }
  int status = 0;
  pid_t got;
  do {
    got = ::waitpid(pid, &status, 0);
  } while (got < 0 && errno == EINTR);
  if (got < 0) return std::string("not waited for: ") + std::strerror(errno);
  if (WIFEXITED(status)) return "exited " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    const char* name = ::sigabbrev_np(signal);
    return std::string("killed by SIG") + (name != nullptr ? name : std::to_string(signal).c_str());
  }
  return "stopped";
}

std::string Context::object_name(std::string_view what) const {
  return "/memharness-" + std::to_string(root_pid_) + "-" + std::string(what);
}

void Context::metric(const std::string& key, double value) {
  std::lock_guard lock(mutex_);
  metrics_[key] = value;
}

void Context::note(std::string text) {
  std::lock_guard lock(mutex_);
  notes_.push_back(std::move(text));
}

void Context::spin_pause(unsigned& spins) const {
  ++spins;
  if (oversubscribed_ || spins % 1024 == 0) {
    ::sched_yield();
  } else {
    cpu_relax();
  }
}

std::map<std::string, double> Context::metrics() const {
  std::lock_guard lock(mutex_);
  return metrics_;
}

std::vector<std::string> Context::notes() const {
  std::lock_guard lock(mutex_);
  return notes_;
}

std::vector<std::string> Context::errors() const {
  std::lock_guard lock(mutex_);
  return errors_;
}

std::string Context::describe_state() const {
  std::lock_guard lock(hooks_mutex_);
  return describe_state_ ? describe_state_() : std::string();
}

void Context::wake_everyone() const {
  std::lock_guard lock(hooks_mutex_);
  if (wake_everyone_) wake_everyone_();
}

void Context::kill_tracked_processes() {
  std::map<pid_t, std::string> processes;
  {
    std::lock_guard lock(mutex_);
    processes.swap(processes_);
  }
  for (const auto& [pid, role] : processes) ::kill(pid, SIGKILL);
  for (const auto& [pid, role] : processes)
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace mh::stress
