// The mh:: operations as requests to the active explorer. Each fills the
// calling thread's pending op and suspends until the explorer decides it.
#include "runtime.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <string>

#include "explorer.hpp"

namespace mh::check {

namespace {

Explorer& explorer() {
  Explorer* x = active_explorer();
  if (x == nullptr)
    throw std::logic_error("mh:: types only work inside a model check (MH_MODEL, mh::check or memharness check)");
  return *x;
}

PendingOp& fresh_op(Explorer& x, OpKind kind, check::source_location where) {
  PendingOp& op = x.current_op();
  op.reset();
  op.kind = kind;
  op.where = where;
  return op;
}

Operation operation_of(RmwOp op) {
  switch (op) {
    case RmwOp::Exchange: return Operation::Exchange;
    case RmwOp::Add: return Operation::FetchAdd;
    case RmwOp::Sub: return Operation::FetchSub;
    case RmwOp::And: return Operation::FetchAnd;
    case RmwOp::Or: return Operation::FetchOr;
    case RmwOp::Xor: return Operation::FetchXor;
  }
  return Operation::Exchange;
}

Value replace_with(Value, Value operand, RmwOp) { return operand; }
Value add_to(Value old_value, Value operand, RmwOp) { return old_value + operand; }

[[noreturn]] void fail(Explorer& x, error kind, std::string message, check::source_location where) {
  PendingOp& op = fresh_op(x, OpKind::Fail, where);
  op.fail_kind = kind;
  op.fail_message = std::move(message);
  x.submit();
  // The explorer never resumes a failed thread; it unwinds it.
  std::terminate();
}

// A process that may crash is killed here in one of the explored executions:
// before the operation, so that nothing of it happens.
void crash_point(Explorer& x, check::source_location where) {
  if (!x.may_crash() || x.dying()) return;
  PendingOp& choice = fresh_op(x, OpKind::Choose, where);
  choice.operand = 2;
  choice.label = kCrashPointLabel;
  x.submit();
  if (x.current_op().result == 0) return;
  x.set_dying();
  if (const std::function<void()>* cleanup = x.kill_cleanup()) (*cleanup)();
  fresh_op(x, OpKind::Kill, where);
  x.submit();
  std::terminate();  // a killed thread is never resumed, only unwound
}

}  // namespace

bool inside_check() { return active_explorer() != nullptr; }
bool unwinding() { return active_explorer() != nullptr && active_explorer()->unwinding(); }

LocationId new_location(const LocationInfo& info, bool initialized, Value initial, check::source_location where) {
  Explorer& x = explorer();
  if (x.unwinding()) return 0;
  PendingOp& op = fresh_op(x, OpKind::Create, where);
  op.info = info;
  op.initialized = initialized;
  op.value = initial;
  x.submit();
  return static_cast<LocationId>(x.current_op().result);
}

void end_location(LocationId) {}

Value load(LocationId location, std::memory_order order, check::source_location where, const char* label) {
  Explorer& x = explorer();
  if (x.unwinding()) return 0;
  crash_point(x, where);
  PendingOp& op = fresh_op(x, OpKind::Read, where);
  op.label = label;
  op.operation = Operation::Load;
  op.location = location;
  op.mode = mode_of(order);
  x.submit();
  return x.current_op().result;
}

void store(LocationId location, Value value, std::memory_order order, check::source_location where,
           const char* label) {
  Explorer& x = explorer();
  if (x.unwinding()) return;
  crash_point(x, where);
  PendingOp& op = fresh_op(x, OpKind::Write, where);
  op.label = label;
  op.operation = Operation::Store;
  op.location = location;
  op.mode = mode_of(order);
  op.value = value;
  x.submit();
}

namespace {

Value rmw(Explorer& x, Operation operation, LocationId location, Mode mode, check::source_location where, RmwOp op,
          Value operand, RmwApply apply, const char* label = nullptr, WriteRole role = WriteRole::rmw) {
  PendingOp& read = fresh_op(x, OpKind::Read, where);
  read.label = label;
  read.operation = operation;
  read.location = location;
  read.mode = mode;
  read.role = role;  // a store's read part acquires nothing (Graph::compute_views)
  read.rmw = true;
  read.apply = apply;
  read.rmw_op = op;
  read.operand = operand;
  x.submit();
  const Value old_value = x.current_op().result;
  PendingOp& write = fresh_op(x, OpKind::Write, where);
  write.label = label;
  write.role = role;
  write.operation = operation;
  write.location = location;
  write.mode = mode;
  write.rmw = true;
  write.value = apply(old_value, operand, op);
  x.submit();
  return old_value;
}

// A read that writes only when it sees `expected` (CAS, lock, try_lock).
bool compare_read(Explorer& x, Operation operation, LocationId location, Value& seen, Mode success, Mode failure,
                  bool weak, Value desired, check::source_location where) {
  PendingOp& op = fresh_op(x, OpKind::Read, where);
  op.apply = &replace_with;
  op.operand = desired;
  op.operation = operation;
  op.location = location;
  op.mode = success;
  op.failure_mode = failure;
  op.compare = true;
  op.weak = weak;
  op.value = seen;
  x.submit();
  seen = x.current_op().result;
  return x.current_op().success;
}

void rmw_write(Explorer& x, Operation operation, LocationId location, Mode mode, Value value,
               check::source_location where, const char* label = nullptr, WriteRole role = WriteRole::rmw) {
  PendingOp& op = fresh_op(x, OpKind::Write, where);
  op.label = label;
  op.role = role;
  op.operation = operation;
  op.location = location;
  op.mode = mode;
  op.rmw = true;
  op.value = value;
  x.submit();
}

}  // namespace

Value read_modify_write(LocationId location, RmwOp op, Value operand, RmwApply apply, std::memory_order order,
                        check::source_location where, const char* label, WriteRole role) {
  Explorer& x = explorer();
  if (x.unwinding()) return 0;
  crash_point(x, where);
  return rmw(x, operation_of(op), location, mode_of(order), where, op, operand, apply, label, role);
}

bool conditional_update(LocationId location, UpdateFn update, Value operand, std::memory_order success,
                        std::memory_order failure, Value& seen, check::source_location where, const char* label,
                        WriteRole role) {
  Explorer& x = explorer();
  if (x.unwinding()) return false;
  crash_point(x, where);
  PendingOp& op = fresh_op(x, OpKind::Read, where);
  op.operation = Operation::Update;
  op.location = location;
  op.mode = mode_of(success);
  op.failure_mode = mode_of(failure);
  op.compare = true;
  op.update = update;
  op.operand = operand;
  op.label = label;
  op.role = role;
  x.submit();
  seen = x.current_op().result;
  if (!x.current_op().success) return false;
  Value next = 0;
  update(seen, operand, &next);
  rmw_write(x, Operation::Update, location, mode_of(success), next, where, label, role);
  return true;
}

void wait_for_change(LocationId location, check::source_location where, bool for_a_different_value) {
  Explorer& x = explorer();
  if (x.unwinding()) return;
  PendingOp& op = fresh_op(x, OpKind::Block, where);
  op.location = location;
  op.duplicate_unless_changed = for_a_different_value;
  x.submit();
}

bool compare_exchange(LocationId location, Value& expected, Value desired, std::memory_order success,
                      std::memory_order failure, bool weak, check::source_location where) {
  Explorer& x = explorer();
  if (x.unwinding()) return false;
  crash_point(x, where);
  const Mode success_mode = mode_of(success);
  if (!compare_read(x, Operation::CompareExchange, location, expected, success_mode, mode_of(failure), weak, desired,
                    where))
    return false;
  rmw_write(x, Operation::CompareExchange, location, success_mode, desired, where);
  return true;
}

void fence(std::memory_order order, check::source_location where, const char* label) {
  Explorer& x = explorer();
  if (x.unwinding()) return;
  crash_point(x, where);
  PendingOp& op = fresh_op(x, OpKind::Fence, where);
  op.label = label;
  op.mode = mode_of(order);
  x.submit();
}

void yield(check::source_location where) {
  Explorer& x = explorer();
  if (x.unwinding()) return;
  fresh_op(x, OpKind::Yield, where);
  x.submit();
}

namespace {
ThreadId spawn_thread(Explorer& x, std::function<void()>& body, bool new_process, bool may_crash,
                      check::source_location where) {
  // Killing one thread of a process stands for killing the process only
  // when the process has no other thread.
  if (x.may_crash())
    fail(x, error::os_misuse, "a process that may crash cannot start threads (crash injection kills one thread)",
         where);
  PendingOp& op = fresh_op(x, OpKind::Spawn, where);
  op.body = &body;
  op.new_process = new_process;
  op.may_crash = may_crash;
  x.submit();
  return static_cast<ThreadId>(x.current_op().result);
}
}  // namespace

ThreadId spawn(std::function<void()> body, check::source_location where) {
  Explorer& x = explorer();
  if (x.unwinding()) return 0;
  return spawn_thread(x, body, false, false, where);
}

ThreadId spawn_process(std::function<void()> body, bool may_crash, check::source_location where) {
  Explorer& x = explorer();
  if (x.unwinding()) return 0;
  return spawn_thread(x, body, true, may_crash, where);
}

ThreadId current_thread() { return explorer().current_thread(); }
ProcessId current_process() { return explorer().current_process(); }
bool set_shared_allocation(bool shared) { return explorer().set_shared_allocation(shared); }

void* allocate(std::size_t bytes, std::size_t alignment) {
  Explorer& x = explorer();
  if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment > 4096)
    fail(x, error::exception, "mh::make: alignment must be a power of two of at most 4096",
         check::source_location::current());
  void* memory = x.allocate(bytes, alignment);
  if (memory == nullptr && !x.unwinding())
    fail(x, error::exception, "the model heap of this thread is exhausted (256 KiB per thread)",
         check::source_location::current());
  return memory;
}

void deallocate(void*) {}  // the model heap is reset with each run

std::uint32_t choose(std::uint32_t n, const char* label, check::source_location where) {
  Explorer& x = explorer();
  if (x.unwinding()) return 0;
  if (n == 0) fail(x, error::exception, "choose(0): a choice needs at least one alternative", where);
  if (n == 1) return 0;
  PendingOp& op = fresh_op(x, OpKind::Choose, where);
  op.operand = n;
  op.label = label;
  x.submit();
  return static_cast<std::uint32_t>(x.current_op().result);
}

KillCleanup::KillCleanup(const std::function<void()>& cleanup)
    : previous_(explorer().set_kill_cleanup(&cleanup)) {}

KillCleanup::~KillCleanup() {
  if (Explorer* x = active_explorer()) x->set_kill_cleanup(previous_);
}

void report_error(error kind, std::string message, check::source_location where) {
  Explorer& x = explorer();
  if (x.unwinding()) std::terminate();
  fail(x, kind, std::move(message), where);
}

bool join(ThreadId thread, check::source_location where) {
  Explorer& x = explorer();
  if (x.unwinding()) return false;
  crash_point(x, where);
  if (thread == x.current_thread()) fail(x, error::deadlock, "a thread joins itself", where);
  PendingOp& op = fresh_op(x, OpKind::Join, where);
  op.thread_arg = thread;
  x.submit();
  return x.current_op().result != 0;
}

namespace {
bool holds(Explorer& x, LocationId mutex) {
  const auto& held = x.held_mutexes();
  return std::find(held.begin(), held.end(), mutex) != held.end();
}
}  // namespace

void mutex_lock(LocationId mutex, check::source_location where) {
  Explorer& x = explorer();
  if (x.unwinding()) return;
  crash_point(x, where);
  if (holds(x, mutex)) fail(x, error::mutex_misuse, "lock of a mutex this thread already holds", where);
  for (;;) {
    Value seen = 0;
    // An acquire RMW from unlocked (0) to the owner's number; a failed
    // attempt reads without synchronising and waits for the next unlock.
    if (compare_read(x, Operation::Lock, mutex, seen, Mode::Acquire, Mode::Relaxed, false, x.current_thread() + 1,
                     where)) {
      rmw_write(x, Operation::Lock, mutex, Mode::Acquire, x.current_thread() + 1, where);
      x.held_mutexes().push_back(mutex);
      return;
    }
    PendingOp& wait = fresh_op(x, OpKind::Block, where);
    wait.location = mutex;
    x.submit();
    if (x.unwinding()) return;
  }
}

bool mutex_try_lock(LocationId mutex, check::source_location where) {
  Explorer& x = explorer();
  if (x.unwinding()) return false;
  crash_point(x, where);
  if (holds(x, mutex)) fail(x, error::mutex_misuse, "try_lock of a mutex this thread already holds", where);
  Value seen = 0;
  if (!compare_read(x, Operation::TryLock, mutex, seen, Mode::Acquire, Mode::Relaxed, false, x.current_thread() + 1,
                    where))
    return false;
  rmw_write(x, Operation::TryLock, mutex, Mode::Acquire, x.current_thread() + 1, where);
  x.held_mutexes().push_back(mutex);
  return true;
}

void mutex_unlock(LocationId mutex, check::source_location where) {
  Explorer& x = explorer();
  if (x.unwinding()) return;
  crash_point(x, where);
  auto& held = x.held_mutexes();
  const auto it = std::find(held.begin(), held.end(), mutex);
  if (it == held.end()) fail(x, error::mutex_misuse, "unlock of a mutex this thread does not hold", where);
  held.erase(it);
  PendingOp& op = fresh_op(x, OpKind::Write, where);
  op.operation = Operation::Unlock;
  op.location = mutex;
  op.mode = Mode::Release;
  op.value = 0;
  x.submit();
}

void condvar_wait(LocationId condvar, LocationId mutex, check::source_location where) {
  Explorer& x = explorer();
  if (x.unwinding()) return;
  if (!holds(x, mutex)) fail(x, error::mutex_misuse, "condition_variable::wait without holding the mutex", where);
  // The condition variable is a counter of notifications: wait returns once
  // it reads a count newer than the one it saw before releasing the mutex.
  const auto read_count = [&] {
    PendingOp& op = fresh_op(x, OpKind::Read, where);
    op.operation = Operation::WaitRead;
    op.location = condvar;
    op.mode = Mode::Relaxed;
    x.submit();
    return x.current_op().result;
  };
  const Value before = read_count();
  mutex_unlock(mutex, where);
  for (;;) {
    if (read_count() != before) break;
    PendingOp& wait = fresh_op(x, OpKind::Block, where);
    wait.location = condvar;
    x.submit();
    if (x.unwinding()) return;
  }
  mutex_lock(mutex, where);
}

void condvar_notify(LocationId condvar, bool all, check::source_location where) {
  Explorer& x = explorer();
  if (x.unwinding()) return;
  (void)all;  // a notification wakes every waiter whose wait began before it
  rmw(x, Operation::Notify, condvar, Mode::Relaxed, where, RmwOp::Add, 1, &add_to);
}

void assertion_failed(const char* expression, const char* message, check::source_location where) {
  Explorer& x = explorer();
  if (x.unwinding()) std::terminate();
  std::string text = std::string("MH_ASSERT(") + expression + ") failed";
  if (message != nullptr) text += std::string(": ") + message;
  fail(x, error::assertion, std::move(text), where);
}

}  // namespace mh::check
