#include "explorer.hpp"


#include <algorithm>
#include <map>
#include <cstdio>
#include <exception>
#include <stdexcept>

#include <fmt/format.h>
#include <unwind.h>

namespace mh::check {

namespace {
thread_local Explorer* g_active = nullptr;

bool is_write_like(const Event& e) { return e.kind == EventKind::Write || e.kind == EventKind::Init; }
bool is_memory(const Event& e) { return e.kind == EventKind::Read || is_write_like(e); }
}  // namespace

Explorer* active_explorer() { return g_active; }

const char kCrashPointLabel[] = "crash here?";

namespace {
bool passed_crash_point(const Event& e) {
  return e.kind == EventKind::Choice && e.value == 0 && event_extra(e.extra).label == kCrashPointLabel;
}
}  // namespace

namespace {
// Mapping stacks costs more than a small check: they are kept for the next
// check with the same stack size.
StackPool& stack_pool(std::size_t bytes) {
  thread_local std::map<std::size_t, std::unique_ptr<StackPool>> pools;
  auto& pool = pools[bytes];
  if (!pool) pool = std::make_unique<StackPool>(bytes);
  return *pool;
}
}  // namespace

struct Explorer::ThreadState {
  boost::context::fiber fiber;      // the thread, suspended at its pending op
  boost::context::fiber scheduler;  // the explorer, suspended while the thread runs
  std::function<void()> body;
  PendingOp op;
  bool started = false;
  bool finished = false;
  std::vector<std::uint32_t> held;
  bool unwind = false;  // resumed only to unwind
  FiberStack stack;     // where the fiber runs, for AddressSanitizer
  void* fake_stack = nullptr;
  const void* scheduler_bottom = nullptr;
  std::size_t scheduler_size = 0;
  std::uint32_t yield_mark = 0;  // first event index after the thread's last yield
  // What the last iteration between two yields read, if it only read: a
  // spin loop is waiting when an iteration reads exactly what the one before
  // it read (the values alone decide; a CAS loop's next attempt differs).
  std::vector<std::pair<std::uint32_t, Value>> last_reads;
  bool last_iteration_read_only = false;
  // Random and bounded modes wake a waiting spin loop once something newer
  // was written; its next reads then take newer writes where there are any,
  // or the loop would spin on the same values until the step bound.
  std::vector<std::pair<std::uint32_t, EventRef>> retry_floor;
  ProcessId process = 0;
  bool may_crash = false;          // its process may be killed before any operation
  bool shared_allocation = false;  // what it creates now is shared memory
  std::size_t heap_used = 0;       // of its region of the model heap (allocate)
  const std::function<void()>* kill_cleanup = nullptr;  // the kernel's part of its death
  bool dying = false;
};

Explorer::Explorer(std::function<void()> body, check_options options)
    : body_(std::move(body)),
      options_(std::move(options)),
      consistency_(options_.model),
      stacks_(stack_pool(options_.stack_bytes)) {
  options_.max_steps_per_thread = std::min<std::uint32_t>(options_.max_steps_per_thread, 65'000);
}

Explorer::~Explorer() { reset_threads(); }

std::vector<std::uint32_t>& Explorer::held_mutexes() { return threads_[current_]->held; }

namespace {

#if defined(__SANITIZE_ADDRESS__)
#define MH_FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MH_FIBER_ASAN 1
#endif
#endif

// AddressSanitizer must be told about every stack switch, or it takes a
// fiber's frames for overflows of the thread's stack.
#ifdef MH_FIBER_ASAN
extern "C" void __sanitizer_start_switch_fiber(void** fake_stack_save, const void* bottom, std::size_t size);
extern "C" void __sanitizer_finish_switch_fiber(void* fake_stack_save, const void** bottom_old, std::size_t* size_old);
void start_switch(void** save, const void* bottom, std::size_t size) { __sanitizer_start_switch_fiber(save, bottom, size); }
void finish_switch(void* save, const void** bottom, std::size_t* size) {
  __sanitizer_finish_switch_fiber(save, bottom, size);
}
#else
void start_switch(void**, const void*, std::size_t) {}
void finish_switch(void*, const void**, std::size_t*) {}
#endif

// Thrown inside a suspended thread to unwind it when its execution is
// abandoned; caught where the thread's fiber began.
// An abandoned thread is unwound by a forced unwind (phase 2 only: its
// destructors run, no handler is searched for first), which costs about
// half of a throw. It is caught by the catch (...) at the fiber's entry.
constexpr _Unwind_Exception_Class kFiberUnwindClass = 0x4d48554e57494e44ULL;  // "MHUNWIND"
void fiber_unwind_cleanup(_Unwind_Reason_Code, _Unwind_Exception*) {}
_Unwind_Reason_Code keep_unwinding(int, _Unwind_Action, _Unwind_Exception_Class, _Unwind_Exception*, _Unwind_Context*,
                                   void*) {
  return _URC_NO_REASON;
}
[[noreturn]] void unwind_fiber() {
  thread_local _Unwind_Exception exception;
  exception = _Unwind_Exception{};
  exception.exception_class = kFiberUnwindClass;
  exception.exception_cleanup = fiber_unwind_cleanup;
  _Unwind_ForcedUnwind(&exception, keep_unwinding, nullptr);
  std::terminate();  // only if nothing caught it
}

}  // namespace

// Thread states are recycled across runs: a run starts every thread again,
// and their vectors keep their capacity.
std::unique_ptr<Explorer::ThreadState> Explorer::new_thread_state() {
  if (spare_threads_.empty()) return std::make_unique<ThreadState>();
  std::unique_ptr<ThreadState> th = std::move(spare_threads_.back());
  spare_threads_.pop_back();
  th->body = nullptr;
  th->op.reset();
  th->started = th->finished = th->unwind = false;
  th->held.clear();
  th->stack = FiberStack{};
  th->fake_stack = nullptr;
  th->scheduler_bottom = nullptr;
  th->scheduler_size = 0;
  th->yield_mark = 0;
  th->last_reads.clear();
  th->last_iteration_read_only = false;
  th->retry_floor.clear();
  th->process = 0;
  th->may_crash = th->shared_allocation = false;
  th->heap_used = 0;
  th->kill_cleanup = nullptr;
  th->dying = false;
  return th;
}

// The state of the thread a spawn creates, running the spawn's body; the
// spawn's result is the child's number.
void Explorer::add_thread_state(std::uint32_t parent, std::uint32_t child, PendingOp& spawn) {
  if (threads_.size() <= child) threads_.resize(child + 1);
  threads_[child] = new_thread_state();
  ThreadState& th = *threads_[child];
  th.body = std::move(*spawn.body);  // the parent waits in spawn(), which owns it
  // A process is named by its first thread, the same in every replay.
  th.process = spawn.new_process ? child : threads_[parent]->process;
  th.may_crash = spawn.new_process ? spawn.may_crash : threads_[parent]->may_crash;
  any_may_crash_ = any_may_crash_ || th.may_crash;
  spawn.result = child;
}

ProcessId Explorer::current_process() const { return threads_[current_]->process; }
bool Explorer::current_may_crash() const { return threads_[current_]->may_crash; }

const std::function<void()>* Explorer::set_kill_cleanup(const std::function<void()>* cleanup) {
  return std::exchange(threads_[current_]->kill_cleanup, cleanup);
}
const std::function<void()>* Explorer::kill_cleanup() const { return threads_[current_]->kill_cleanup; }
bool Explorer::dying() const { return threads_[current_]->dying; }
void Explorer::set_dying() { threads_[current_]->dying = true; }

bool Explorer::set_shared_allocation(bool shared) {
  return std::exchange(threads_[current_]->shared_allocation, shared);
}

namespace {
constexpr std::size_t kHeapPerThread = 256 * 1024;
}

// A bump allocator per thread: a thread's allocations depend only on its own
// operations, so each lands at the same address in every replay.
void* Explorer::allocate(std::size_t bytes, std::size_t alignment) {
  // Page-aligned, so that any alignment up to a page holds at the offsets.
  if (!heap_) heap_.reset(static_cast<std::byte*>(::operator new(kHeapPerThread * kMaxThreads, std::align_val_t{4096})));
  ThreadState& th = *threads_[current_];
  const std::size_t start = (th.heap_used + alignment - 1) / alignment * alignment;
  if (start + bytes > kHeapPerThread) return nullptr;
  th.heap_used = start + bytes;
  return heap_.get() + current_ * kHeapPerThread + start;
}

void Explorer::submit() {
  if (replaying_ && replay_without_switch()) return;
  ThreadState& th = *threads_[current_];
  start_switch(&th.fake_stack, th.scheduler_bottom, th.scheduler_size);
  th.scheduler = std::move(th.scheduler).resume();
  finish_switch(th.fake_stack, nullptr, nullptr);
  if (th.unwind) unwind_fiber();
}

void Explorer::resume(std::uint32_t t) {
  current_ = t;
  ThreadState& th = *threads_[t];
  current_op_ = &th.op;
  void* fake_stack = nullptr;
  start_switch(&fake_stack, th.stack.bottom, th.stack.size);
  th.fiber = std::move(th.fiber).resume();
  finish_switch(fake_stack, nullptr, nullptr);
  if (!th.fiber) th.finished = true;
}

// A thread whose start a continued run deleted keeps its fiber, which stands
// at its first operation as a new one would.
void Explorer::begin_thread(std::uint32_t t) {
  ThreadState& th = *threads_[t];
  if (th.fiber) {
    th.started = true;
    return;
  }
  start_fiber(t);
}

void Explorer::start_fiber(std::uint32_t t) {
  ThreadState& th = *threads_[t];
  th.started = true;
  th.heap_used = 0;
  th.fiber = boost::context::fiber(std::allocator_arg, PooledStack(stacks_, &th.stack), [this, t](boost::context::fiber&& back) {
    ThreadState& self = *threads_[t];
    finish_switch(nullptr, &self.scheduler_bottom, &self.scheduler_size);
    self.scheduler = std::move(back);
    // One handler per outcome, so that an abandoned thread's unwinding is a
    // single throw (no rethrow past the handlers for the test's exceptions).
    bool unwound = false;
    std::optional<std::string> escaped;
    try {
      self.body();
    } catch (const std::exception& e) {
      escaped = std::string("exception escaped the thread: ") + e.what();
    } catch (...) {
      // The execution was abandoned (the thread's destructors have run), or
      // the test threw something that is not a std::exception.
      if (self.unwind) unwound = true;
      else escaped = "a non-standard exception escaped the thread";
    }
    if (!unwound) {
      try {
        PendingOp& op = self.op;
        if (escaped) {
          op.reset();
          op.kind = OpKind::Fail;
          op.fail_kind = error::exception;
          op.fail_message = std::move(*escaped);
          submit();
        }
        op.reset();
        op.kind = OpKind::End;
        submit();
      } catch (...) {  // unwound at its failure or end
      }
    }
    start_switch(nullptr, self.scheduler_bottom, self.scheduler_size);
    return std::move(self.scheduler);
  });
  resume(t);
}

void Explorer::reset_threads() {
  unwinding_ = true;
  // A suspended thread is resumed once more to throw from its pending
  // operation, which runs the test's destructors; the mh:: operations they
  // call return at once meanwhile. A thread that ended stands at its end
  // (so that a continued run can take the end back) and has nothing left to
  // unwind: it returns.
  for (std::uint32_t t = 0; t < threads_.size(); ++t) {
    if (!threads_[t] || !threads_[t]->fiber) continue;
    threads_[t]->unwind = threads_[t]->op.kind != OpKind::End;
    resume(t);
  }
  for (auto& th : threads_)
    if (th) spare_threads_.push_back(std::move(th));
  threads_.clear();
  unwinding_ = false;
}

std::string Explorer::run_id(std::uint64_t run) const {
  switch (options_.mode) {
    case search_mode::optimal: return fmt::format("o:{}", run);
    case search_mode::bounded: return fmt::format("b{}:{}", options_.preemption_bound, run);
    case search_mode::random: return fmt::format("r{}:{}", options_.seed, run);
  }
  return std::to_string(run);
}

bool Explorer::out_of_time() const {
  if (options_.time_limit_seconds <= 0) return false;
  const std::chrono::duration<double> spent = std::chrono::steady_clock::now() - started_;
  return spent.count() > options_.time_limit_seconds;
}

check_result Explorer::run() {
  started_ = std::chrono::steady_clock::now();
  check_result result;
  result.model = to_string(options_.model);
  result.mode = to_string(options_.mode);

  if (!options_.replay.empty()) {
    // o:K, bP:K or rSEED:K, as run_id writes them.
    const std::string& id = options_.replay;
    const auto colon = id.find(':');
    try {
      if (colon == std::string::npos || colon == 0) throw std::invalid_argument("no ':'");
      const std::string head = id.substr(0, colon);
      replay_run_ = std::stoull(id.substr(colon + 1));
      if (head == "o") {
        options_.mode = search_mode::optimal;
      } else if (head[0] == 'b') {
        options_.mode = search_mode::bounded;
        options_.preemption_bound = std::stoi(head.substr(1));
      } else if (head[0] == 'r') {
        options_.mode = search_mode::random;
        options_.seed = std::stoull(head.substr(1));
      } else {
        throw std::invalid_argument("unknown mode");
      }
      if (replay_run_ == 0) throw std::invalid_argument("run 0");
    } catch (const std::exception&) {
      throw std::invalid_argument("bad execution id '" + id + "' (expected o:N, bP:N or rSEED:N)");
    }
    result.mode = "replay";
  }

  g_active = this;
  const std::uint64_t max_runs =
      options_.max_executions != 0 ? options_.max_executions
                                   : (options_.mode == search_mode::random ? 10'000 : 0);
  bool stopped_by_bound = false;
  std::string bound_reason;

  const auto finish_run = [&](RunEnd end) -> bool {  // true: stop exploring
    if (replay_run_ != 0 && runs_ == replay_run_) {
      if (!error_) {
        Trace t = build_trace(error::none, end == RunEnd::Blocked ? "blocked execution (a wait a later write ends)"
                                         : end == RunEnd::Abandoned ? "inconsistent execution, abandoned"
                                                                    : "execution completed without error");
        error_ = std::move(t);
      }
      return true;
    }
    if (replay_run_ != 0) {
      error_.reset();
      return false;
    }
    if (error_) return true;
    if (options_.mode != search_mode::random && max_runs != 0 && complete_ >= max_runs && !stack_.empty()) {
      stopped_by_bound = true;
      bound_reason = fmt::format("stopped after {} executions (--max-executions)", complete_);
      return true;
    }
    if (out_of_time()) {
      stopped_by_bound = true;
      bound_reason = fmt::format("time limit of {} s reached", options_.time_limit_seconds);
      return true;
    }
    return false;
  };

  try {
    if (options_.mode == search_mode::random) {
      const std::uint64_t first = replay_run_ != 0 ? replay_run_ : 1;
      const std::uint64_t last = replay_run_ != 0 ? replay_run_ : max_runs;
      for (std::uint64_t k = first; k <= last; ++k) {
        runs_ = k;
        rng_.seed(options_.seed * 0x9E3779B97F4A7C15ULL + k);
        const RunEnd end = run_once(WorkItem{});
        if (finish_run(end)) break;
      }
      if (!error_ && out_of_time()) stopped_by_bound = true;
    } else {
      stack_.push_back(WorkItem{});
      while (!stack_.empty()) {
        WorkItem item = std::move(stack_.back());
        stack_.pop_back();
        ++runs_;
        const RunEnd end = run_once(std::move(item));
        if (finish_run(end)) break;
      }
    }
  } catch (...) {
    reset_threads();
    g_active = nullptr;
    throw;
  }
  reset_threads();
  g_active = nullptr;

  const std::chrono::duration<double> spent = std::chrono::steady_clock::now() - started_;
  result.seconds = spent.count();
  result.executions = complete_;
  result.blocked = blocked_;
  result.runs = runs_;
  result.replays = runs_ - continued_;
  if (replay_run_ != 0) {
    result.trace = error_;
    if (error_ && error_->kind != error::none) {
      result.verdict = verdict::error_found;
      result.error = error_->kind;
      result.message = error_->message;
    } else if (!error_) {
      result.verdict = verdict::bound_reached;
      result.message = fmt::format("the search has no execution {}", options_.replay);
    }
    return result;
  }
  if (error_) {
    result.verdict = verdict::error_found;
    result.error = error_->kind;
    result.message = error_->message;
    result.trace = error_;
  } else if (stopped_by_bound || bound_hit_) {
    result.verdict = verdict::bound_reached;
    result.message = stopped_by_bound ? bound_reason : bound_message_.value_or("a bound was reached");
  } else if (options_.mode != search_mode::optimal) {
    // Random and bounded searches are not exhaustive: say so.
    result.verdict = verdict::ok;
    result.message = options_.mode == search_mode::random
                         ? fmt::format("no error in {} random executions (not exhaustive)", runs_)
                         : fmt::format("no error within {} preemptions (not exhaustive)", options_.preemption_bound);
  }
  return result;
}

Explorer::RunEnd Explorer::run_once(WorkItem item) {
  const bool in_place = continue_in_place_;
  continue_in_place_ = false;
  bool continued = false;
  if (in_place) {
    for (std::uint32_t t = 0; t < graph_.thread_count(); ++t) {
      if (t >= threads_.size() || !threads_[t]) continue;
      const std::uint32_t kept = item.graph->thread_size(t);
      if (kept < graph_.thread_size(t)) threads_[t]->finished = false;
      if (kept == 0) threads_[t]->started = false;
    }
    graph_ = std::move(*item.graph);
    continued = retry_in_place(item.check_event);
    if (continued) ++continued_;
  }
  if (!continued) {
    reset_threads();
    if (!in_place) graph_ = item.graph ? std::move(*item.graph) : Graph();
    abandon_ = false;
    error_.reset();
    preemptions_ = item.preemptions;
    last_thread_ = item.last_thread;
    forced_thread_ = item.forced_thread;
    threads_.push_back(new_thread_state());
    threads_[0]->body = body_;

    replaying_ = true;
    graph_.replay_order(replay_buffer_);
    replay_next_ = 0;
    while (replay_next_ < replay_buffer_.size()) {
      const EventRef e = replay_buffer_[replay_next_++];
      if (!replay_event(e)) {
        replaying_ = false;
        return replay_diverged(e);
      }
      if (error_) {
        replaying_ = false;
        return RunEnd::Error;
      }
    }
    replaying_ = false;
  }
  if (item.check_event != kNoEvent && !check_event(item.check_event)) return RunEnd::Error;
  if (item.revisits_for != kNoEvent && options_.mode == search_mode::optimal) push_revisits(item.revisits_for);

  for (;;) {
    if (error_) return RunEnd::Error;
    if (abandon_) return RunEnd::Abandoned;
    const auto next = select_thread();
    if (!next) return classify_end();
    if (graph_.thread_size(*next) >= options_.max_steps_per_thread) {
      bound_hit_ = true;
      bound_message_ = fmt::format("thread {} reached {} steps (--max-steps) in execution {}", *next,
                                   options_.max_steps_per_thread, run_id(runs_));
      return RunEnd::Bound;
    }
    const std::size_t pushed_before = stack_.size();
    perform_forward(*next);
    if (options_.mode == search_mode::optimal && !error_ && !abandon_ && waits_in_vain()) {
      ++blocked_;
      continue_in_place_ = take_in_place_revisit(pushed_before);
      return RunEnd::Blocked;
    }
  }
}

Explorer::RunEnd Explorer::replay_diverged(EventRef e) {
  if (!error_)
    record_error(error::nondeterminism,
                 fmt::format("thread {} did something else when replayed (event {} of the thread): the model "
                             "must depend only on mh:: values",
                             e.thread, e.index),
                 graph_.at(e).where);
  return RunEnd::Error;
}

// Whether the events of thread t that `next` lacks can be taken back without
// moving its fiber: its start, when it did nothing since (the fiber stands at
// its first operation as a new one would), and its end (the fiber stands at
// it until the run is reset, see reset_threads).
bool Explorer::fiber_fits(const Graph& next, std::uint32_t t) const {
  const auto& events = graph_.thread(t).events;
  std::size_t kept = next.thread_size(t);
  std::size_t have = events.size();
  if (kept > have) return false;
  if (kept < have && events[have - 1].kind == EventKind::End && events[have - 1].operation == Operation::ThreadEnd)
    --have;
  if (kept < have && have == 1 && events[0].kind == EventKind::Start) --have;
  return kept == have;
}

// A run cut because a waiting thread read what is no longer the latest
// write: the step that made it so pushed the revisit in which that read takes
// the new write. When that revisit deletes nothing but the waiting thread's
// current attempt and what the other fibers can take back (fiber_fits), the
// fibers stand where a replay of its graph would put them, except the
// waiting thread, which has not gone past its wait: it retries, and the run
// goes on from there instead of replaying the whole execution. Only runs cut
// at a mutex wait come here (waits_in_vain): its retry is the runtime's own
// loop, which keeps no state. A user's spin loop may count its turns, and an
// extra turn would leave it in a state no replay of the graph has.
bool Explorer::take_in_place_revisit(std::size_t pushed_before) {
  for (std::size_t i = stack_.size(); i-- > pushed_before;) {
    const WorkItem& item = stack_[i];
    const EventRef read = item.check_event;
    if (!item.graph || item.revisits_for != kNoEvent || read == kNoEvent) continue;
    if (read.thread >= threads_.size() || !threads_[read.thread]) continue;
    if (!blocked_after(read)) continue;
    const Graph& next = *item.graph;
    if (next.thread_count() != graph_.thread_count()) continue;
    bool fits = true;
    for (std::uint32_t t = 0; t < graph_.thread_count() && fits; ++t) fits = fiber_fits(next, t);
    if (!fits) continue;
    if (i + 1 != stack_.size()) {
      WorkItem taken = std::move(stack_[i]);
      stack_.erase(stack_.begin() + static_cast<std::ptrdiff_t>(i));
      stack_.push_back(std::move(taken));
    }
    return true;
  }
  return false;
}

// Whether the read's thread waits in the runtime (a Block) after
// that read, its last event.
bool Explorer::blocked_after(EventRef read) const {
  const ThreadState& th = *threads_[read.thread];
  return th.started && !th.finished && th.op.kind == OpKind::Block && read.index + 1 == graph_.thread_size(read.thread);
}

// graph_ is the revisit taken by take_in_place_revisit: the waiting thread
// attempts its read again, which now returns the new value. False if it
// asked for something else: the caller then replays from the start.
bool Explorer::retry_in_place(EventRef read) {
  ThreadState& th = *threads_[read.thread];
  resume(read.thread);  // out of the wait: the runtime asks for the same read again
  if (th.finished || th.op.kind != OpKind::Read) return false;
  return replay_event(read) && !error_;
}

// In optimal mode a thread waiting on a mutex never reads again; once the
// lock attempt it failed no longer reads the latest write, this graph can
// only end blocked, so it is cut here rather than after every other thread
// has been explored. The graph in which the attempt reads the unlock is a
// revisit; one in which it reads a later write is reached through the lock
// conflicts (another lock that read the same unlock revisits the attempt).
// That holds for locks only: a wait whose condition several writes satisfy
// (a spin loop, a condition variable, a semaphore, a pipe) may read any of
// them, and a later one can only revisit the wait's read in this graph, so
// such graphs are explored to their end.
bool Explorer::waits_in_vain() const {
  for (std::uint32_t t = 0; t < threads_.size(); ++t) {
    if (!threads_[t] || threads_[t]->finished || !threads_[t]->started) continue;
    if (threads_[t]->op.kind != OpKind::Block) continue;
    const auto& events = graph_.thread(t).events;
    if (events.empty() || events.back().operation != Operation::Lock) continue;
    if (!stuck_for_good(t)) return true;
  }
  return false;
}

// The result of a replayed operation that touches no other thread; false
// when the event is not what the operation asks for.
bool Explorer::deliver(PendingOp& op, const Event& ev) const {
  switch (op.kind) {
    case OpKind::Create:
      if (ev.kind != EventKind::Init) return false;
      op.result = ev.location;
      return true;
    case OpKind::Read:
      if (ev.kind != EventKind::Read || ev.location != op.location) return false;
      op.result = ev.value;
      op.success = op.compare ? ev.rmw : true;
      return true;
    case OpKind::Write: return ev.kind == EventKind::Write && ev.location == op.location && ev.value == op.value;
    case OpKind::Fence: return ev.kind == EventKind::Fence;
    case OpKind::Join:
      if (ev.kind != EventKind::Join || ev.thread_arg != op.thread_arg) return false;
      op.result = graph_.thread(op.thread_arg).events.back().operation == Operation::Killed ? 1 : 0;
      return true;
    case OpKind::Choose:
      if (ev.kind != EventKind::Choice || ev.expected != op.operand) return false;
      op.result = ev.value;
      return true;
    default: return false;
  }
}

// During a replay, a thread whose next event comes next in the replay order
// gets its result where it stands, without two switches to the explorer and
// back. Anything else (a spawn, a yield, the end, a mismatch) goes to
// replay_event as usual.
bool Explorer::replay_without_switch() {
  if (replay_next_ >= replay_buffer_.size()) return false;
  const EventRef e = replay_buffer_[replay_next_];
  if (e.thread != current_) return false;
  if (!deliver(*current_op_, graph_.at(e))) return false;
  ++replay_next_;
  return true;
}

bool Explorer::replay_event(EventRef e) {
  if (e.thread >= threads_.size() || !threads_[e.thread]) return false;
  ThreadState& th = *threads_[e.thread];
  const Event& ev = graph_.at(e);
  // Operations that add no event (yield, a retried wait) are passed through.
  // The operation the thread then asks for is e's, already taken from the
  // replay order: none may be replayed without a switch meanwhile.
  const bool replaying = replaying_;
  replaying_ = false;
  while (th.started && !th.finished && (th.op.kind == OpKind::Yield || th.op.kind == OpKind::Block)) {
    if (th.op.kind == OpKind::Yield) pass_yield(e.thread, e.index);
    resume(e.thread);
  }
  replaying_ = replaying;
  if (th.finished) return false;
  if (!th.started) {
    if (ev.kind != EventKind::Start) return false;
    begin_thread(e.thread);
    return true;
  }
  PendingOp& op = th.op;
  switch (op.kind) {
    case OpKind::End:
      if (ev.kind != EventKind::End || ev.operation != Operation::ThreadEnd) return false;
      th.finished = true;
      return true;
    case OpKind::Kill:
      if (ev.kind != EventKind::End || ev.operation != Operation::Killed) return false;
      th.finished = true;
      return true;
    case OpKind::Create:
    case OpKind::Read:
    case OpKind::Write:
    case OpKind::Fence:
    case OpKind::Join:
    case OpKind::Choose:
      if (!deliver(op, ev)) return false;
      break;
    case OpKind::Spawn: {
      if (ev.kind != EventKind::Spawn) return false;
      add_thread_state(e.thread, ev.thread_arg, op);
      break;
    }
    case OpKind::Fail:
      record_error(op.fail_kind, op.fail_message, op.where);
      return true;
    default:
      return false;
  }
  resume(e.thread);
  return true;
}

std::optional<std::vector<std::pair<std::uint32_t, Value>>> Explorer::iteration_reads(std::uint32_t t,
                                                                                      std::uint32_t end) const {
  const auto& events = graph_.thread(t).events;
  std::vector<std::pair<std::uint32_t, Value>> reads;
  for (std::uint32_t i = threads_[t]->yield_mark; i < end; ++i) {
    if (events[i].kind == EventKind::Read) {
      if (events[i].spurious) return std::nullopt;  // the next attempt may succeed: not waiting
      reads.emplace_back(events[i].location, events[i].value);
    } else if (events[i].kind != EventKind::Fence && !passed_crash_point(events[i])) {
      return std::nullopt;
    }
  }
  if (reads.empty()) return std::nullopt;
  return reads;
}

namespace {
bool reads_latest(const Graph& g, const Event& r) {
  return r.rf != kNoEvent && g.location(r.location).co.back() == r.rf;
}
}  // namespace

// How many of the thread's events [yield_mark, end) repeat the last
// iteration's reads, in order (fences skipped), or nullopt once one does not
// (another value, a write, a spurious failure). `stale`: one of them is not
// the latest write of its location. Without building a list: this runs for
// every waiting thread at every step.
std::optional<std::size_t> Explorer::repeated_reads(std::uint32_t t, std::uint32_t end, bool* stale) const {
  const ThreadState& th = *threads_[t];
  if (!th.last_iteration_read_only || th.last_reads.empty()) return std::nullopt;
  const auto& events = graph_.thread(t).events;
  std::size_t k = 0;
  for (std::uint32_t i = th.yield_mark; i < end; ++i) {
    const Event& e = events[i];
    if (e.kind == EventKind::Fence || passed_crash_point(e)) continue;
    if (e.kind != EventKind::Read || e.spurious || k == th.last_reads.size()) return std::nullopt;
    if (th.last_reads[k] != std::pair<std::uint32_t, Value>{e.location, e.value}) return std::nullopt;
    if (stale != nullptr && !reads_latest(graph_, e)) *stale = true;
    ++k;
  }
  return k;
}

// The iteration since the last yield read exactly what the one before it read.
bool Explorer::reads_since_yield(std::uint32_t t) const {
  return repeated_reads(t, graph_.thread_size(t)) == threads_[t]->last_reads.size();
}

// `end`: how many of the thread's events have run (during a replay the
// graph already holds the ones still to come).
void Explorer::pass_yield(std::uint32_t t, std::uint32_t end) {
  ThreadState& th = *threads_[t];
  auto reads = iteration_reads(t, end);
  th.retry_floor.clear();
  if (options_.mode != search_mode::optimal && th.last_iteration_read_only && reads && *reads == th.last_reads) {
    const auto& events = graph_.thread(t).events;
    for (std::uint32_t i = th.yield_mark; i < end; ++i)
      if (events[i].kind == EventKind::Read) th.retry_floor.emplace_back(events[i].location, events[i].rf);
  }
  th.last_iteration_read_only = reads.has_value();
  th.last_reads = reads ? std::move(*reads) : std::vector<std::pair<std::uint32_t, Value>>{};
  th.yield_mark = end;
}

bool Explorer::newer_write_since_stall(std::uint32_t t) const {
  const auto& events = graph_.thread(t).events;
  const ThreadState& th = *threads_[t];
  if (th.op.kind == OpKind::Block) return !events.empty() && !reads_latest(graph_, events.back());
  for (std::uint32_t i = th.yield_mark; i < events.size(); ++i)
    if (events[i].kind == EventKind::Read && !reads_latest(graph_, events[i])) return true;
  return false;
}

bool Explorer::enabled(std::uint32_t t) const {
  if (t >= threads_.size() || !threads_[t]) return false;
  const ThreadState& th = *threads_[t];
  if (th.finished) return false;
  if (!th.started) return true;
  switch (th.op.kind) {
    case OpKind::Join: return graph_.thread(th.op.thread_arg).ended();
    case OpKind::Read:
      // GenMC's treatment of locks: a thread waits for a free mutex before
      // it reads the mutex at all, so no execution is spent blocked on it.
      if (options_.mode == search_mode::optimal && th.op.operation == Operation::Lock) return mutex_free(th.op.location);
      return true;
    case OpKind::Yield:
      if (!reads_since_yield(t)) return true;
      return options_.mode != search_mode::optimal && newer_write_since_stall(t);
    case OpKind::Block: return options_.mode != search_mode::optimal && newer_write_since_stall(t);
    default: return true;
  }
}

bool Explorer::mutex_free(std::uint32_t location) const {
  const auto& co = graph_.location(location).co;
  return graph_.at(co.back()).value == 0;
}

bool Explorer::stuck_for_good(std::uint32_t t) const {
  const ThreadState& th = *threads_[t];
  if (th.finished || !th.started) return false;
  switch (th.op.kind) {
    case OpKind::Join: {
      const std::uint32_t child = th.op.thread_arg;
      return child < threads_.size() && threads_[child] && stuck_for_good(child);
    }
    case OpKind::Read: return th.op.operation == Operation::Lock && !mutex_free(th.op.location);
    case OpKind::Block:
    case OpKind::Yield: return !newer_write_since_stall(t);  // what it waits on has its latest value
    default: return false;
  }
}

std::optional<std::uint32_t> Explorer::select_thread() {
  const auto n = static_cast<std::uint32_t>(threads_.size());
  // An RMW's write part and a failure are taken at once: the first keeps the
  // pair adjacent, the second reports the error where it happened.
  for (std::uint32_t t = 0; t < n; ++t) {
    if (!threads_[t] || threads_[t]->finished || !threads_[t]->started) continue;
    const PendingOp& op = threads_[t]->op;
    if ((op.kind == OpKind::Write && op.rmw) || op.kind == OpKind::Fail) return t;
  }
  if (options_.mode == search_mode::optimal) {
    for (std::uint32_t t = 0; t < n; ++t)
      if (enabled(t)) return t;
    return std::nullopt;
  }
  std::vector<std::uint32_t> ready;
  for (std::uint32_t t = 0; t < n; ++t)
    if (enabled(t)) ready.push_back(t);
  if (ready.empty()) return std::nullopt;

  switch (options_.mode) {
    case search_mode::optimal: return ready.front();
    case search_mode::random: return ready[pick(ready)];
    case search_mode::bounded: {
      const bool last_ready = std::find(ready.begin(), ready.end(), last_thread_) != ready.end();
      std::uint32_t chosen = last_ready ? last_thread_ : ready.front();
      if (forced_thread_ != 0xFFFFFFFFU && std::find(ready.begin(), ready.end(), forced_thread_) != ready.end()) {
        chosen = forced_thread_;  // this run is the alternative its item stands for
      } else {
        // Every other choice is a branch; leaving a thread that could go on
        // costs a preemption.
        const int cost = last_ready ? 1 : 0;
        for (std::uint32_t other : ready) {
          if (other == chosen || preemptions_ + cost > options_.preemption_bound) continue;
          WorkItem alt;
          alt.graph = graph_;
          alt.forced_thread = other;
          alt.preemptions = preemptions_ + cost;
          alt.last_thread = last_thread_;
          push(std::move(alt));
        }
      }
      forced_thread_ = 0xFFFFFFFFU;
      last_thread_ = chosen;
      return chosen;
    }
  }
  return ready.front();
}

Explorer::RunEnd Explorer::classify_end() {
  std::vector<std::uint32_t> waiting;
  for (std::uint32_t t = 0; t < threads_.size(); ++t)
    if (threads_[t] && !threads_[t]->finished) waiting.push_back(t);
  if (waiting.empty()) {
    ++complete_;
    return RunEnd::Complete;
  }
  for (std::uint32_t t : waiting)
    if (!stuck_for_good(t) || (threads_[t]->op.kind == OpKind::Block && threads_[t]->op.duplicate_unless_changed)) {
      ++blocked_;
      return RunEnd::Blocked;
    }
  // Nothing can change any more: every waiting thread has seen the latest
  // value of what it waits on.
  bool spinning = false;
  std::string who;
  for (std::uint32_t t : waiting) {
    const PendingOp& op = threads_[t]->op;
    std::string what;
    if (op.kind == OpKind::Join) {
      what = fmt::format("joins thread {}", op.thread_arg);
    } else if (op.kind == OpKind::Read) {
      what = fmt::format("waits to lock {}", graph_.location_name(op.location));
    } else if (op.kind == OpKind::Yield) {
      spinning = true;
      what = "spins in a loop whose reads can see nothing new";
    } else {
      const Event& last = graph_.thread(t).events.back();
      what = fmt::format("waits on {} ({})", graph_.location_name(last.location),
                         event_extra(last.extra).label != nullptr ? event_extra(last.extra).label
                                                                  : to_string(last.operation));
    }
    if (!who.empty()) who += "; ";
    who += fmt::format("thread {} {}", t, what);
  }
  if (const std::string cause = crash_cause(); !cause.empty()) who += fmt::format(", caused by a crash: {}", cause);
  const PendingOp& first = threads_[waiting.front()]->op;
  record_error(spinning ? error::livelock : error::deadlock, who, first.where);
  return RunEnd::Error;
}

void Explorer::perform_forward(std::uint32_t t) {
  ThreadState& th = *threads_[t];
  if (!th.started) {
    Event e;
    e.kind = EventKind::Start;
    e.operation = Operation::ThreadStart;
    graph_.append(t, e);
    begin_thread(t);
    return;
  }
  PendingOp& op = th.op;
  switch (op.kind) {
    case OpKind::Start: break;
    case OpKind::End: {
      Event e;
      e.kind = EventKind::End;
      e.operation = Operation::ThreadEnd;
      e.where = op.where;
      graph_.append(t, e);
      th.finished = true;
      return;
    }
    case OpKind::Create: {
      const std::uint32_t location =
          graph_.add_location(op.info, op.where, th.shared_allocation ? kSharedMemory : th.process);
      Event e;
      e.kind = EventKind::Init;
      e.operation = Operation::Create;
      e.mode = Mode::NonAtomic;
      e.location = location;
      e.value = op.value;
      e.uninitialized = !op.initialized;
      e.where = op.where;
      const EventRef ref = graph_.append(t, e);
      graph_.set_init(location, ref);
      op.result = location;
      break;
    }
    case OpKind::Read:
      if (!accessible(t, op.location)) return;
      add_read(t, op);
      if (error_ || abandon_) return;
      break;
    case OpKind::Write:
      if (!accessible(t, op.location)) return;
      add_write(t, op);
      if (error_ || abandon_) return;
      break;
    case OpKind::Choose: add_choice(t, op); break;
    case OpKind::Kill: kill_thread(t, op); return;
    case OpKind::Fence: {
      Event e;
      e.kind = EventKind::Fence;
      e.operation = Operation::Fence;
      e.mode = op.mode;
      e.extra = intern_event_extra(op.label, nullptr);
      e.where = op.where;
      const EventRef ref = graph_.append(t, e);
      if (!consistency_.global_ok(graph_, ref)) {
        abandon_ = true;
        return;
      }
      break;
    }
    case OpKind::Spawn: {
      if (graph_.thread_count() >= static_cast<std::size_t>(kMaxThreads)) {
        record_error(error::exception, fmt::format("more than {} threads: the checker's limit", kMaxThreads),
                     op.where);
        return;
      }
      Event e;
      e.kind = EventKind::Spawn;
      e.operation = Operation::Spawn;
      e.where = op.where;
      const EventRef ref = graph_.append(t, e);
      const std::uint32_t child = graph_.add_thread(ref);
      graph_.at(ref).thread_arg = child;
      add_thread_state(t, child, op);
      break;
    }
    case OpKind::Join: {
      Event e;
      e.kind = EventKind::Join;
      e.operation = Operation::Join;
      e.thread_arg = op.thread_arg;
      e.where = op.where;
      graph_.append(t, e);
      op.result = graph_.thread(op.thread_arg).events.back().operation == Operation::Killed ? 1 : 0;
      break;
    }
    case OpKind::Yield: pass_yield(t, graph_.thread_size(t)); break;
    case OpKind::Block: {
      // Woken (random and bounded modes) because the mutex or counter it
      // waits on changed: the next attempt reads something newer.
      const auto& events = graph_.thread(t).events;
      th.retry_floor.clear();
      if (!events.empty() && events.back().kind == EventKind::Read)
        th.retry_floor.emplace_back(events.back().location, events.back().rf);
      break;
    }
    case OpKind::Fail: record_error(op.fail_kind, op.fail_message, op.where); return;
  }
  resume(t);
}

template <typename T>
std::size_t Explorer::pick(const std::vector<T>& choices) {
  return static_cast<std::size_t>(rng_() % choices.size());
}

void Explorer::push(WorkItem item) { stack_.push_back(std::move(item)); }

namespace {
// Whether a CAS-like read that reads `value` writes (spurious failures aside).
bool compare_matches(const Event& r, Value value) {
  const UpdateFn update = event_extra(r.extra).update;
  return update != nullptr ? update(value, r.expected, nullptr) : value == r.expected;
}
}  // namespace

void Explorer::apply_cas_outcome(Event& r, bool spurious) const {
  if (!r.compare) return;
  const bool success = compare_matches(r, r.value) && !spurious;
  r.rmw = success;
  r.spurious = spurious;
  r.mode = success ? r.success_mode : r.failure_mode;
}

// The fields every read and write of `op` shares; accesses to an mh::var
// are not atomic whatever order the call passed.
Event Explorer::access_event(EventKind kind, const PendingOp& op) const {
  Event e;
  e.kind = kind;
  e.operation = op.operation;
  e.mode = graph_.location(op.location).info.kind == LocationKind::Plain ? Mode::NonAtomic : op.mode;
  e.location = op.location;
  e.rmw = op.rmw;
  e.role = op.role;
  e.extra = intern_event_extra(op.label, nullptr);
  e.where = op.where;
  return e;
}

// A process's private memory is its own: a pointer to it that reached
// another process (through a pipe, a shared region) points at nothing there.
bool Explorer::accessible(std::uint32_t t, std::uint32_t location) {
  const ProcessId owner = graph_.location(location).process;
  const ProcessId process = threads_[t]->process;
  if (owner == kSharedMemory || owner == process) return true;
  record_error(error::cross_process,
               fmt::format("process {} (thread {}) accesses {}, private memory of process {}: an address from "
                           "another process means nothing in this one",
                           process, t, graph_.location_name(location), owner),
               threads_[t]->op.where);
  return false;
}

void Explorer::add_choice(std::uint32_t t, PendingOp& op) {
  Event e;
  e.kind = EventKind::Choice;
  e.operation = Operation::Choose;
  e.expected = op.operand;
  e.extra = intern_event_extra(op.label, nullptr);
  e.where = op.where;
  const EventRef ref = graph_.append(t, e);
  const auto n = static_cast<std::uint32_t>(op.operand);
  Value chosen = 0;
  if (options_.mode == search_mode::random) {
    chosen = rng_() % n;
  } else {
    for (std::uint32_t k = n; k-- > 1;) {
      Graph alternative = graph_;
      alternative.at(ref).value = k;
      WorkItem item;
      item.graph = std::move(alternative);
      item.preemptions = preemptions_;
      item.last_thread = last_thread_;
      push(std::move(item));
    }
  }
  graph_.at(ref).value = chosen;
  op.result = chosen;
}

// The thread ends where it stands: its process was killed. What it holds
// stays held; its fiber is unwound when the run is reset.
void Explorer::kill_thread(std::uint32_t t, const PendingOp& op) {
  Event e;
  e.kind = EventKind::End;
  e.operation = Operation::Killed;
  e.where = op.where;
  graph_.append(t, e);
  threads_[t]->finished = true;
}

std::string Explorer::crash_cause() const {
  std::string cause;
  for (std::uint32_t t = 0; t < graph_.thread_count(); ++t) {
    const auto& events = graph_.thread(t).events;
    if (events.empty() || events.back().operation != Operation::Killed) continue;
    std::string file = events.back().where.file_name() != nullptr ? events.back().where.file_name() : "?";
    if (const auto slash = file.rfind('/'); slash != std::string::npos) file = file.substr(slash + 1);
    cause += fmt::format("{}process {} was killed before its operation at {}:{}", cause.empty() ? "" : "; ",
                         threads_[t]->process, file, events.back().where.line());
  }
  return cause;
}

void Explorer::add_read(std::uint32_t t, PendingOp& op) {
  Event e = access_event(EventKind::Read, op);
  e.compare = op.compare;
  e.weak = op.weak;
  e.expected = op.update != nullptr ? op.operand : op.value;
  e.extra = intern_event_extra(op.label, op.update);
  e.success_mode = op.mode;
  e.failure_mode = op.failure_mode;
  const EventRef ref = graph_.append(t, e);

  struct Choice {
    EventRef write;
    bool spurious;
  };
  std::vector<Choice> choices;
  const auto& co = graph_.location(op.location).co;
  std::size_t low = consistency_.model() == memory_model::rc11 ? consistency_.read_lower_bound(graph_, ref) : 0;
  for (const auto& [location, seen] : threads_[t]->retry_floor) {
    if (location != op.location) continue;
    const std::size_t after = graph_.co_position(seen) + 1;
    if (after < co.size()) low = std::max(low, after);
  }
  const auto set_choice = [&](Graph& g, const Choice& c) {
    Event& r = g.at(ref);
    r.rf = c.write;
    r.value = g.at(c.write).value;
    apply_cas_outcome(r, c.spurious);
    g.compute_views(ref);
  };
  for (std::size_t p = co.size(); p-- > low;) {
    const EventRef w = co[p];
    // In optimal mode a lock is only attempted on a free mutex (see
    // enabled()), so reading a locked state could only end blocked.
    if (options_.mode == search_mode::optimal && op.operation == Operation::Lock && graph_.at(w).value != 0)
      continue;
    for (int spurious = 0; spurious < 2; ++spurious) {
      if (spurious == 1 && !(op.compare && op.weak && compare_matches(graph_.at(ref), graph_.at(w).value))) continue;
      // At most one spurious failure in a row per thread, location and
      // statement: a retry loop would otherwise have one execution per
      // number of failures. Two different statements may both fail.
      if (spurious == 1 && previous_attempt_failed_spuriously(t, op.location, op.where)) continue;
      const Choice c{w, spurious == 1};
      set_choice(graph_, c);
      if (!consistency_.global_ok(graph_, ref)) continue;
      const Event& r = graph_.at(ref);
      if (r.rmw && read_by_rmw(graph_, w, ref)) {
        // Another RMW already read w: reading it too breaks atomicity, but
        // this RMW's write may revisit that one (the order in which this one
        // goes first). Those revisits are computed here, with no run of an
        // inconsistent graph.
        if (options_.mode == search_mode::optimal) push_conflict_revisits(t, ref, op);
        continue;
      }
      choices.push_back(c);
    }
  }
  if (choices.empty()) {
    abandon_ = true;  // no consistent value: a dead end of an earlier choice
    return;
  }
  std::size_t chosen = 0;
  if (options_.mode == search_mode::random) {
    chosen = pick(choices);
  } else {
    for (std::size_t i = 1; i < choices.size(); ++i) {
      if (options_.mode == search_mode::optimal && !choices[i].spurious && !op.rmw &&
          !(op.compare && compare_matches(graph_.at(ref), graph_.at(choices[i].write).value)) &&
          spin_waits_in_vain(t, ref, choices[i].write))
        continue;
      Graph alternative = graph_;
      set_choice(alternative, choices[i]);
      WorkItem item;
      item.graph = std::move(alternative);
      item.check_event = ref;
      item.preemptions = preemptions_;
      item.last_thread = last_thread_;
      push(std::move(item));
    }
  }
  set_choice(graph_, choices[chosen]);
  op.result = graph_.at(ref).value;
  op.success = op.compare ? graph_.at(ref).rmw : true;
  check_event(ref);
}

// Whether reading `write` at `read` completes a spin-loop iteration that
// repeats the one before it while some read of it is not the latest: the
// thread would wait, and the execution could only end blocked (an iteration
// does what the one before did when it reads the same values). The read's
// other choices are explored; this one is not worth a run.
bool Explorer::spin_waits_in_vain(std::uint32_t t, EventRef read, EventRef write) const {
  const ThreadState& th = *threads_[t];
  if (read.index < th.yield_mark) return false;
  bool stale = false;
  const auto before = repeated_reads(t, read.index, &stale);
  if (!before || *before + 1 != th.last_reads.size()) return false;
  const Event& r = graph_.at(read);
  if (th.last_reads[*before] != std::pair<std::uint32_t, Value>{r.location, graph_.at(write).value}) return false;
  return stale || !(graph_.location(r.location).co.back() == write);
}

bool Explorer::previous_attempt_failed_spuriously(std::uint32_t t, std::uint32_t location,
                                                   const check::source_location& where) const {
  const auto& events = graph_.thread(t).events;
  const auto same_statement = [&](const check::source_location& other) {
    const char* a = other.file_name();
    const char* b = where.file_name();
    return other.line() == where.line() && other.column() == where.column() &&
           (a == b || (a != nullptr && b != nullptr && std::string_view(a) == std::string_view(b)));
  };
  // The read being added is the thread's last event; look before it.
  for (std::size_t i = events.size() - 1; i-- > 0;) {
    const Event& e = events[i];
    if (e.kind == EventKind::Read && e.location == location) return e.spurious && same_statement(e.where);
  }
  return false;
}

// The write part is added for the revisits and taken back: the graph with
// both RMWs is inconsistent and never run.
void Explorer::push_conflict_revisits(std::uint32_t t, EventRef read, const PendingOp& op) {
  const Event& r = graph_.at(read);
  Event e = access_event(EventKind::Write, op);
  e.mode = r.mode;
  if (op.update != nullptr)
    op.update(r.value, op.operand, &e.value);
  else
    e.value = op.apply(r.value, op.operand, op.rmw_op);
  e.rmw = true;
  push_revisits(graph_, graph_.append_rmw_write(t, e));
  graph_.remove_last_write(t);
}

void Explorer::add_write(std::uint32_t t, PendingOp& op) {
  Event e = access_event(EventKind::Write, op);
  e.value = op.value;

  if (op.rmw) {
    const EventRef read_part{t, graph_.thread_size(t) - 1};
    // Another RMW already read the same write: this graph breaks atomicity
    // and is dropped, but its write may still revisit that RMW (GenMC's way
    // of reaching the order in which this RMW goes first).
    const bool conflict = read_by_rmw(graph_, graph_.at(read_part).rf, read_part);
    const EventRef ref = graph_.append_rmw_write(t, e);
    if (conflict) {
      if (options_.mode == search_mode::optimal) push_revisits(ref);
      abandon_ = true;
      return;
    }
    if (!consistency_.global_ok(graph_, ref)) {
      abandon_ = true;
      return;
    }
    if (!check_event(ref)) return;
    if (options_.mode == search_mode::optimal) push_revisits(ref);
    return;
  }

  const EventRef ref = graph_.append(t, e);
  std::vector<std::size_t> valid;
  const std::vector<std::size_t> positions = consistency_.write_positions(graph_, ref);
  for (std::size_t i = positions.size(); i-- > 0;) {
    graph_.insert_co(op.location, positions[i], ref);
    if (consistency_.global_ok(graph_, ref)) valid.push_back(positions[i]);
    graph_.erase_co(op.location, positions[i]);
  }
  if (valid.empty()) {
    abandon_ = true;
    return;
  }
  std::size_t chosen = 0;
  if (options_.mode == search_mode::random) {
    chosen = pick(valid);
  } else {
    for (std::size_t i = 1; i < valid.size(); ++i) {
      Graph alternative = graph_;
      alternative.insert_co(op.location, valid[i], ref);
      WorkItem item;
      item.graph = std::move(alternative);
      item.check_event = ref;
      item.revisits_for = ref;
      item.preemptions = preemptions_;
      item.last_thread = last_thread_;
      push(std::move(item));
    }
  }
  graph_.insert_co(op.location, valid[chosen], ref);
  if (!check_event(ref)) return;
  if (options_.mode == search_mode::optimal) push_revisits(ref);
}

bool Explorer::check_event(EventRef ref) {
  const Event& e = graph_.at(ref);
  if (!is_memory(e)) return true;
  if (e.kind == EventKind::Read && e.rf != kNoEvent && graph_.at(e.rf).uninitialized) {
    record_error(error::uninitialized_read,
                 fmt::format("load of {} before anything was stored to it (default-constructed atomic)",
                             graph_.location_name(e.location)),
                 e.where);
    return false;
  }
  // A data race: conflicting accesses, one not atomic, unordered by hb.
  // The event is maximal, so only "the other one happens before it" orders
  // them, and the events of a thread that do are a prefix of it.
  for (std::uint32_t t = 0; t < graph_.thread_count(); ++t) {
    if (t == ref.thread) continue;
    const auto& events = graph_.thread(t).events;
    for (std::uint32_t i = e.hb.count(t); i < events.size(); ++i) {
      const Event& x = events[i];
      if (!is_memory(x) || x.location != e.location) continue;
      if (!is_write_like(x) && !is_write_like(e)) continue;
      if (x.mode != Mode::NonAtomic && e.mode != Mode::NonAtomic) continue;
      record_error(error::data_race,
                   fmt::format("data race on {}: thread {} {} and thread {} {}, unordered by happens-before",
                               graph_.location_name(e.location), t, to_string(x.operation), ref.thread,
                               to_string(e.operation)),
                   e.where);
      return false;
    }
  }
  return true;
}

// TruSt's "maximally added": e reads from (or, a write, is) the co-latest
// write among those added before it or in the revisiting write's prefix.
// Only then could exploring forward from the revisited graph add e again as
// it is, so only then is this revisit the graph's one way in.
bool Explorer::maximal(const Graph& g, EventRef ref, const View& writer_prefix, EventRef writer) const {
  const Event& e = g.at(ref);
  // A choice is added with its first alternative; the others are pushed.
  if (e.kind == EventKind::Choice) return e.value == 0;
  if (e.kind != EventKind::Read && e.kind != EventKind::Write) return true;
  if (e.kind == EventKind::Read && e.spurious) return false;
  const auto previous = [&](EventRef x) {
    return !(x == writer) && (g.at(x).stamp < e.stamp || writer_prefix.contains(x));
  };
  const EventRef own = e.kind == EventKind::Read ? e.rf : ref;
  if (e.kind == EventKind::Read && !previous(own)) return false;
  const auto& co = g.location(e.location).co;
  for (std::size_t q = g.co_position(own) + 1; q < co.size(); ++q)
    if (previous(co[q])) return false;
  return true;
}

void Explorer::push_revisits(EventRef write) { push_revisits(graph_, write); }

void Explorer::push_revisits(const Graph& g, EventRef write) {
  const Event& w = g.at(write);
  const EventRef own_read = w.rmw ? EventRef{write.thread, write.index - 1} : kNoEvent;
  const auto& co = g.location(w.location).co;
  const std::size_t w_position = g.co_position(write);
  for (std::uint32_t t = 0; t < g.thread_count(); ++t) {
    const auto& events = g.thread(t).events;
    // Reads in the writer's porf-prefix cannot read it.
    for (std::uint32_t i = w.porf.count(t); i < events.size(); ++i) {
      const EventRef read{t, i};
      const Event& r = events[i];
      if (r.kind != EventKind::Read || r.location != w.location || read == own_read) continue;
      if (!maximal(g, read, w.porf, write)) continue;  // the cheap test first
      // Keep what was added before the read, and the writer's porf-prefix.
      // (A thread's events are in stamp order.)
      View keep = w.porf;
      for (std::uint32_t u = 0; u < g.thread_count(); ++u) {
        const auto& other = g.thread(u).events;
        const auto before = std::partition_point(other.begin(), other.end(),
                                                 [&](const Event& x) { return x.stamp < r.stamp; });
        const auto n = static_cast<std::uint32_t>(before - other.begin());
        if (n > keep.count(u)) keep.include({u, n - 1});
      }
      keep.include(read);
      // A revisit must not differ from another only in where the write sits in co.
      if (!w.rmw && w_position + 1 < co.size() && !keep.contains(co[w_position + 1])) continue;
      bool ok = true;
      // A kept event that depends on the read (it read a write that came
      // after the read) would lose its cause: not a revisit. The writer's
      // prefix cannot: it does not contain the read. (The cheaper test, and
      // the one that fails more often, first.)
      for (std::uint32_t u = 0; u < g.thread_count() && ok; ++u) {
        const auto& other = g.thread(u).events;
        const auto end = std::min<std::uint32_t>(keep.count(u), static_cast<std::uint32_t>(other.size()));
        for (std::uint32_t j = w.porf.count(u); j < end && ok; ++j) {
          const Event& xe = other[j];
          if (EventRef{u, j} == read) continue;
          ok = !xe.porf.contains(read) && (xe.kind != EventKind::Read || xe.rf == kNoEvent || keep.contains(xe.rf));
        }
      }
      // What is deleted must have been added maximally.
      for (std::uint32_t u = 0; u < g.thread_count() && ok; ++u)
        for (std::uint32_t j = keep.count(u); j < g.thread_size(u) && ok; ++j) ok = maximal(g, {u, j}, w.porf, write);
      if (!ok) continue;
      Graph base = g.restricted(keep);
      const bool spurious_too = r.compare && r.weak && compare_matches(r, w.value);
      for (int spurious = 0; spurious < 2; ++spurious) {
        if (spurious == 1 && !spurious_too) continue;
        Graph revisited = spurious_too ? base : std::move(base);
        Event& rr = revisited.at(read);
        rr.rf = write;
        rr.value = w.value;
        apply_cas_outcome(rr, spurious == 1);
        revisited.compute_views(read);
        if (consistency_.model() == memory_model::rc11 &&
            revisited.co_position(write) < consistency_.read_lower_bound(revisited, read))
          continue;
        if (w.rmw && !atomicity_ok(revisited, w.location)) continue;
        if (!consistency_.global_ok(revisited, read)) continue;
        WorkItem item;
        item.graph = std::move(revisited);
        item.check_event = read;
        push(std::move(item));
      }
    }
  }
}

void Explorer::record_error(error kind, std::string message, check::source_location where) {
  if (error_) return;
  std::string file = where.file_name() != nullptr ? where.file_name() : "";
  if (const auto slash = file.rfind('/'); slash != std::string::npos) file = file.substr(slash + 1);
  if (!file.empty()) message += fmt::format(" (at {}:{})", file, where.line());
  error_ = build_trace(kind, message);
}

}  // namespace mh::check
