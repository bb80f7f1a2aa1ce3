// Shared memory guarded by POSIX semaphores, for real: a producer and a
// consumer process (fork) over a region from shm_open + ftruncate + mmap,
// with the semaphores in the region (sem_init, pshared = 1) or named
// (sem_open). The same protocols as the model (models/shm_semaphore.cpp),
// plus two orderings between processes with no semaphore at all, which the
// hardware breaks: the two-flag lock without a fence (SB) and a record
// published by a relaxed flag (MP).
//
// Every record carries its sequence number, its length, a payload derived
// from the sequence, a checksum and a canary at each end, so a reader can say
// which record each field it read came from: a torn record (fields of two
// records), a stale one (an older record whole) and a record out of sequence
// are told apart.
//
// The records' fields are ProtectedWords (stress/protected_word.hpp: relaxed
// atomics, plain words under ThreadSanitizer): they add no ordering of their
// own, so what a reader sees is what the semaphores (or their absence) and
// the hardware allow.
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fmt/format.h>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "stress/context.hpp"
#include "stress/protected_word.hpp"
#include "stress/variant.hpp"

namespace mh::stress {
namespace {

using std::memory_order_acq_rel;
using std::memory_order_acquire;
using std::memory_order_relaxed;
using std::memory_order_release;

// Atomics placed in memory that other processes map must not hide a lock in
// the process that made them.
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
static_assert(std::atomic<int>::is_always_lock_free);

[[noreturn]] void fail(const std::string& what, int error = errno) {
  throw std::system_error(error, std::generic_category(), what);
}

// A counter with one writer: a plain add keeps the hot loops free of RMWs.
void bump(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1) {
  counter.store(counter.load(memory_order_relaxed) + by, memory_order_relaxed);
}

void sleep_microseconds(long microseconds) {
  timespec pause{0, microseconds * 1000};
  while (::nanosleep(&pause, &pause) != 0 && errno == EINTR) {
  }
}

// ---------------------------------------------------------------------------
// Records

constexpr unsigned payload_capacity = 6;
constexpr std::uint64_t head_tag = 0xa1, tail_tag = 0xa2, payload_tag = 0x10;

// A field's value names its record and its place: a stray value from another
// record, or from another field, is recognised as such.
std::uint64_t stamp(std::uint64_t sequence, std::uint64_t tag) {
  return ((sequence << 8) | tag) ^ 0x6a09e667f3bcc908ull;
}

std::optional<std::uint64_t> stamped_sequence(std::uint64_t value, std::uint64_t tag) {
  const std::uint64_t plain = value ^ 0x6a09e667f3bcc908ull;
  if ((plain & 0xff) != tag) return std::nullopt;
  return plain >> 8;
}

unsigned length_of(std::uint64_t sequence) {
  return 1 + unsigned(sequence % payload_capacity);
}

std::uint64_t checksum_of(std::uint64_t sequence) {
  std::uint64_t sum = sequence * 0x9e3779b97f4a7c15ull ^ length_of(sequence);
  for (unsigned word = 0; word < length_of(sequence); ++word)
    sum = (sum ^ stamp(sequence, payload_tag + word)) * 0xbf58476d1ce4e5b9ull;
  return sum;
}

struct Record {
  ProtectedWord head{0};
  ProtectedWord sequence{0};
  ProtectedWord length{0};
  ProtectedWord payload[payload_capacity]{};
  ProtectedWord checksum{0};
  ProtectedWord tail{0};
};

// Fields of a record in the order they are written.
unsigned fields_of(std::uint64_t sequence) {
  return 5 + length_of(sequence);
}

// `after_field(n)` runs once the first n fields are written: where a crash is
// injected.
template <typename AfterField>
void write_record(Record& record, std::uint64_t sequence, AfterField&& after_field) {
  unsigned written = 0;
  const auto put = [&](ProtectedWord& field, std::uint64_t value) {
    field.store(value);
    after_field(++written);
  };
  put(record.head, stamp(sequence, head_tag));
  put(record.sequence, sequence);
  put(record.length, length_of(sequence));
  for (unsigned word = 0; word < length_of(sequence); ++word)
    put(record.payload[word], stamp(sequence, payload_tag + word));
  put(record.checksum, checksum_of(sequence));
  put(record.tail, stamp(sequence, tail_tag));
}

void write_record(Record& record, std::uint64_t sequence) {
  write_record(record, sequence, [](unsigned) {});
}

struct RecordImage {
  std::uint64_t head, sequence, length, payload[payload_capacity], checksum, tail;
};

// Backwards, against the writer's order: a reader that followed a concurrent
// writer field by field could see only new fields; one going the other way
// meets it.
RecordImage read_record(const Record& record) {
  RecordImage image{};
  image.tail = record.tail.load();
  image.checksum = record.checksum.load();
  for (unsigned word = payload_capacity; word-- > 0;) image.payload[word] = record.payload[word].load();
  image.length = record.length.load();
  image.sequence = record.sequence.load();
  image.head = record.head.load();
  return image;
}

bool intact(const RecordImage& image) {
  const std::uint64_t sequence = image.sequence;
  if (image.head != stamp(sequence, head_tag) || image.tail != stamp(sequence, tail_tag)) return false;
  if (image.length != length_of(sequence) || image.checksum != checksum_of(sequence)) return false;
  for (unsigned word = 0; word < length_of(sequence); ++word)
    if (image.payload[word] != stamp(sequence, payload_tag + word)) return false;
  return true;
}

// Which record each field came from, runs of payload words merged:
// "head from record 12, sequence 12, length 1, payload[0] from record 4, ...".
std::string describe_tear(const RecordImage& image) {
  std::vector<std::uint64_t> seen;
  const auto origin = [&](std::uint64_t value, std::uint64_t tag) {
    if (const auto sequence = stamped_sequence(value, tag)) {
      seen.push_back(*sequence);
      return fmt::format("record {}", *sequence);
    }
    return fmt::format("no record ({:#x})", value);
  };
  std::string text = "head from " + origin(image.head, head_tag);
  text += fmt::format(", sequence {}, length {}", image.sequence, image.length);
  seen.push_back(image.sequence);
  const unsigned words =
      image.length >= 1 && image.length <= payload_capacity ? unsigned(image.length) : payload_capacity;
  for (unsigned first = 0; first < words;) {
    const std::string source = origin(image.payload[first], payload_tag + first);
    unsigned last = first;
    while (last + 1 < words && origin(image.payload[last + 1], payload_tag + last + 1) == source) ++last;
    text += first == last ? fmt::format(", payload[{}] from {}", first, source)
                          : fmt::format(", payload[{}..{}] from {}", first, last, source);
    first = last + 1;
  }
  const std::string tail = origin(image.tail, tail_tag);
  std::string checksum = fmt::format("checksum {:#x} of no record seen", image.checksum);
  for (const std::uint64_t sequence : seen)
    if (checksum_of(sequence) == image.checksum) {
      checksum = fmt::format("checksum of record {}", sequence);
      break;
    }
  return text + ", " + checksum + ", tail from " + tail;
}

// ---------------------------------------------------------------------------
// Semaphores

// sem_wait, announced to the watchdog only when it may block. False when the
// watchdog aborted the run meanwhile: the caller leaves at once.
bool take(Context& context, int worker, sem_t* semaphore, const char* what,
          std::atomic<std::uint64_t>& blocked) {
  // The other side usually posts within a microsecond or two, and a futex
  // sleep and wake-up costs tens: a short spin first, unless spinning would
  // take the CPU from the very process that must post.
  constexpr unsigned spin_limit = 256;
  unsigned spins = 0;
  while (::sem_trywait(semaphore) != 0) {
    if (errno != EAGAIN) fail(what);
    if (spins < spin_limit && !context.oversubscribed()) {
      context.spin_pause(spins);
      continue;
    }
    bump(blocked);
    context.enter_blocking(worker, what);
    int result;
    while ((result = ::sem_wait(semaphore)) != 0 && errno == EINTR) {
    }
    const int error = errno;
    context.leave_blocking(worker);
    if (result != 0) fail(what, error);
    break;
  }
  return !context.aborted();
}

void give(sem_t* semaphore, const char* what) {
  if (::sem_post(semaphore) != 0) fail(what);
}

int value_of(sem_t* semaphore) {
  int value = -1;
  ::sem_getvalue(semaphore, &value);
  return value;
}

void init_semaphore(sem_t* semaphore, int pshared, unsigned value, const char* name) {
  if (::sem_init(semaphore, pshared, value) != 0) fail(std::string("sem_init(") + name + ")");
}

// A named semaphore made by the launcher. Its workers open it by name, and
// the last of them to open it unlinks the name; the destructor unlinks it
// again for the paths where a worker never got that far.
class NamedSemaphore {
 public:
  NamedSemaphore(std::string name, unsigned value) : name_(std::move(name)) {
    semaphore_ = ::sem_open(name_.c_str(), O_CREAT | O_EXCL, 0600, value);
    if (semaphore_ == SEM_FAILED) fail("sem_open(" + name_ + ", O_CREAT | O_EXCL)");
  }
  ~NamedSemaphore() {
    ::sem_unlink(name_.c_str());
    ::sem_close(semaphore_);
  }
  NamedSemaphore(const NamedSemaphore&) = delete;
  NamedSemaphore& operator=(const NamedSemaphore&) = delete;

  sem_t* get() const { return semaphore_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  sem_t* semaphore_ = SEM_FAILED;
};

// ---------------------------------------------------------------------------
// Shared regions and worker processes

// One T in a region from shm_open + ftruncate + mmap(MAP_SHARED). The
// workers are forked after the mapping and inherit it, so nobody needs the
// name once it is mapped: it is unlinked at once, and nothing can be left in
// /dev/shm whatever happens to the processes later.
template <typename T>
class SharedRegion {
 public:
  explicit SharedRegion(const std::string& name) {
    const int fd = ::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) fail("shm_open(" + name + ")");
    ::shm_unlink(name.c_str());
    if (::ftruncate(fd, sizeof(T)) != 0) {
      const int error = errno;
      ::close(fd);
      fail("ftruncate(" + name + ")", error);
    }
    void* memory = ::mmap(nullptr, sizeof(T), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    const int error = errno;
    ::close(fd);
    if (memory == MAP_FAILED) fail("mmap(" + name + ")", error);
    try {
      object_ = new (memory) T();
    } catch (...) {
      ::munmap(memory, sizeof(T));
      throw;
    }
  }
  ~SharedRegion() {
    object_->~T();
    ::munmap(object_, sizeof(T));
  }
  SharedRegion(const SharedRegion&) = delete;
  SharedRegion& operator=(const SharedRegion&) = delete;

  T& operator*() const { return *object_; }

 private:
  T* object_ = nullptr;
};

// The watchdog calls its callbacks from its own thread, possibly while the
// variant tears down: they share ownership of what they touch.
template <typename T>
std::shared_ptr<SharedRegion<T>> make_region(Context& context, std::string_view what) {
  return std::make_shared<SharedRegion<T>>(context.object_name(what));
}

// The producer and consumer processes of a variant. A forked worker reports
// its errors through a shared page, since its Context's error list is its own
// copy; the launcher rethrows them as the variant's error.
class WorkerProcesses {
 public:
  explicit WorkerProcesses(Context& context) : context_(context) {
    void* memory =
        ::mmap(nullptr, sizeof(Reports), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) fail("mmap of the workers' reports");
    reports_ = new (memory) Reports();
  }
  ~WorkerProcesses() { ::munmap(reports_, sizeof(Reports)); }
  WorkerProcesses(const WorkerProcesses&) = delete;
  WorkerProcesses& operator=(const WorkerProcesses&) = delete;

  pid_t start(int worker, const char* role, const std::function<void()>& body) {
    if (worker < 0 || worker >= max_processes)
      throw std::invalid_argument("worker process index out of range");
    const pid_t launcher = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) fail(std::string("fork (") + role + ")");
    if (pid == 0) {
      // A worker whose launcher died would wait on a region nobody watches.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != launcher) ::_exit(1);
      context_.become_worker(worker);
      try {
        body();
      } catch (const std::exception& error) {
        report(worker, fmt::format("{} (pid {}): {}", role, ::getpid(), error.what()));
      } catch (...) {
        report(worker, fmt::format("{} (pid {}): an unknown exception", role, ::getpid()));
      }
      context_.finished(worker);
      // Never back into the harness: its stack and its threads are the launcher's.
      ::_exit(0);
    }
    context_.track_process(pid, role);
    processes_.push_back(Process{pid, worker, role, std::nullopt});
    return pid;
  }

  // How the process ended ("exited 0", "killed by SIGKILL"). A process that
  // died cannot mark its worker finished: this does, so the watchdog counts
  // only the live ones.
  std::string wait(pid_t pid) {
    for (auto& process : processes_) {
      if (process.pid != pid) continue;
      if (!process.ended) {
        process.ended = context_.wait_process(pid);
        if (*process.ended != "exited 0") context_.finished(process.worker);
      }
      return *process.ended;
    }
    throw std::invalid_argument("not a worker process of this variant");
  }

  // Waits for every process; a worker that died, unless the watchdog ended
  // it, is an error of the variant.
  void wait_all() {
    for (auto& process : processes_) {
      const bool waited = process.ended.has_value();
      const std::string ended = wait(process.pid);
      if (!waited && ended != "exited 0" && !context_.aborted())
        errors_.push_back(fmt::format("{} (pid {}) {}", process.role, process.pid, ended));
    }
  }

  void throw_errors() const {
    std::string text;
    for (const auto& error : errors_) text += (text.empty() ? "" : "; ") + error;
    for (int worker = 0; worker < max_processes; ++worker)
      if (reports_->error[worker][0] != '\0')
        text += (text.empty() ? "" : "; ") + std::string(reports_->error[worker]);
    if (!text.empty()) throw std::runtime_error(text);
  }

 private:
  static constexpr int max_processes = 2;
  struct Reports {
    char error[max_processes][400]{};
  };
  struct Process {
    pid_t pid;
    int worker;
    const char* role;
    std::optional<std::string> ended;
  };

  void report(int worker, const std::string& text) {
    const std::size_t length = std::min(text.size(), sizeof reports_->error[worker] - 1);
    std::memcpy(reports_->error[worker], text.data(), length);
    reports_->error[worker][length] = '\0';
  }

  Context& context_;
  Reports* reports_ = nullptr;
  std::vector<Process> processes_;
  std::vector<std::string> errors_;
};

void report_rate(Context& context, std::uint64_t records, std::int64_t started) {
  const double seconds = double(monotonic_ns() - started) * 1e-9;
  context.metric("records", double(records));
  context.metric("records_per_second", seconds > 0 ? double(records) / seconds : 0.0);
}

// ---------------------------------------------------------------------------
// The ring: N slots, `empty` counts the free ones, `full` the written ones.

constexpr unsigned ring_slots = 16;
constexpr std::uint64_t forget_every = 1000;

struct RingSemaphores {
  sem_t* empty;
  sem_t* full;
};

struct RingState {
  // A side that leaves says so and posts the other's semaphore: the other is
  // never left waiting for a slot or a record that will not come. A token
  // taken once the other side has left is such a wake-up, not a slot.
  alignas(64) std::atomic<int> producer_left{0};
  std::atomic<int> consumer_left{0};
  std::atomic<int> named_opened{0};
  alignas(64) std::atomic<std::uint64_t> written{0};  // the producer's last record
  std::atomic<std::uint64_t> unannounced{0};          // records whose sem_post(full) was forgotten
  std::atomic<std::uint64_t> last_unannounced{0};
  std::atomic<std::uint64_t> producer_blocked{0};     // sem_waits that had to sleep
  alignas(64) std::atomic<std::uint64_t> checked{0};  // the consumer's last record
  std::atomic<std::uint64_t> consumer_blocked{0};
  alignas(64) Record slots[ring_slots];
};

void produce_ring(Context& context, int worker, RingState& ring, RingSemaphores semaphores,
                  bool forget_posts) {
  std::uint64_t sequence = 0;
  while (!context.stopping()) {
    if (!take(context, worker, semaphores.empty, "sem_wait(empty)", ring.producer_blocked)) break;
    if (ring.consumer_left.load(memory_order_acquire) != 0) break;
    ++sequence;
    write_record(ring.slots[(sequence - 1) % ring_slots], sequence);
    ring.written.store(sequence, memory_order_relaxed);
    if (forget_posts && sequence % forget_every == 0) {
      bump(ring.unannounced);
      ring.last_unannounced.store(sequence, memory_order_relaxed);
    } else {
      give(semaphores.full, "sem_post(full)");
    }
    if ((sequence & 63) == 0) context.add_progress(worker, 64);
  }
  context.add_progress(worker, sequence & 63);
  ring.producer_left.store(1, memory_order_release);
  give(semaphores.full, "sem_post(full)");
}

void consume_ring(Context& context, int worker, RingState& ring, RingSemaphores semaphores) {
  std::uint64_t expected = 0;
  while (!context.stopping()) {
    if (!take(context, worker, semaphores.full, "sem_wait(full)", ring.consumer_blocked)) break;
    if (ring.producer_left.load(memory_order_acquire) != 0) break;
    ++expected;
    const unsigned slot = unsigned((expected - 1) % ring_slots);
    const RecordImage image = read_record(ring.slots[slot]);
    if (!intact(image)) {
      context.violation("torn record", fmt::format("slot {}, expecting record {}: {}", slot, expected,
                                                   describe_tear(image)));
    } else if (image.sequence != expected) {
      context.violation(
          "out of sequence",
          fmt::format("slot {}: expected record {}, found record {} whole ({})", slot, expected,
                      image.sequence,
                      image.sequence < expected ? "an older one: the slot was read before it was rewritten"
                                                : "a newer one: the producer overtook the consumer"));
    }
    ring.checked.store(expected, memory_order_relaxed);
    give(semaphores.empty, "sem_post(empty)");
    if ((expected & 63) == 0) context.add_progress(worker, 64);
  }
  context.add_progress(worker, expected & 63);
  ring.consumer_left.store(1, memory_order_release);
  give(semaphores.empty, "sem_post(empty)");
}

std::string describe_ring(const RingState& ring, RingSemaphores semaphores) {
  const std::uint64_t written = ring.written.load(memory_order_relaxed);
  const std::uint64_t checked = ring.checked.load(memory_order_relaxed);
  std::string text = fmt::format(
      "sem_getvalue: empty = {}, full = {} ({} slots); the producer wrote records 1..{}, the consumer "
      "checked 1..{}",
      value_of(semaphores.empty), value_of(semaphores.full), ring_slots, written, checked);
  if (const std::uint64_t unannounced = ring.unannounced.load(memory_order_relaxed); unannounced > 0)
    text += fmt::format(
        "; sem_post(full) was forgotten for {} records (one in {}, the last: record {}): `full` is {} tokens "
        "short, so {} of the {} slots never return to `empty`",
        unannounced, forget_every, ring.last_unannounced.load(memory_order_relaxed), unannounced,
        std::min<std::uint64_t>(unannounced, ring_slots), ring_slots);
  if (ring.producer_left.load(memory_order_relaxed) != 0) text += "; the producer has left";
  if (ring.consumer_left.load(memory_order_relaxed) != 0) text += "; the consumer has left";
  return text;
}

Context::HangHooks watch_ring(Context& context, std::shared_ptr<void> owner, const RingState& ring,
                              RingSemaphores semaphores) {
  return context.on_hang([owner, &ring, semaphores] { return describe_ring(ring, semaphores); },
                         [owner, semaphores] {
                           // One token each per call; the watchdog calls until every worker has left.
                           ::sem_post(semaphores.full);
                           ::sem_post(semaphores.empty);
                         });
}

void report_ring(Context& context, const RingState& ring, std::int64_t started) {
  report_rate(context, ring.checked.load(memory_order_relaxed), started);
  context.metric("producer_blocked_waits", double(ring.producer_blocked.load(memory_order_relaxed)));
  context.metric("consumer_blocked_waits", double(ring.consumer_blocked.load(memory_order_relaxed)));
  if (const std::uint64_t unannounced = ring.unannounced.load(memory_order_relaxed); unannounced > 0)
    context.metric("forgotten_posts", double(unannounced));
}

// A ring with unnamed semaphores: between processes in a shared region
// (pshared 1) or between threads of one process (pshared 0).
template <int pshared>
struct UnnamedRing {
  RingState ring;
  sem_t empty;
  sem_t full;
  UnnamedRing() {
    init_semaphore(&empty, pshared, ring_slots, "empty");
    init_semaphore(&full, pshared, 0, "full");
  }
  ~UnnamedRing() {
    ::sem_destroy(&full);
    ::sem_destroy(&empty);
  }
};
using PsharedRing = UnnamedRing<1>;

void run_ring_pshared(Context& context, bool forget_posts) {
  const auto region = make_region<PsharedRing>(context, "ring");
  PsharedRing& shared = **region;
  const RingSemaphores semaphores{&shared.empty, &shared.full};
  const auto hang_hooks = watch_ring(context, region, shared.ring, semaphores);
  const std::int64_t started = monotonic_ns();
  WorkerProcesses processes(context);
  processes.start(0, "producer", [&] { produce_ring(context, 0, shared.ring, semaphores, forget_posts); });
  processes.start(1, "consumer", [&] { consume_ring(context, 1, shared.ring, semaphores); });
  processes.wait_all();
  report_ring(context, shared.ring, started);
  processes.throw_errors();
}

// A worker's own handles, looked up by name as an unrelated process would
// (the handles inherited over fork are closed first: glibc would otherwise
// hand back the same mapping). Both sides have the semaphores once the second
// has opened them: that one unlinks the names.
RingSemaphores open_by_name(RingState& ring, const NamedSemaphore& empty, const NamedSemaphore& full) {
  ::sem_close(empty.get());
  ::sem_close(full.get());
  sem_t* own_empty = ::sem_open(empty.name().c_str(), 0);
  if (own_empty == SEM_FAILED) fail("sem_open(" + empty.name() + ")");
  sem_t* own_full = ::sem_open(full.name().c_str(), 0);
  if (own_full == SEM_FAILED) fail("sem_open(" + full.name() + ")");
  if (ring.named_opened.fetch_add(1, memory_order_acq_rel) + 1 == 2) {
    ::sem_unlink(empty.name().c_str());
    ::sem_unlink(full.name().c_str());
  }
  return {own_empty, own_full};
}

void run_ring_named(Context& context) {
  struct Owner {
    SharedRegion<RingState> region;
    NamedSemaphore empty, full;
    explicit Owner(Context& context)
        : region(context.object_name("ring")),
          empty(context.object_name("empty"), ring_slots),
          full(context.object_name("full"), 0) {}
  };
  const auto owner = std::make_shared<Owner>(context);
  RingState& ring = *owner->region;
  // The launcher keeps its own handles for the watchdog's report and wake-ups.
  const auto hang_hooks =
      watch_ring(context, owner, ring, RingSemaphores{owner->empty.get(), owner->full.get()});
  const std::int64_t started = monotonic_ns();
  WorkerProcesses processes(context);
  processes.start(0, "producer", [&] {
    produce_ring(context, 0, ring, open_by_name(ring, owner->empty, owner->full), false);
  });
  processes.start(1, "consumer",
                  [&] { consume_ring(context, 1, ring, open_by_name(ring, owner->empty, owner->full)); });
  processes.wait_all();
  report_ring(context, ring, started);
  processes.throw_errors();
}

void run_ring_threads(Context& context) {
  using ThreadRing = UnnamedRing<0>;
  const auto state = std::make_shared<ThreadRing>();
  const RingSemaphores semaphores{&state->empty, &state->full};
  const auto hang_hooks = watch_ring(context, state, state->ring, semaphores);
  const std::int64_t started = monotonic_ns();
  context.run_threads(2, [&](int worker) {
    if (worker == 0)
      produce_ring(context, worker, state->ring, semaphores, false);
    else
      consume_ring(context, worker, state->ring, semaphores);
  });
  report_ring(context, state->ring, started);
}

// ---------------------------------------------------------------------------
// The sensor: one reading, updated by the producer, read by the consumer.

enum class SensorProtocol {
  lock_only,   // a semaphore initialised to 1 used as a lock, nothing else
  data_ready,  // plus "ready" (posted after an update) and "consumed" (posted after a read)
};

struct SensorState {
  alignas(64) std::atomic<int> owner{-1};  // who holds the lock semaphore (0 producer, 1 consumer)
  std::atomic<std::uint64_t> inside{0};    // the update being written; 0 outside the critical section
  // Crash injection: during this update the producer stops after writing this
  // many fields of the record and waits to be killed (0: never).
  std::atomic<std::uint64_t> crash_at{0};
  std::atomic<std::uint64_t> crash_after_fields{0};
  std::atomic<int> producer_left{0};
  std::atomic<int> consumer_left{0};
  alignas(64) std::atomic<std::uint64_t> updated{0};  // the producer's last finished update
  std::atomic<std::uint64_t> producer_blocked{0};
  alignas(64) std::atomic<std::uint64_t> reads{0};
  std::atomic<std::uint64_t> last_read{0};  // the update the consumer read last
  std::atomic<std::uint64_t> early_reads{0};
  std::atomic<std::uint64_t> stale_reads{0};
  std::atomic<std::uint64_t> missed_updates{0};
  std::atomic<std::uint64_t> consumer_blocked{0};
  alignas(64) Record reading;

  // The initial reading is a whole record, sequence 0 ("never measured"), so
  // a read of it is told from a torn one.
  SensorState() { write_record(reading, 0); }
};

struct SensorRegion {
  SensorState sensor;
  sem_t lock;
  sem_t ready;
  sem_t consumed;  // 1 at first: no reading awaits the consumer
  SensorRegion() {
    init_semaphore(&lock, 1, 1, "lock");
    init_semaphore(&ready, 1, 0, "ready");
    init_semaphore(&consumed, 1, 1, "consumed");
  }
  ~SensorRegion() {
    ::sem_destroy(&consumed);
    ::sem_destroy(&ready);
    ::sem_destroy(&lock);
  }
};

const char* sensor_role(int worker) {
  return worker == 0 ? "producer" : "consumer";
}

void enter_critical_section(Context& context, SensorState& sensor, int worker) {
  const int before = sensor.owner.load(memory_order_relaxed);
  if (before != -1)
    context.violation("mutual exclusion", fmt::format("the {} took the lock semaphore while the {} held it",
                                                      sensor_role(worker), sensor_role(before)));
  sensor.owner.store(worker, memory_order_relaxed);
}

void leave_critical_section(Context& context, SensorState& sensor, int worker) {
  const int after = sensor.owner.load(memory_order_relaxed);
  if (after != worker)
    context.violation(
        "mutual exclusion",
        fmt::format("the {} found {} in the critical section it held", sensor_role(worker),
                    after == -1 ? std::string("nobody") : std::string("the ") + sensor_role(after)));
  sensor.owner.store(-1, memory_order_relaxed);
}

void produce_sensor(Context& context, int worker, SensorRegion& region, SensorProtocol protocol) {
  SensorState& sensor = region.sensor;
  const bool data_ready = protocol == SensorProtocol::data_ready;
  const std::uint64_t crash_at = sensor.crash_at.load(memory_order_relaxed);
  const std::uint64_t crash_after_fields = sensor.crash_after_fields.load(memory_order_relaxed);
  std::uint64_t update = 0;
  while (!context.stopping()) {
    if (data_ready) {
      if (!take(context, worker, &region.consumed, "sem_wait(consumed)", sensor.producer_blocked)) break;
      if (sensor.consumer_left.load(memory_order_acquire) != 0) break;
    }
    if (!take(context, worker, &region.lock, "sem_wait(lock)", sensor.producer_blocked)) break;
    ++update;
    enter_critical_section(context, sensor, worker);
    sensor.inside.store(update, memory_order_relaxed);
    if (update == crash_at) {
      // The launcher kills this process here, lock held, record half
      // written; it finishes normally only if the run stops first.
      write_record(sensor.reading, update, [&](unsigned written) {
        if (written != crash_after_fields) return;
        while (!context.stopping()) sleep_microseconds(100);
      });
    } else {
      write_record(sensor.reading, update);
    }
    sensor.inside.store(0, memory_order_relaxed);
    sensor.updated.store(update, memory_order_relaxed);
    leave_critical_section(context, sensor, worker);
    give(&region.lock, "sem_post(lock)");
    if (data_ready) give(&region.ready, "sem_post(ready)");
    if ((update & 63) == 0) context.add_progress(worker, 64);
  }
  context.add_progress(worker, update & 63);
  sensor.producer_left.store(1, memory_order_release);
  if (data_ready) give(&region.ready, "sem_post(ready)");
}

// `expect_new`: each read must be the update after the last one read, as if
// the lock were a queue.
void consume_sensor(Context& context, int worker, SensorRegion& region, SensorProtocol protocol,
                    bool expect_new) {
  SensorState& sensor = region.sensor;
  const bool data_ready = protocol == SensorProtocol::data_ready;
  std::uint64_t reads = 0;
  std::uint64_t last = 0;
  while (!context.stopping()) {
    if (data_ready) {
      if (!take(context, worker, &region.ready, "sem_wait(ready)", sensor.consumer_blocked)) break;
      if (sensor.producer_left.load(memory_order_acquire) != 0) break;
    }
    if (!take(context, worker, &region.lock, "sem_wait(lock)", sensor.consumer_blocked)) break;
    enter_critical_section(context, sensor, worker);
    const RecordImage image = read_record(sensor.reading);
    leave_critical_section(context, sensor, worker);
    give(&region.lock, "sem_post(lock)");
    ++reads;
    if (!intact(image)) {
      // The lock excludes: a torn reading is a real failure, hunted or not.
      context.violation("torn record",
                        fmt::format("read {} under the lock: {}", reads, describe_tear(image)));
    } else if (expect_new) {
      const std::uint64_t seen = image.sequence;
      if (seen == 0) {
        bump(sensor.early_reads);
        context.violation(
            "read before update",
            fmt::format("read {}: the consumer took the lock before the producer's first update and "
                        "read the initial reading (sequence 0): a lock says who is alone, not "
                        "whether there is anything new",
                        reads));
      } else if (seen == last) {
        bump(sensor.stale_reads);
        context.violation("stale read",
                          fmt::format("read {}: update {} again: the consumer took the lock twice "
                                      "between two updates",
                                      reads, seen));
      } else if (seen > last + 1) {
        bump(sensor.missed_updates);
        context.violation("missed update", fmt::format("read {}: update {} after update {}: {} updates were "
                                                       "overwritten unread",
                                                       reads, seen, last, seen - last - 1));
      } else if (seen < last) {
        context.violation(
            "out of sequence",
            fmt::format("read {}: update {} after update {}: the reading went back", reads, seen, last));
      }
    }
    if (intact(image)) last = image.sequence;
    sensor.reads.store(reads, memory_order_relaxed);
    sensor.last_read.store(last, memory_order_relaxed);
    if (data_ready) give(&region.consumed, "sem_post(consumed)");
    if ((reads & 63) == 0) context.add_progress(worker, 64);
  }
  context.add_progress(worker, reads & 63);
  sensor.consumer_left.store(1, memory_order_release);
  if (data_ready) give(&region.consumed, "sem_post(consumed)");
}

std::string describe_sensor(SensorRegion& region, SensorProtocol protocol) {
  const SensorState& sensor = region.sensor;
  std::string text = fmt::format("sem_getvalue: lock = {}", value_of(&region.lock));
  if (protocol == SensorProtocol::data_ready)
    text += fmt::format(", ready = {}, consumed = {}", value_of(&region.ready), value_of(&region.consumed));
  text += fmt::format("; the producer finished updates 1..{}", sensor.updated.load(memory_order_relaxed));
  if (const std::uint64_t inside = sensor.inside.load(memory_order_relaxed); inside != 0)
    text += fmt::format(" and was inside its critical section writing update {}", inside);
  text += fmt::format("; the consumer read {} times, last update {}", sensor.reads.load(memory_order_relaxed),
                      sensor.last_read.load(memory_order_relaxed));
  return text;
}

Context::HangHooks watch_sensor(Context& context, std::shared_ptr<SharedRegion<SensorRegion>> region,
                                SensorProtocol protocol, std::function<std::string()> more = {}) {
  return context.on_hang(
      [region, protocol, more] {
        std::string text = describe_sensor(**region, protocol);
        if (more) {
          const std::string extra = more();
          if (!extra.empty()) text = extra + "; " + text;
        }
        return text;
      },
      [region] {
        SensorRegion& shared = **region;
        ::sem_post(&shared.lock);
        ::sem_post(&shared.ready);
        ::sem_post(&shared.consumed);
      });
}

void report_sensor(Context& context, const SensorState& sensor, std::int64_t started) {
  report_rate(context, sensor.reads.load(memory_order_relaxed), started);
  context.metric("updates", double(sensor.updated.load(memory_order_relaxed)));
  context.metric("producer_blocked_waits", double(sensor.producer_blocked.load(memory_order_relaxed)));
  context.metric("consumer_blocked_waits", double(sensor.consumer_blocked.load(memory_order_relaxed)));
  context.metric("reads_before_update", double(sensor.early_reads.load(memory_order_relaxed)));
  context.metric("stale_reads", double(sensor.stale_reads.load(memory_order_relaxed)));
  context.metric("missed_updates", double(sensor.missed_updates.load(memory_order_relaxed)));
}

void run_sensor(Context& context, SensorProtocol protocol) {
  const auto region = make_region<SensorRegion>(context, "sensor");
  SensorRegion& shared = **region;
  const auto hang_hooks = watch_sensor(context, region, protocol);
  const std::int64_t started = monotonic_ns();
  WorkerProcesses processes(context);
  processes.start(0, "producer", [&] { produce_sensor(context, 0, shared, protocol); });
  processes.start(1, "consumer", [&] { consume_sensor(context, 1, shared, protocol, true); });
  processes.wait_all();
  report_sensor(context, shared.sensor, started);
  processes.throw_errors();
}

// The producer is killed (SIGKILL) inside its critical section, holding the
// lock semaphore: POSIX semaphores are not robust (no EOWNERDEAD as for a
// robust mutex), so its token is lost and the consumer waits forever.
void run_sensor_producer_killed(Context& context) {
  const auto region = make_region<SensorRegion>(context, "sensor");
  SensorRegion& shared = **region;
  SensorState& sensor = shared.sensor;
  // The crash point, from the seed: which update, how much of its record is
  // written, and how long after the producer got there the signal is sent.
  std::mt19937_64 random(context.seed());
  const std::uint64_t crash_at = 1 + random() % 2000;
  const std::uint64_t crash_after_fields = 1 + random() % fields_of(crash_at);
  const long delay_microseconds = long(random() % 500);
  sensor.crash_at.store(crash_at, memory_order_relaxed);
  sensor.crash_after_fields.store(crash_after_fields, memory_order_relaxed);

  struct Crash {
    std::mutex mutex;
    std::string text;
  };
  const auto crash = std::make_shared<Crash>();
  const auto hang_hooks = watch_sensor(context, region, SensorProtocol::lock_only, [crash] {
    std::lock_guard lock(crash->mutex);
    return crash->text;
  });
  const std::int64_t started = monotonic_ns();
  WorkerProcesses processes(context);
  const pid_t producer =
      processes.start(0, "producer", [&] { produce_sensor(context, 0, shared, SensorProtocol::lock_only); });
  processes.start(1, "consumer",
                  [&] { consume_sensor(context, 1, shared, SensorProtocol::lock_only, false); });

  // Polled, not spun: the launcher is no worker and must not take their CPUs.
  while (!context.stopping() && sensor.inside.load(memory_order_relaxed) != crash_at) sleep_microseconds(50);
  if (!context.stopping()) {
    sleep_microseconds(delay_microseconds);
    ::kill(producer, SIGKILL);
    const std::string ended = processes.wait(producer);
    const bool held = sensor.inside.load(memory_order_relaxed) == crash_at;
    std::string text;
    if (held)
      text = fmt::format(
          "the producer (worker 0, pid {}) was {} inside its critical section, during update {} after "
          "writing {} "
          "of its record's {} fields, holding the lock semaphore (sem_getvalue(lock) = {} after it died): "
          "nobody "
          "will ever post it (POSIX semaphores are not robust)",
          producer, ended, crash_at, crash_after_fields, fields_of(crash_at), value_of(&shared.lock));
    else
      text = fmt::format(
          "the producer (worker 0, pid {}) {} outside its critical section (the run stopped first)", producer,
          ended);
    context.note(text);
    std::lock_guard lock(crash->mutex);
    crash->text = std::move(text);
  }
  processes.wait_all();
  report_sensor(context, sensor, started);
  context.metric("crash_at_update", double(crash_at));
  processes.throw_errors();
}

// ---------------------------------------------------------------------------
// A two-flag lock between processes: raise yours, enter if the other's is
// down; worker 1 backs off when both are raised, worker 0 waits. Without a
// store-load fence between raising and looking, the store can wait in the
// core's store buffer while the load reads the other's flag as down: both
// enter (the SB shape, allowed by x86-TSO and ARM alike).

struct HandshakeState {
  struct alignas(64) Flag {
    std::atomic<int> raised{0};
  };
  Flag flags[2];
  alignas(64) std::atomic<int> owner{-1};
  ProtectedWord counter{0};
  alignas(64) std::atomic<std::uint64_t> entries[2]{};
  alignas(64) Record record;

  HandshakeState() { write_record(record, 0); }
};

void handshake_critical_section(Context& context, HandshakeState& state, int worker, std::uint64_t sequence) {
  const int before = state.owner.load(memory_order_relaxed);
  if (before != -1)
    context.violation("mutual exclusion", fmt::format("worker {} (pid {}) entered the critical section while "
                                                      "worker {} was in it",
                                                      worker, ::getpid(), before));
  state.owner.store(worker, memory_order_relaxed);
  const RecordImage previous = read_record(state.record);
  if (!intact(previous))
    context.violation("torn record", fmt::format("worker {} found the record torn on entering: {}", worker,
                                                 describe_tear(previous)));
  // A read-modify-write in two steps: two owners at once lose increments.
  state.counter.store(state.counter.load() + 1);
  write_record(state.record, sequence);
  const RecordImage mine = read_record(state.record);
  if (!intact(mine))
    context.violation("torn record", fmt::format("worker {} wrote record {} and read back a torn one: {}",
                                                 worker, sequence, describe_tear(mine)));
  else if (mine.sequence != sequence)
    context.violation("torn record",
                      fmt::format("worker {} wrote record {} and read back record {} whole: the "
                                  "other worker rewrote it inside the critical section",
                                  worker, sequence, mine.sequence));
  const int after = state.owner.load(memory_order_relaxed);
  if (after != worker)
    context.violation("mutual exclusion",
                      after == -1 ? fmt::format("another worker entered and left the critical section while "
                                                "worker {} held it",
                                                worker)
                                  : fmt::format("worker {} found worker {} in the critical section it held",
                                                worker, after));
  state.owner.store(-1, memory_order_relaxed);
}

void handshake_worker(Context& context, int worker, HandshakeState& state) {
  const int other = 1 - worker;
  std::uint64_t done = 0;
  while (!context.stopping()) {
    unsigned spins = 0;
    for (;;) {
      state.flags[worker].raised.store(1, memory_order_relaxed);
      // The bug: no std::atomic_thread_fence(seq_cst) here.
      // Acquire, as a correct two-flag lock needs: only the store-load
      // reordering (no fence) is left to break it.
      if (state.flags[other].raised.load(memory_order_acquire) == 0) break;
      if (worker == 1) state.flags[worker].raised.store(0, memory_order_relaxed);
      while (state.flags[other].raised.load(memory_order_relaxed) != 0 && !context.stopping())
        context.spin_pause(spins);
      if (context.stopping()) break;
    }
    if (context.stopping()) break;
    ++done;
    // Even records are worker 0's, odd ones worker 1's: a record read back
    // whole but not one's own was rewritten by the other.
    handshake_critical_section(context, state, worker, 2 * done + std::uint64_t(worker));
    state.flags[worker].raised.store(0, memory_order_release);
    if ((done & 255) == 0) context.add_progress(worker, 256);
  }
  state.flags[worker].raised.store(0, memory_order_release);
  context.add_progress(worker, done & 255);
  state.entries[worker].store(done, memory_order_relaxed);
}

void run_flag_handshake(Context& context) {
  const auto region = make_region<HandshakeState>(context, "handshake");
  HandshakeState& state = **region;
  const auto hang_hooks = context.on_hang(
      [region] {
        const HandshakeState& shared = **region;
        return fmt::format("flags raised: worker 0 = {}, worker 1 = {}; owner = {}; critical sections: {}",
                           shared.flags[0].raised.load(memory_order_relaxed),
                           shared.flags[1].raised.load(memory_order_relaxed),
                           shared.owner.load(memory_order_relaxed), shared.counter.load());
      },
      [] {});
  const std::int64_t started = monotonic_ns();
  WorkerProcesses processes(context);
  processes.start(0, "worker 0", [&] { handshake_worker(context, 0, state); });
  processes.start(1, "worker 1", [&] { handshake_worker(context, 1, state); });
  processes.wait_all();
  const std::uint64_t entries =
      state.entries[0].load(memory_order_relaxed) + state.entries[1].load(memory_order_relaxed);
  const std::uint64_t counted = state.counter.load();
  if (!context.aborted() && counted != entries)
    context.violation("lost increments",
                      fmt::format("the protected counter is {} after {} critical sections ({} "
                                  "lost)",
                                  counted, entries, std::int64_t(entries - counted)));
  report_rate(context, entries, started);
  context.metric("critical_sections", double(entries));
  processes.throw_errors();
}

// ---------------------------------------------------------------------------
// A record published by a relaxed sequence number, no semaphore: the MP
// shape. x86-TSO keeps stores in order and loads in order, so it is never
// seen there; ARM may satisfy the consumer's record loads before its load of
// `ready`, or make the producer's record stores visible after its store of
// `ready`. Two slots used in turn: a stale read shows the record two before.

constexpr unsigned message_slots = 2;

struct MessageState {
  alignas(64) std::atomic<std::uint64_t> ready{0};         // the last record published
  alignas(64) std::atomic<std::uint64_t> acknowledged{0};  // the last record read
  alignas(64) std::atomic<std::uint64_t> checked{0};       // consumer only
  std::atomic<std::uint64_t> stale{0};
  std::atomic<std::uint64_t> torn{0};
  alignas(64) Record slots[message_slots];

  MessageState() {
    for (auto& slot : slots) write_record(slot, 0);
  }
};

void publish_messages(Context& context, int worker, MessageState& state) {
  std::uint64_t sequence = 1;
  for (; !context.stopping(); ++sequence) {
    unsigned spins = 0;
    while (state.acknowledged.load(memory_order_relaxed) + 1 < sequence) {
      if (context.stopping()) break;
      context.spin_pause(spins);
    }
    if (context.stopping()) break;
    write_record(state.slots[sequence % message_slots], sequence);
    state.ready.store(sequence, memory_order_relaxed);  // the bug: relaxed, not release
    if ((sequence & 255) == 0) context.add_progress(worker, 256);
  }
  context.add_progress(worker, (sequence - 1) & 255);
}

void read_messages(Context& context, int worker, MessageState& state) {
  std::uint64_t sequence = 1;
  for (; !context.stopping(); ++sequence) {
    unsigned spins = 0;
    while (state.ready.load(memory_order_relaxed) < sequence) {  // the bug: relaxed, not acquire
      if (context.stopping()) break;
      context.spin_pause(spins);
    }
    if (context.stopping()) break;
    const unsigned slot = unsigned(sequence % message_slots);
    const RecordImage image = read_record(state.slots[slot]);
    if (!intact(image)) {
      bump(state.torn);
      context.violation("torn record", fmt::format("record {} (slot {}) after `ready` = {} was read: {}",
                                                   sequence, slot, sequence, describe_tear(image)));
    } else if (image.sequence != sequence) {
      bump(state.stale);
      context.violation(
          "stale record",
          fmt::format("record {}: slot {} still held record {} after `ready` = {} was read: the "
                      "relaxed flag did not order the record before it (the MP shape)",
                      sequence, slot, image.sequence, sequence));
    }
    state.checked.store(sequence, memory_order_relaxed);
    state.acknowledged.store(sequence, memory_order_relaxed);
    if ((sequence & 255) == 0) context.add_progress(worker, 256);
  }
  context.add_progress(worker, (sequence - 1) & 255);
}

void run_relaxed_flag_record(Context& context) {
  const auto region = make_region<MessageState>(context, "message");
  MessageState& state = **region;
  const auto hang_hooks = context.on_hang(
      [region] {
        const MessageState& shared = **region;
        return fmt::format("ready = {}, acknowledged = {}", shared.ready.load(memory_order_relaxed),
                           shared.acknowledged.load(memory_order_relaxed));
      },
      [] {});
  const std::int64_t started = monotonic_ns();
  WorkerProcesses processes(context);
  processes.start(0, "producer", [&] { publish_messages(context, 0, state); });
  processes.start(1, "consumer", [&] { read_messages(context, 1, state); });
  processes.wait_all();
  report_rate(context, state.checked.load(memory_order_relaxed), started);
  context.metric("stale_records", double(state.stale.load(memory_order_relaxed)));
  context.metric("torn_records", double(state.torn.load(memory_order_relaxed)));
  processes.throw_errors();
}

// ---------------------------------------------------------------------------

Variant shm_variant(std::string name, std::string description, Expectation expectation,
                    std::vector<std::string> hunted_on, std::function<void(Context&)> run) {
  return two_worker_variant("shm_semaphore", std::move(name), std::move(description), expectation,
                            std::move(hunted_on), false, std::move(run));
}

// The hunted bug needs the hardware to reorder (Variant::reordering).
Variant reordering(Variant variant) {
  variant.reordering = true;
  return variant;
}

const bool registered = [] {
  register_variant(shm_variant(
      "ring-pshared",
      "producer and consumer processes over a ring of 16 records in shm, semaphores empty/full in the region "
      "(sem_init pshared = 1); every record checked whole and in sequence",
      Expectation::correct, {}, [](Context& context) { run_ring_pshared(context, false); }));
  register_variant(shm_variant("ring-named",
                               "the same ring with named semaphores (sem_open), opened by name in each "
                               "process after fork, then unlinked",
                               Expectation::correct, {}, run_ring_named));
  register_variant(shm_variant("ring-threads",
                               "the same ring between two threads of one process, sem_init pshared = 0",
                               Expectation::correct, {}, run_ring_threads));
  register_variant(shm_variant(
      "sensor-semaphore-as-lock",
      "a semaphore initialised to 1 as the only lock around a reading: it excludes (never torn), but the "
      "consumer reads before any update or twice between updates",
      Expectation::hunted, {}, [](Context& context) { run_sensor(context, SensorProtocol::lock_only); }));
  register_variant(shm_variant(
      "sensor-data-ready",
      "the fix: the producer posts `ready` after each update, the consumer posts `consumed` after each read: "
      "every update read once, never stale, never torn",
      Expectation::correct, {}, [](Context& context) { run_sensor(context, SensorProtocol::data_ready); }));
  register_variant(shm_variant("ring-missing-post",
                               "the ring whose producer forgets sem_post(full) for one record in 1000: the "
                               "ring fills with records the "
                               "consumer cannot take, and both sides wait forever",
                               Expectation::hunted, {},
                               [](Context& context) { run_ring_pshared(context, true); }));
  register_variant(shm_variant("sensor-producer-killed",
                               "the producer is killed (SIGKILL) inside its critical section holding the "
                               "lock semaphore: POSIX semaphores "
                               "are not robust, the consumer waits forever",
                               Expectation::hunted, {}, run_sensor_producer_killed));
  register_variant(
      reordering(shm_variant("flag-handshake-no-fence",
                             "two processes, a two-flag lock in shm with no fence between raising one's "
                             "flag and reading the other's: "
                             "the store buffer lets both enter (the SB shape, on x86 and ARM)",
                             Expectation::hunted, {}, run_flag_handshake)));
  register_variant(reordering(shm_variant(
      "relaxed-flag-record",
      "a record published between processes by a relaxed sequence number, acknowledged by another: a stale "
      "record can be read (the MP shape: ARM allows it, x86 forbids it)",
      Expectation::hunted, {"aarch64"}, run_relaxed_flag_record)));
  return true;
}();

}  // namespace
}  // namespace mh::stress
