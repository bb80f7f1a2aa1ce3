// The explorer: runs the model's code on fibers, one execution at a time,
// and decides every modeled operation's result by growing the execution
// graph. In optimal mode it follows TruSt (Kokologiannakis et al., POPL
// 2022): events are added in porf order, a read tries each write it may
// consistently read, a write tries each consistent place in co and revisits
// earlier reads backwards when the events that would be deleted were added
// maximally. Each consistent graph is then explored once.
#pragma once

#include <boost/context/fiber.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "consistency.hpp"
#include "fiber_stack.hpp"
#include "graph.hpp"
#include "options.hpp"
#include "result.hpp"
#include "source_location.hpp"

namespace mh::check {

enum class OpKind : std::uint8_t {
  Start, End, Create, Read, Write, Fence, Spawn, Join, Yield, Block, Fail,
  Choose,  // `operand` alternatives
  Kill,    // the thread's process is killed here
};

// The label of a crash point's choice (runtime.cpp): its first alternative
// (no crash) changes nothing, so a spin loop's iteration that passed one is
// still a pure retry.
extern const char kCrashPointLabel[];

// What a thread asks of the explorer; it waits, suspended, for the result.
struct PendingOp {
  OpKind kind = OpKind::Start;
  Operation operation = Operation::Load;
  Mode mode = Mode::Relaxed;          // read: success mode for CAS-like reads
  Mode failure_mode = Mode::Relaxed;  // CAS-like reads that do not write
  bool compare = false;               // CAS-like read: writes only if value == expected
  bool weak = false;
  bool rmw = false;                   // read: an unconditional RMW; write: an RMW's write part
  std::uint32_t location = 0;
  Value value = 0;  // write value; CAS expected value
  // An RMW-like read: how its write part's value follows from the value read.
  RmwApply apply = nullptr;
  RmwOp rmw_op = RmwOp::Exchange;
  Value operand = 0;
  UpdateFn update = nullptr;  // a conditional update's read: writes if update() accepts
  const char* label = nullptr;
  WriteRole role = WriteRole::rmw;  // an RMW's write part
  LocationInfo info;
  bool initialized = true;
  std::uint32_t thread_arg = 0;
  std::function<void()>* body = nullptr;
  bool new_process = false;  // spawn: the child starts a process
  bool may_crash = false;    // ... which may be killed at any step
  bool duplicate_unless_changed = false;  // block: stuck for good, the execution is a duplicate
  error fail_kind = error::none;
  std::string fail_message;
  check::source_location where;
  // Results.
  Value result = 0;
  bool success = false;

  // Every field back to its default, keeping the message's buffer: this runs
  // once per modeled operation.
  void reset() {
    kind = OpKind::Start;
    operation = Operation::Load;
    mode = failure_mode = Mode::Relaxed;
    compare = weak = rmw = false;
    location = 0;
    value = operand = 0;
    apply = nullptr;
    rmw_op = RmwOp::Exchange;
    update = nullptr;
    label = nullptr;
    role = WriteRole::rmw;
    info = LocationInfo{};
    initialized = true;
    thread_arg = 0;
    body = nullptr;
    new_process = may_crash = duplicate_unless_changed = false;
    fail_kind = error::none;
    fail_message.clear();
    result = 0;
    success = false;
    where = check::source_location{};
  }
};

class Explorer {
 public:
  Explorer(std::function<void()> body, check_options options);
  ~Explorer();
  Explorer(const Explorer&) = delete;
  Explorer& operator=(const Explorer&) = delete;

  check_result run();

  // Called from test threads (runtime.cpp).
  PendingOp& current_op() { return *current_op_; }
  void submit();  // suspends the calling fiber until its op is decided
  std::uint32_t current_thread() const { return current_; }
  bool unwinding() const { return unwinding_; }
  std::vector<std::uint32_t>& held_mutexes();
  ProcessId current_process() const;
  // The current thread's process may be killed. (Checked before every
  // operation: the common case, no crashing process at all, stays inline.)
  bool may_crash() const { return any_may_crash_ && current_may_crash(); }
  bool set_shared_allocation(bool shared);
  // What runs when the current thread's process is killed (runtime.hpp,
  // KillCleanup); returns the previous one.
  const std::function<void()>* set_kill_cleanup(const std::function<void()>* cleanup);
  const std::function<void()>* kill_cleanup() const;
  bool dying() const;  // killed, running its cleanup: no more crash points
  void set_dying();
  void* allocate(std::size_t bytes, std::size_t alignment);

 private:
  struct ThreadState;
  struct WorkItem {
    std::optional<Graph> graph;  // none: the empty graph
    EventRef check_event = kNoEvent;     // run the per-event checks on it after replay
    EventRef revisits_for = kNoEvent;    // compute its backward revisits after replay
    std::uint32_t forced_thread = 0xFFFFFFFFU;  // bounded mode: who runs next
    int preemptions = 0;
    std::uint32_t last_thread = 0;
  };
  enum class RunEnd : std::uint8_t { Complete, Blocked, Error, Abandoned, Bound };

  RunEnd run_once(WorkItem item);
  RunEnd replay_diverged(EventRef e);
  bool take_in_place_revisit(std::size_t pushed_before);
  bool blocked_after(EventRef read) const;
  bool retry_in_place(EventRef read);
  void reset_threads();
  void start_fiber(std::uint32_t t);
  void begin_thread(std::uint32_t t);
  bool fiber_fits(const Graph& next, std::uint32_t t) const;
  void resume(std::uint32_t t);
  bool replay_event(EventRef e);
  bool deliver(PendingOp& op, const Event& ev) const;
  bool replay_without_switch();
  void perform_forward(std::uint32_t t);
  std::optional<std::uint32_t> select_thread();
  bool enabled(std::uint32_t t) const;
  bool stuck_for_good(std::uint32_t t) const;
  bool waits_in_vain() const;
  bool mutex_free(std::uint32_t location) const;
  bool reads_since_yield(std::uint32_t t) const;  // true: the thread's spin loop waits
  std::optional<std::size_t> repeated_reads(std::uint32_t t, std::uint32_t end, bool* stale = nullptr) const;
  std::optional<std::vector<std::pair<std::uint32_t, Value>>> iteration_reads(std::uint32_t t,
                                                                             std::uint32_t end) const;
  void pass_yield(std::uint32_t t, std::uint32_t end);
  bool newer_write_since_stall(std::uint32_t t) const;
  RunEnd classify_end();

  Event access_event(EventKind kind, const PendingOp& op) const;
  void add_read(std::uint32_t t, PendingOp& op);
  void add_write(std::uint32_t t, PendingOp& op);
  // A CAS-like read writes only if it read the expected value and did not fail spuriously.
  void apply_cas_outcome(Event& r, bool spurious) const;
  bool check_event(EventRef e);  // races, uninitialised reads; false: an error was recorded
  void push_revisits(EventRef write);
  void push_revisits(const Graph& g, EventRef write);
  bool spin_waits_in_vain(std::uint32_t t, EventRef read, EventRef write) const;
  bool previous_attempt_failed_spuriously(std::uint32_t t, std::uint32_t location,
                                          const check::source_location& where) const;
  void push_conflict_revisits(std::uint32_t t, EventRef read, const PendingOp& op);
  bool maximal(const Graph& g, EventRef e, const View& keep, EventRef writer) const;
  void push(WorkItem item);
  template <typename T>
  std::size_t pick(const std::vector<T>& choices);

  void record_error(error kind, std::string message, check::source_location where);
  Trace build_trace(error kind, const std::string& message) const;
  std::string run_id(std::uint64_t run) const;
  bool out_of_time() const;

  std::function<void()> body_;
  check_options options_;
  Consistency consistency_;
  StackPool& stacks_;  // shared by the checks of this OS thread
  Graph graph_;
  std::vector<std::unique_ptr<ThreadState>> threads_;
  std::vector<std::unique_ptr<ThreadState>> spare_threads_;
  std::unique_ptr<ThreadState> new_thread_state();
  void add_thread_state(std::uint32_t parent, std::uint32_t child, PendingOp& spawn);
  void add_choice(std::uint32_t t, PendingOp& op);
  void kill_thread(std::uint32_t t, const PendingOp& op);
  bool accessible(std::uint32_t t, std::uint32_t location);
  std::string crash_cause() const;
  struct PageAlignedDelete {
    void operator()(std::byte* p) const { ::operator delete(p, std::align_val_t{4096}); }
  };
  std::unique_ptr<std::byte, PageAlignedDelete> heap_;  // allocate(): a region per thread
  bool current_may_crash() const;
  bool any_may_crash_ = false;  // some thread of this check may be killed
  std::vector<WorkItem> stack_;
  std::vector<EventRef> replay_buffer_;
  std::size_t replay_next_ = 0;  // the next event of replay_buffer_ to replay
  std::uint32_t current_ = 0;
  PendingOp* current_op_ = nullptr;  // the running thread's
  bool unwinding_ = false;
  bool replaying_ = false;
  bool continue_in_place_ = false;  // the next item continues the current fibers (take_in_place_revisit)
  bool abandon_ = false;        // the graph became inconsistent (RMW atomicity): stop after revisits
  bool bound_hit_ = false;
  std::optional<Trace> error_;
  std::optional<std::string> bound_message_;
  std::uint64_t runs_ = 0;
  std::uint64_t replay_run_ = 0;  // --replay: the run to report
  std::uint64_t complete_ = 0, blocked_ = 0;
  std::uint64_t continued_ = 0;  // runs continued in place, without a replay
  std::mt19937_64 rng_;
  std::chrono::steady_clock::time_point started_;
  // bounded mode bookkeeping of the current run
  int preemptions_ = 0;
  std::uint32_t last_thread_ = 0;
  std::uint32_t forced_thread_ = 0xFFFFFFFFU;
};

Explorer* active_explorer();

}  // namespace mh::check
