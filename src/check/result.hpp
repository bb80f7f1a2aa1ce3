// What a check reports: the verdict, the counts, and for a failing
// execution the error with its trace (docs/writing-models.md, "Reading a trace").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mh {

enum class error : std::uint8_t {
  none,
  assertion,           // MH_ASSERT failed, or an invariant at the end of an execution
  data_race,           // conflicting accesses to an mh::var unordered by happens-before
  deadlock,            // every unfinished thread waits on a mutex, join or condition variable
  livelock,            // a spin loop that can never exit
  uninitialized_read,  // a load of a default-constructed mh::atomic before any store
  mutex_misuse,        // unlock of a mutex the thread does not hold, relock by its owner
  nondeterminism,      // the code did something different when replayed
  exception,           // a test thread let an exception escape
  cross_process,       // a process touched memory private to another process
  os_misuse,           // a modeled OS object used against its contract (a closed pipe, a wrong semaphore)
};

std::string_view to_string(error kind);
std::optional<error> error_from_string(std::string_view name);

enum class verdict : std::uint8_t {
  ok,             // every execution explored, no error
  error_found,    // an execution has an error: see trace
  bound_reached,  // a bound (executions, steps, time) stopped the search first
};
std::string_view to_string(verdict v);

namespace check {

// One event of a trace, in the order the execution performed it.
struct TraceEvent {
  int number = 0;             // 1-based, the trace's numbering
  unsigned thread = 0;        // 0 is the model's main function
  std::string operation;      // load, store, fetch_add, cas, fence, lock, spawn, ...
  std::string order;          // relaxed, acquire, ... or empty
  std::string location;       // the location's name, or empty
  std::string value;          // value read or written, or empty
  std::string read_from;      // for reads: "#N" of the write, or "init"
  std::string source;         // file:line of the user's code
};

// Per location involved: its modification order and who read what.
struct LocationRelations {
  std::string location;
  std::vector<std::string> modification_order;  // "#N" or "init", oldest first
  std::vector<std::string> reads_from;          // "#R <- #W" lines
};

struct Trace {
  error kind = error::none;
  std::string message;  // one line: what went wrong, where
  std::vector<TraceEvent> events;
  std::vector<LocationRelations> relations;
  std::string replay_id;
};

std::string format_trace(const Trace& trace);

}  // namespace check

struct check_result {
  mh::verdict verdict = verdict::ok;
  mh::error error = error::none;  // the first error found
  std::string message;            // why the search stopped, when it is not ok
  std::uint64_t executions = 0;   // complete, consistent executions explored
  std::uint64_t blocked = 0;      // executions cut short: a wait that a later write ends
  std::uint64_t runs = 0;         // times the code ran: executions, blocked ones and dead ends
  std::uint64_t replays = 0;      // runs replayed from the start; the others continued a blocked run in place
  double seconds = 0;
  std::string model;  // rc11 or sc
  std::string mode;   // optimal, random, bounded, replay
  std::optional<check::Trace> trace;

  bool ok() const { return verdict == verdict::ok; }
  bool found(mh::error kind) const { return verdict == verdict::error_found && error == kind; }
};

}  // namespace mh
