// The boundary between the user-facing mh:: types and the engine: every
// modeled operation is one call here, which suspends the calling fiber until
// the explorer has decided what the operation returns in this execution.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "source_location.hpp"
#include "result.hpp"

namespace mh::check {

// Every modeled value travels as 64 bits; the mh:: types convert.
using Value = std::uint64_t;

// Names a location for the whole exploration: the creating thread and how
// many locations that thread had created before, so the same object gets the
// same id in every replay whatever the interleaving.
using LocationId = std::uint32_t;
using ThreadId = std::uint32_t;

enum class LocationKind : std::uint8_t { Atomic, Plain, Mutex, CondVar };

enum class RmwOp : std::uint8_t { Exchange, Add, Sub, And, Or, Xor };

// Computes an RMW's new value in the user's type (wrap-around, width).
using RmwApply = Value (*)(Value old_value, Value operand, RmwOp op);

struct LocationInfo {
  LocationKind kind = LocationKind::Atomic;
  const char* name = nullptr;  // user's name, or null: the construction site names it
  const char* type = nullptr;  // printable type name for traces
  bool is_signed = false;
  int bytes = 8;
  // How traces print a value, for locations whose values encode a state
  // (a pipe's content, a futex's wait queue); null: as a number of `type`.
  std::string (*format)(Value value) = nullptr;
};

// A conditional read-modify-write: it writes only when `update` accepts the
// value read, and then writes *next (a failed attempt is a read, like a failed
// compare-exchange). `next` may be null: the caller asks only whether it would.
using UpdateFn = bool (*)(Value old_value, Value operand, Value* next);

// What the write of a read-modify-write stands for, when it is not the
// user's RMW: a store whose location also holds state the store must keep
// (it continues no release sequence it read), or a kernel's change to state
// kept beside a user's value (reading it is reading what it overwrote, so it
// synchronises as that write would, plus its own release).
enum class WriteRole : std::uint8_t { rmw, store, kernel };

// Processes: every thread belongs to one; the model's main function is
// process 0. Memory belongs to the process whose thread created it, or to no
// process (shared memory, kernel objects), and is accessible to all.
using ProcessId = std::uint32_t;
inline constexpr ProcessId kSharedMemory = 0xFFFFFFFFU;

// Called by the mh:: types. All of them throw nothing; an execution that must
// stop (an error, a bound, an inconsistent graph) unwinds the fiber.
LocationId new_location(const LocationInfo& info, bool initialized, Value initial, check::source_location where);
void end_location(LocationId location);  // the object is destroyed
// `label`, where given, names the operation in traces instead of load,
// store, fetch_add... (the modeled OS primitives name theirs).
Value load(LocationId location, std::memory_order order, check::source_location where, const char* label = nullptr);
void store(LocationId location, Value value, std::memory_order order, check::source_location where,
           const char* label = nullptr);
Value read_modify_write(LocationId location, RmwOp op, Value operand, RmwApply apply, std::memory_order order,
                        check::source_location where, const char* label = nullptr, WriteRole role = WriteRole::rmw);
// Returns whether it wrote; `seen` receives the value read.
bool conditional_update(LocationId location, UpdateFn update, Value operand, std::memory_order success,
                        std::memory_order failure, Value& seen, check::source_location where, const char* label,
                        WriteRole role = WriteRole::rmw);
// Waits until the thread's last event, a read of `location`, is no longer
// the latest write there: the caller then reads again. A wait that nothing
// can end is reported as a deadlock, except a wait `for_a_different_value`:
// one in an execution that only duplicates another (explored through another
// choice) unless a later write ends the wait; if nothing does, the execution
// is dropped without a verdict. (Dropping it at once would lose the later
// writes that revisit the read.)
void wait_for_change(LocationId location, check::source_location where, bool for_a_different_value = false);
// Returns whether the exchange happened; `expected` receives the value read.
bool compare_exchange(LocationId location, Value& expected, Value desired, std::memory_order success,
                      std::memory_order failure, bool weak, check::source_location where);
void fence(std::memory_order order, check::source_location where, const char* label = nullptr);
void yield(check::source_location where);

ThreadId spawn(std::function<void()> body, check::source_location where);
// A thread that starts a new process. With `may_crash`, the process may be
// killed before any of its operations: each is a choice the search explores.
ThreadId spawn_process(std::function<void()> body, bool may_crash, check::source_location where);
ThreadId current_thread();
ProcessId current_process();
// While set, what the calling thread creates is shared memory (a mapped
// region, a kernel object) instead of its process's private memory. Returns
// the previous setting.
bool set_shared_allocation(bool shared);
// Memory for objects that models hand between threads by address: the same
// address in every replay of an execution (the C++ heap's addresses are not),
// so the address may be written to a pipe or an atomic.
void* allocate(std::size_t bytes, std::size_t alignment);
void deallocate(void* memory);

// One of n alternatives, 0 first; the search explores each. `label` names the
// choice in traces.
std::uint32_t choose(std::uint32_t n, const char* label, check::source_location where);
// While it lives, `cleanup` runs if the calling thread's process is killed:
// the kernel's part of the death (a futex waiter leaves the queue). It may
// use modeled operations; no crash is explored inside it.
class KillCleanup {
 public:
  explicit KillCleanup(const std::function<void()>& cleanup);
  ~KillCleanup();
  KillCleanup(const KillCleanup&) = delete;
  KillCleanup& operator=(const KillCleanup&) = delete;

 private:
  const std::function<void()>* previous_;
};

// Reports an error found by a modeled primitive (misuse of an OS object).
[[noreturn]] void report_error(error kind, std::string message, check::source_location where);
// Returns whether the thread was killed (its process crashed) rather than ending.
bool join(ThreadId thread, check::source_location where);

void mutex_lock(LocationId mutex, check::source_location where);
bool mutex_try_lock(LocationId mutex, check::source_location where);
void mutex_unlock(LocationId mutex, check::source_location where);

void condvar_wait(LocationId condvar, LocationId mutex, check::source_location where);
void condvar_notify(LocationId condvar, bool all, check::source_location where);

[[noreturn]] void assertion_failed(const char* expression, const char* message, check::source_location where);

// True while a fiber of an exploration runs: mh:: objects used outside a
// check (a plain unit test) behave as their std:: counterparts would not, so
// they say so instead of misbehaving.
bool inside_check();
// True while an abandoned execution's fibers unwind: destructors stay silent.
bool unwinding();

}  // namespace mh::check
