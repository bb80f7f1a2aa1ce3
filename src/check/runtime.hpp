// The boundary between the user-facing mh:: types and the engine: every
// modeled operation is one call here, which suspends the calling fiber until
// the explorer has decided what the operation returns in this execution.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <source_location>

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
};

// Called by the mh:: types. All of them throw nothing; an execution that must
// stop (an error, a bound, an inconsistent graph) unwinds the fiber.
LocationId new_location(const LocationInfo& info, bool initialized, Value initial, std::source_location where);
void end_location(LocationId location);  // the object is destroyed
Value load(LocationId location, std::memory_order order, std::source_location where);
void store(LocationId location, Value value, std::memory_order order, std::source_location where);
Value read_modify_write(LocationId location, RmwOp op, Value operand, RmwApply apply, std::memory_order order,
                        std::source_location where);
// Returns whether the exchange happened; `expected` receives the value read.
bool compare_exchange(LocationId location, Value& expected, Value desired, std::memory_order success,
                      std::memory_order failure, bool weak, std::source_location where);
void fence(std::memory_order order, std::source_location where);
void yield(std::source_location where);

ThreadId spawn(std::function<void()> body, std::source_location where);
void join(ThreadId thread, std::source_location where);

void mutex_lock(LocationId mutex, std::source_location where);
bool mutex_try_lock(LocationId mutex, std::source_location where);
void mutex_unlock(LocationId mutex, std::source_location where);

void condvar_wait(LocationId condvar, LocationId mutex, std::source_location where);
void condvar_notify(LocationId condvar, bool all, std::source_location where);

[[noreturn]] void assertion_failed(const char* expression, const char* message, std::source_location where);

// True while a fiber of an exploration runs: mh:: objects used outside a
// check (a plain unit test) behave as their std:: counterparts would not, so
// they say so instead of misbehaving.
bool inside_check();
// True while an abandoned execution's fibers unwind: destructors stay silent.
bool unwinding();

}  // namespace mh::check
