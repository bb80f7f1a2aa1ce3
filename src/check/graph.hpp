// The execution graph: events per thread in program order, reads-from,
// modification order per location, and the order in which the explorer added
// the events (stamps). It is what an execution *is* to the checker; the
// consistency predicates (consistency.hpp) and the exploration (explorer.hpp)
// work on it, and a trace (trace.hpp) prints it.
#pragma once

#include <boost/container/small_vector.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "source_location.hpp"
#include "runtime.hpp"
#include "view.hpp"

namespace mh::check {

enum class EventKind : std::uint8_t { Start, End, Spawn, Join, Init, Read, Write, Fence, Choice };

// Which API operation produced an event, for traces and for replay checks.
enum class Operation : std::uint8_t {
  ThreadStart, ThreadEnd, Spawn, Join, Create,
  Load, Store, Exchange, FetchAdd, FetchSub, FetchAnd, FetchOr, FetchXor, CompareExchange,
  Fence, Lock, TryLock, Unlock, WaitRead, Notify,
  Update,   // a conditional read-modify-write (check::conditional_update)
  Choose,   // a choice among alternatives (check::choose)
  Killed,   // the end of a thread whose process was killed
};

// C++ memory orders plus "not atomic" (mh::var, initialisation).
enum class Mode : std::uint8_t { NonAtomic, Relaxed, Acquire, Release, AcqRel, SeqCst };

Mode mode_of(std::memory_order order);
inline bool is_acquire(Mode m) { return m == Mode::Acquire || m == Mode::AcqRel || m == Mode::SeqCst; }
inline bool is_release(Mode m) { return m == Mode::Release || m == Mode::AcqRel || m == Mode::SeqCst; }
const char* to_string(Mode m);
const char* to_string(Operation op);

inline constexpr std::uint32_t kNotInCo = 0xFFFFFFFFU;

// What few events have: a label for traces (the OS primitives name their
// operations) and a conditional update's function. Kept out of Event, whose
// size every graph copy pays, as a small number into a table of this OS
// thread (a check runs on one).
struct EventExtra {
  const char* label = nullptr;
  UpdateFn update = nullptr;
};
std::uint16_t intern_event_extra_slow(const char* label, UpdateFn update);
inline std::uint16_t intern_event_extra(const char* label, UpdateFn update) {  // 0 when both are null
  return label == nullptr && update == nullptr ? 0 : intern_event_extra_slow(label, update);
}
const EventExtra& event_extra(std::uint16_t number);

struct Event {
  EventKind kind = EventKind::Start;
  Operation operation = Operation::ThreadStart;
  Mode mode = Mode::NonAtomic;
  bool rmw = false;          // read: its write part follows in po; write: it is that write part
  bool spurious = false;     // read of a weak CAS that fails although the value matched
  bool uninitialized = false;  // init of a default-constructed atomic
  bool compare = false;        // read of a CAS-like operation: writes only if value == expected
  WriteRole role = WriteRole::rmw;  // an RMW's write: what it stands for (runtime.hpp)
  std::uint16_t extra = 0;          // the label and update function, if any (event_extra)
  bool weak = false;           // ... and may fail spuriously
  Mode success_mode = Mode::Relaxed;
  Mode failure_mode = Mode::Relaxed;
  std::uint32_t location = 0;
  EventRef rf = kNoEvent;    // read: the write it reads
  std::uint32_t thread_arg = 0;  // spawn/join: the other thread
  std::uint32_t stamp = 0;   // order of addition
  std::uint32_t co_index = kNotInCo;  // write: its position in co, kept by Graph
  Value value = 0;           // written, or read
  Value expected = 0;        // CAS: compared against; conditional update: its operand; choice: how many
  check::source_location where;
  View porf;  // events porf-before, and itself
  View hb;    // events happens-before, and itself
  View msg;   // write: what an acquire read of it synchronises with
};

struct Location {
  LocationInfo info;
  check::source_location created_at;
  EventRef init = kNoEvent;
  // Modification order, init first; most locations see few writes.
  boost::container::small_vector<EventRef, 6> co;
  bool alive = true;         // false once its creating event was deleted by a revisit
  ProcessId process = kSharedMemory;  // whose private memory it is
};

struct ThreadEvents {
  std::vector<Event> events;
  EventRef spawned_by = kNoEvent;
  bool ended() const { return !events.empty() && events.back().kind == EventKind::End; }

  ThreadEvents() = default;
  // A copy keeps room for the events a run adds after replaying it.
  ThreadEvents(const ThreadEvents& other) : spawned_by(other.spawned_by) { copy_events(other.events, other.events.size()); }
  ThreadEvents& operator=(const ThreadEvents& other) {
    if (this != &other) {
      spawned_by = other.spawned_by;
      copy_events(other.events, other.events.size());
    }
    return *this;
  }
  ThreadEvents(ThreadEvents&&) = default;
  ThreadEvents& operator=(ThreadEvents&&) = default;
  ~ThreadEvents() = default;

  void copy_events(const std::vector<Event>& from, std::size_t count) {
    events.clear();
    events.reserve(count + 8);
    events.insert(events.end(), from.begin(), from.begin() + static_cast<std::ptrdiff_t>(count));
  }
};

class Graph {
 public:
  Graph();

  std::size_t thread_count() const { return threads_.size(); }
  const ThreadEvents& thread(std::uint32_t t) const { return threads_[t]; }
  std::uint32_t thread_size(std::uint32_t t) const { return static_cast<std::uint32_t>(threads_[t].events.size()); }
  const Event& at(EventRef e) const { return threads_[e.thread].events[e.index]; }
  Event& at(EventRef e) { return threads_[e.thread].events[e.index]; }
  std::size_t event_count() const;
  std::uint32_t next_stamp() const { return next_stamp_; }
  bool has_sc_fence() const { return sc_fences_ != 0; }

  std::size_t location_count() const { return locations_.size(); }
  const Location& location(std::uint32_t l) const { return locations_[l]; }

  std::uint32_t add_thread(EventRef spawned_by);
  // Appends e to its thread, stamps it and computes its views. For a write
  // the caller has chosen its place in co (insert_co).
  EventRef append(std::uint32_t thread, Event e);
  // Appends the write part of an RMW whose read part is the thread's last
  // event, right after the write that read took in co (atomicity).
  EventRef append_rmw_write(std::uint32_t thread, Event e);
  std::uint32_t add_location(const LocationInfo& info, check::source_location created_at, ProcessId process);
  // The user's name for a location, or file:line of its creation.
  std::string location_name(std::uint32_t l) const;
  // A new location's initialising write, first in its co.
  void set_init(std::uint32_t location, EventRef init);
  void insert_co(std::uint32_t location, std::size_t position, EventRef write);
  void erase_co(std::uint32_t location, std::size_t position);
  // Where the write is in co (co.size() when it is not in co yet).
  std::size_t co_position(EventRef write) const {
    const std::uint32_t index = at(write).co_index;
    return index == kNotInCo ? locations_[at(write).location].co.size() : index;
  }
  void set_rf(EventRef read, EventRef write);  // and recompute the read's views

  // Keeps only the events in `keep` (a porf-closed set given as a view).
  void restrict_to(const View& keep);
  // A copy with only the events in `keep`: restrict_to without copying the rest.
  Graph restricted(const View& keep) const;
  // Takes back the thread's last event, a write just appended and put in co.
  void remove_last_write(std::uint32_t thread);

  // Events in stamp order.
  void stamp_order(std::vector<EventRef>& order) const;
  // Events in an order that respects program order, reads-from, spawn and
  // join (a revisited read comes after the later write it now reads), the
  // order of addition where those allow: how an execution is replayed.
  std::vector<EventRef> replay_order() const;
  void replay_order(std::vector<EventRef>& order) const;  // into a buffer the caller keeps
  // Is a before b in happens-before?
  bool hb_before(EventRef a, EventRef b) const { return at(b).hb.contains(a) && !(a == b); }

  // Recomputes porf/hb/msg for an event from its predecessors.
  void compute_views(EventRef e);

 private:
  void number_co(std::uint32_t location, std::size_t from);

  std::vector<ThreadEvents> threads_;
  std::vector<Location> locations_;
  std::uint32_t next_stamp_ = 0;
  std::uint32_t sc_fences_ = 0;  // seq_cst fences: RC11's psc needs its relational form then
};

}  // namespace mh::check
