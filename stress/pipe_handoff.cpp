// The pipe-passed pointer handoff on real channels: producers build records,
// hand their addresses (or offsets) over a pipe, a socket, an eventfd-guarded
// slot or an atomic pointer, and the consumer checks every field before it
// frees the record. The same protocol as the model (models/pipe_handoff.cpp),
// plus the reorder hunters that real cores break: a relaxed pointer (the MP
// shape) and a wake-up flag without a fence (the SB shape).
//
// Records are ProtectedWords (relaxed atomics, plain words under
// ThreadSanitizer): they add no ordering of their own, so what the consumer
// sees is what the channel (the pipe's lock, the eventfd's, the pointer's
// orders) made visible.
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "stress/context.hpp"
#include "stress/protected_word.hpp"
#include "stress/variant.hpp"

namespace mh::stress {
namespace {

using std::memory_order;
using std::memory_order_acquire;
using std::memory_order_relaxed;
using std::memory_order_release;

constexpr int payload_words = 11;

// Two cache lines, so a record seen half-written shows as canaries that
// disagree, not only as a payload word.
struct alignas(64) Record {
  ProtectedWord head{0};
  ProtectedWord sequence{0};
  ProtectedWord producer{0};
  // What the producer saw of the message before this one (the wake-up
  // variants); it rides in the record because the producer learns it only
  // after publishing that message.
  ProtectedWord aux{0};
  ProtectedWord payload[payload_words]{};
  ProtectedWord tail{0};
};
static_assert(sizeof(Record) == 128, "a record is two cache lines");

// The canaries depend on the sequence number, so a record mixing two
// messages shows as torn, and an older message whole shows as stale.
constexpr std::uint64_t head_magic = 0x48454144'c0de5eedull;
constexpr std::uint64_t tail_magic = 0x5441494c'5eedc0deull;
// What the consumer leaves in a shared-memory record it hands back: a refill
// the consumer cannot see shows as this.
constexpr std::uint64_t freed_marker = 0xf7eef7eef7eef7eeull;

std::uint64_t head_of(std::uint64_t sequence) {
  return head_magic ^ sequence;
}
std::uint64_t tail_of(std::uint64_t sequence) {
  return tail_magic ^ (sequence * 0x9e3779b97f4a7c15ull);
}

std::uint64_t payload_of(std::uint64_t sequence, std::uint64_t producer, int word) {
  std::uint64_t x = sequence ^ (producer << 40) ^ (std::uint64_t(word) << 56);
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

void fill(Record& record, std::uint64_t producer, std::uint64_t sequence, std::uint64_t aux) {
  record.head.store(head_of(sequence));
  record.sequence.store(sequence);
  record.producer.store(producer);
  record.aux.store(aux);
  for (int word = 0; word < payload_words; ++word)
    record.payload[word].store(payload_of(sequence, producer, word));
  record.tail.store(tail_of(sequence));
}

// One read of every field, so the checks and the report speak of the same
// values.
struct Fields {
  std::uint64_t head, sequence, producer, aux, payload[payload_words], tail;
};

Fields read_fields(const Record& record) {
  Fields fields{};
  fields.head = record.head.load();
  fields.sequence = record.sequence.load();
  fields.producer = record.producer.load();
  fields.aux = record.aux.load();
  for (int word = 0; word < payload_words; ++word) fields.payload[word] = record.payload[word].load();
  fields.tail = record.tail.load();
  return fields;
}

// What disagrees with the record's own sequence number and producer; empty
// for a record that is one message whole.
std::string torn_fields(const Fields& fields) {
  std::string text;
  int wrong = 0;
  const auto compare = [&](const std::string& name, std::uint64_t seen, std::uint64_t expected) {
    if (seen == expected) return;
    if (++wrong <= 3)
      text += fmt::format("{}{} = {:#x}, not {:#x}", text.empty() ? "" : ", ", name, seen, expected);
  };
  compare("head canary", fields.head, head_of(fields.sequence));
  for (int word = 0; word < payload_words; ++word)
    compare(fmt::format("payload[{}]", word), fields.payload[word],
            payload_of(fields.sequence, fields.producer, word));
  compare("tail canary", fields.tail, tail_of(fields.sequence));
  if (wrong > 3) text += fmt::format(" ({} of {} fields wrong)", wrong, payload_words + 2);
  if (!text.empty()) text += fmt::format(" for the message number it holds, {}", fields.sequence);
  return text;
}

// The consumer's checks: every record whole, and each producer's messages
// in order with none missing (a pipe is FIFO and each producer's addresses
// arrive in the order it wrote them).
class SequenceChecker {
 public:
  // reuse_distance: a record comes back to its producer this many messages
  // later (a pool), so a stale record holds the message that many back.
  SequenceChecker(Context& context, std::string channel, int producers, std::uint64_t reuse_distance = 0)
      : context_(context),
        channel_(std::move(channel)),
        next_(static_cast<std::size_t>(producers), 1),
        reuse_distance_(reuse_distance) {}

  // False when the record is not the message expected.
  bool check(const Fields& fields) {
    if (fields.producer >= next_.size()) {
      context_.violation("torn or stale struct",
                         fmt::format("{}: a record names producer {}, there are {}; {}", channel_,
                                     fields.producer, next_.size(), describe(fields)));
      return false;
    }
    std::uint64_t& expected = next_[fields.producer];
    const std::string torn = torn_fields(fields);
    if (!torn.empty()) {
      context_.violation("torn or stale struct",
                         fmt::format("{}: producer {}'s next message, {}, arrived torn: {}", channel_,
                                     fields.producer, expected, torn));
      ++expected;
      return false;
    }
    if (fields.sequence != expected) {
      context_.violation(
          "sequence",
          fmt::format("{}: producer {}'s next message is {}, the consumer got {}: {}", channel_,
                      fields.producer, expected, fields.sequence, explain_gap(fields.sequence, expected)));
      expected = fields.sequence + 1;
      return false;
    }
    ++expected;
    return true;
  }

 private:
  std::string explain_gap(std::uint64_t seen, std::uint64_t expected) const {
    if (seen > expected)
      return fmt::format("{} messages skipped (lost, or delivered out of order)", seen - expected);
    if (reuse_distance_ > 0 && (expected - seen) % reuse_distance_ == 0)
      return fmt::format(
          "the record still holds message {}, its previous use, whole: the address arrived before "
          "the producer's writes to the record (stale)",
          seen);
    return fmt::format("an older message again, {} back (stale, or delivered twice)", expected - seen);
  }

  static std::string describe(const Fields& fields) {
    return fmt::format("sequence {:#x}, head {:#x}, tail {:#x}", fields.sequence, fields.head, fields.tail);
  }

  Context& context_;
  std::string channel_;
  std::vector<std::uint64_t> next_;
  std::uint64_t reuse_distance_;
};

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// A file descriptor closed with its owner.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    reset(std::exchange(other.fd_, -1));
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

Fd checked(int fd, const char* what) {
  if (fd < 0) throw_errno(what);
  return Fd(fd);
}

// Adds one to an eventfd's counter. It never blocks in practice (only a
// counter near 2^64 would), so the watchdog's thread may call it.
void post_eventfd(int fd) {
  const std::uint64_t one = 1;
  while (::write(fd, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

// The counter of an eventfd, read from /proc: read(2) would reset it.
std::string eventfd_count(int fd) {
  std::ifstream info("/proc/self/fdinfo/" + std::to_string(fd));
  std::string line;
  while (std::getline(info, line))
    if (line.rfind("eventfd-count:", 0) == 0) {
      const auto value = line.find_first_not_of(" \t", 14);
      return value == std::string::npos ? "?" : "0x" + line.substr(value);
    }
  return "?";
}

// Bytes written to a pipe or socket and not read yet.
long bytes_pending(int fd) {
  int bytes = 0;
  return ::ioctl(fd, FIONREAD, &bytes) == 0 ? bytes : -1;
}

// Sleeps until `fd` is ready for `events` or the watchdog posts `wake`;
// false when the run was aborted (the worker leaves).
bool wait_ready(Context& context, int worker, int fd, short events, int wake, const char* what) {
  pollfd fds[2] = {{fd, events, 0}, {wake, POLLIN, 0}};
  context.enter_blocking(worker, what);
  int ready;
  do {
    ready = ::poll(fds, 2, -1);
  } while (ready < 0 && errno == EINTR);
  const int error = errno;
  context.leave_blocking(worker);
  if (ready < 0) throw std::system_error(error, std::generic_category(), "poll");
  return !context.aborted();
}

// 8-byte words from a byte stream. The consumer asks for up to 64 words at a
// time and keeps the bytes of a word that did not arrive whole until the rest
// does. Now and then it asks for a byte count that is not a multiple of 8, as
// a reader with a fixed buffer and leftovers does, so that reads end inside a
// word on every run and the reassembly is exercised, not only when a signal
// or a writer's timing splits one (those are counted apart: "unprompted").
class WordReader {
 public:
  static constexpr std::size_t capacity = 64 * sizeof(std::uint64_t);

  explicit WordReader(std::uint64_t seed) : random_(seed * 0x9e3779b97f4a7c15ull | 1) {}

  // One read(2): the bytes read (their whole words passed to `take`), 0 at
  // the end of the stream, or -errno.
  template <typename Take>
  ssize_t read_once(int fd, Take&& take) {
    std::size_t wanted = capacity - held_;
    random_ ^= random_ << 13;
    random_ ^= random_ >> 7;
    random_ ^= random_ << 17;
    const bool odd_request = (random_ & 3) == 0;
    if (odd_request) wanted -= 1 + (random_ >> 8) % 7;
    const ssize_t got = ::read(fd, bytes_ + held_, wanted);
    if (got < 0) return -errno;
    if (got == 0) return 0;
    ++reads_;
    if (std::size_t(got) < wanted) ++short_reads_;
    const bool was_aligned = held_ == 0;
    held_ += std::size_t(got);
    // The words leave the buffer before `take` sees them: were it to throw,
    // no word would be taken twice by a later read.
    std::uint64_t words[capacity / sizeof(std::uint64_t)];
    const std::size_t count = held_ / sizeof(std::uint64_t);
    std::memcpy(words, bytes_, count * sizeof(std::uint64_t));
    held_ -= count * sizeof(std::uint64_t);
    if (held_ > 0) {
      ++partial_reads_;
      // The channel itself split a word: the reader asked for whole words
      // from a word boundary.
      if (!odd_request && was_aligned) ++unprompted_partial_reads_;
      std::memmove(bytes_, bytes_ + count * sizeof(std::uint64_t), held_);
    }
    held_shown_.store(held_, memory_order_relaxed);
    for (std::size_t i = 0; i < count; ++i) take(words[i]);
    return got;
  }

  std::size_t held() const { return held_shown_.load(memory_order_relaxed); }
  std::uint64_t reads() const { return reads_; }

  void report(Context& context) const {
    context.metric("reads", double(reads_));
    context.metric("short_reads", double(short_reads_));
    context.metric("partial_reads", double(partial_reads_));
    context.metric("unprompted_partial_reads", double(unprompted_partial_reads_));
  }

 private:
  unsigned char bytes_[capacity];
  std::size_t held_ = 0;
  std::atomic<std::size_t> held_shown_{0};  // for the watchdog's report
  std::uint64_t random_;
  std::uint64_t reads_ = 0, short_reads_ = 0, partial_reads_ = 0, unprompted_partial_reads_ = 0;
};

// Writes `count` bytes (at most PIPE_BUF: one atomic write on a pipe) to a
// non-blocking fd, sleeping while it is full. False when the run was aborted
// before the bytes went out.
bool write_bytes(Context& context, int worker, int fd, int wake, const void* data, std::size_t count,
                 bool atomic_channel, const char* what, std::uint64_t& waits) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::size_t done = 0;
  while (done < count) {
    const ssize_t wrote = ::write(fd, bytes + done, count - done);
    if (wrote > 0) {
      if (done == 0 && std::size_t(wrote) < count && atomic_channel)
        context.violation("non-atomic write",
                          fmt::format("a write of {} bytes to a pipe wrote {}: POSIX makes writes of at most "
                                      "PIPE_BUF bytes atomic",
                                      count, wrote));
      done += std::size_t(wrote);
      continue;
    }
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0 && errno != EAGAIN) throw_errno("write");
    ++waits;
    if (!wait_ready(context, worker, fd, POLLOUT, wake, what)) return false;
  }
  return true;
}

std::uint64_t address_word(const Record* record) {
  return reinterpret_cast<std::uintptr_t>(record);
}

// A word that cannot be a record's address (null, or not aligned like one)
// is reported, not followed. An aligned word mixed from two addresses would
// still be followed, and its crash reported by the supervisor: a heap
// address cannot be checked for cheaply without a registry that would
// serialise the producers.
Record* record_at(std::uint64_t word) {
  if (word == 0 || word % alignof(Record) != 0) return nullptr;
  // The address crossed the channel as bytes: there is no pointer to keep.
  return reinterpret_cast<Record*>(static_cast<std::uintptr_t>(word));  // NOLINT(performance-no-int-to-ptr)
}

struct alignas(64) PaddedCounter {
  std::atomic<std::uint64_t> value{0};
};

std::string join_counts(const PaddedCounter* counters, int count) {
  std::string text;
  for (int i = 0; i < count && i < 16; ++i)
    text += fmt::format("{}{}", i > 0 ? ", " : "", counters[i].value.load(memory_order_relaxed));
  if (count > 16) text += ", ...";
  return text;
}

// ---------------------------------------------------------------------------
// Addresses through a byte stream: a pipe (one producer or many) or an
// AF_UNIX stream socket. Every wait is a poll() that also watches an eventfd
// the watchdog posts: a producer blocked in write(2) on a full pipe could not
// otherwise be woken without taking addresses out of the pipe.

enum class Stream { pipe, socketpair };

void run_stream(Context& context, Stream kind, const char* channel) {
  const int producers = std::max(1, context.workers() - 1);
  const char* wait_readable = kind == Stream::pipe ? "poll(pipe readable)" : "poll(socket readable)";
  const char* wait_writable = kind == Stream::pipe ? "poll(pipe writable)" : "poll(socket writable)";

  // Shared with the watchdog's callbacks, which may outlive this function.
  struct State {
    explicit State(std::uint64_t seed, int producers) : reader(seed), sent(new PaddedCounter[producers]) {}
    Fd read_end;
    std::vector<Fd> write_ends;  // one per producer: the last close is the end of the stream
    Fd wake;
    WordReader reader;
    std::unique_ptr<PaddedCounter[]> sent;
    std::atomic<std::uint64_t> received{0};
    std::atomic<int> writers_open{0};
    std::atomic<std::uint64_t> producer_waits{0};
  };
  auto state = std::make_shared<State>(context.seed(), producers);
  int ends[2];
  if (kind == Stream::pipe) {
    if (::pipe2(ends, O_NONBLOCK | O_CLOEXEC) != 0) throw_errno("pipe2");
  } else if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, ends) != 0) {
    throw_errno("socketpair");
  }
  state->read_end = Fd(ends[0]);
  Fd write_end(ends[1]);
  for (int producer = 0; producer < producers; ++producer) {
    // dup, not fcntl(F_DUPFD_CLOEXEC): ThreadSanitizer's fd model follows dup only.
    state->write_ends.push_back(checked(::dup(write_end.get()), "dup"));
    if (::fcntl(state->write_ends.back().get(), F_SETFD, FD_CLOEXEC) != 0) throw_errno("fcntl(F_SETFD)");
  }
  write_end.reset();
  state->writers_open.store(producers, memory_order_relaxed);
  state->wake = checked(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), "eventfd");

  const auto hang_hooks = context.on_hang(
      [state, producers, channel] {
        return fmt::format(
            "{}: {} records received; sent per producer: {}; {} bytes in the channel (FIONREAD), "
            "{} bytes of a partial address held by the consumer; {} of {} write ends open",
            channel, state->received.load(memory_order_relaxed), join_counts(state->sent.get(), producers),
            bytes_pending(state->read_end.get()), state->reader.held(),
            state->writers_open.load(memory_order_relaxed), producers);
      },
      [state] { post_eventfd(state->wake.get()); });

  std::uint64_t consumer_waits = 0;
  context.run_threads(1 + producers, [&](int worker) {
    if (worker > 0) {
      const int producer = worker - 1;
      // Closed however the producer leaves: the consumer reads until every
      // producer has closed its end.
      struct WriteEnd {
        Fd fd;
        std::atomic<int>& writers_open;
        ~WriteEnd() {
          fd.reset();
          writers_open.fetch_sub(1, memory_order_relaxed);
        }
      } out{std::move(state->write_ends[static_cast<std::size_t>(producer)]), state->writers_open};
      std::uint64_t waits = 0;
      for (std::uint64_t sequence = 1; !context.stopping(); ++sequence) {
        auto* record = new Record;
        fill(*record, std::uint64_t(producer), sequence, 0);
        const std::uint64_t word = address_word(record);
        if (!write_bytes(context, worker, out.fd.get(), state->wake.get(), &word, sizeof word,
                         kind == Stream::pipe, wait_writable, waits)) {
          delete record;
          break;
        }
        state->sent[producer].value.store(sequence, memory_order_relaxed);
      }
      state->producer_waits.fetch_add(waits, memory_order_relaxed);
      return;
    }
    SequenceChecker checker(context, channel, producers);
    std::uint64_t received = 0;
    const auto take = [&](std::uint64_t word) {
      Record* record = record_at(word);
      if (record == nullptr) {
        context.violation(
            "torn address",
            fmt::format("{}: the consumer assembled {:#x} from the stream, not the address of a record "
                        "(bytes of different addresses mixed, or lost)",
                        channel, word));
        return;
      }
      checker.check(read_fields(*record));
      delete record;
      ++received;
      state->received.store(received, memory_order_relaxed);
      if ((received & 63) == 0) context.add_progress(worker, 64);
    };
    for (;;) {
      const ssize_t got = state->reader.read_once(state->read_end.get(), take);
      if (got > 0) continue;
      if (got == 0) break;  // every write end closed: the producers stopped
      if (got != -EAGAIN && got != -EINTR)
        throw std::system_error(int(-got), std::generic_category(), "read");
      ++consumer_waits;
      if (!wait_ready(context, worker, state->read_end.get(), POLLIN, state->wake.get(), wait_readable))
        break;
    }
    context.add_progress(worker, received & 63);
  });

  // After an abort the stream may still hold whole addresses: freed unchecked.
  std::uint64_t left_over = 0;
  while (state->reader.read_once(state->read_end.get(), [&](std::uint64_t word) {
    if (Record* record = record_at(word)) delete record;
    ++left_over;
  }) > 0) {
  }
  const std::uint64_t received = state->received.load(memory_order_relaxed);
  context.metric("handoffs", double(received));
  context.metric("handoffs_per_second", double(received) / std::max(1e-9, context.elapsed_seconds()));
  context.metric("producers", producers);
  state->reader.report(context);
  context.metric("addresses_per_read",
                 state->reader.reads() > 0 ? double(received) / double(state->reader.reads()) : 0);
  context.metric("consumer_waits", double(consumer_waits));
  context.metric("producer_waits", double(state->producer_waits.load(memory_order_relaxed)));
  if (left_over > 0) context.metric("left_in_channel", double(left_over));
}

// ---------------------------------------------------------------------------
// One slot and two eventfds: the producer stores the address with a relaxed
// store and writes "ready"; the consumer blocks in read("ready"), takes the
// slot with a relaxed load and writes "ack". The eventfds' syscalls (their
// counter is updated under the eventfd's lock) are all that order the record.

void run_eventfd_slot(Context& context) {
  struct State {
    std::atomic<Record*> slot{nullptr};
    Fd ready, ack;
    std::atomic<std::uint64_t> sent{0}, received{0};
  };
  auto state = std::make_shared<State>();
  state->ready = checked(::eventfd(0, EFD_CLOEXEC), "eventfd");
  state->ack = checked(::eventfd(0, EFD_CLOEXEC), "eventfd");
  const auto hang_hooks = context.on_hang(
      [state] {
        return fmt::format("{} sent, {} received; slot {}; ready eventfd count {}, ack eventfd count {}",
                           state->sent.load(memory_order_relaxed), state->received.load(memory_order_relaxed),
                           state->slot.load(memory_order_relaxed) != nullptr ? "full" : "empty",
                           eventfd_count(state->ready.get()), eventfd_count(state->ack.get()));
      },
      [state] {
        post_eventfd(state->ready.get());
        post_eventfd(state->ack.get());
      });
  // Blocks in read(2) of an eventfd; false when the run was aborted.
  const auto await = [&](int worker, const Fd& fd, const char* what) {
    std::uint64_t count = 0;
    context.enter_blocking(worker, what);
    ssize_t got;
    do {
      got = ::read(fd.get(), &count, sizeof count);
    } while (got < 0 && errno == EINTR);
    const int error = errno;
    context.leave_blocking(worker);
    if (got != ssize_t(sizeof count))
      throw std::system_error(error, std::generic_category(), "read(eventfd)");
    return !context.aborted();
  };
  context.run_threads(2, [&](int worker) {
    if (worker == 1) {
      for (std::uint64_t sequence = 1; !context.stopping(); ++sequence) {
        auto* record = new Record;
        fill(*record, 0, sequence, 0);
        state->slot.store(record, memory_order_relaxed);
        post_eventfd(state->ready.get());
        state->sent.store(sequence, memory_order_relaxed);
        if (!await(worker, state->ack, "read(eventfd ack)")) return;
      }
      // An empty slot with "ready" is the end: the consumer's read returns.
      post_eventfd(state->ready.get());
      return;
    }
    SequenceChecker checker(context, "eventfd-slot", 1);
    std::uint64_t received = 0;
    for (;;) {
      if (!await(worker, state->ready, "read(eventfd ready)")) break;
      Record* record = state->slot.load(memory_order_relaxed);
      if (record == nullptr) break;
      state->slot.store(nullptr, memory_order_relaxed);
      checker.check(read_fields(*record));
      delete record;
      ++received;
      state->received.store(received, memory_order_relaxed);
      post_eventfd(state->ack.get());
      if ((received & 63) == 0) context.add_progress(worker, 64);
    }
    context.add_progress(worker, received & 63);
  });
  delete state->slot.exchange(nullptr, memory_order_relaxed);
  const std::uint64_t received = state->received.load(memory_order_relaxed);
  context.metric("handoffs", double(received));
  context.metric("handoffs_per_second", double(received) / std::max(1e-9, context.elapsed_seconds()));
}

// ---------------------------------------------------------------------------
// One slot, no syscall: an atomic pointer stored by the producer and taken
// (set back to null) by the consumer, both sides spinning. The records come
// from a small pool that the producer refills round-robin, so a consumer
// that sees the address before the producer's writes to the record reads the
// record's previous message, whole or in part, never unowned memory.

void run_pointer_slot(Context& context, memory_order publish, memory_order observe) {
  static constexpr std::uint64_t pool_size = 4;  // at least 2: see the consumer's early release of the slot
  struct State {
    alignas(64) std::atomic<Record*> slot{nullptr};
    alignas(64) std::atomic<std::uint64_t> published{0};
    alignas(64) std::atomic<std::uint64_t> received{0};
    Record pool[pool_size];
  };
  auto state = std::make_shared<State>();
  for (std::uint64_t index = 0; index < pool_size; ++index) fill(state->pool[index], 0, 0, 0);
  const char* channel = publish == memory_order_relaxed ? "relaxed-pointer" : "release-acquire-pointer";
  const auto hang_hooks = context.on_hang(
      [state] {
        const Record* record = state->slot.load(memory_order_relaxed);
        return fmt::format(
            "{} published, {} received; slot {}", state->published.load(memory_order_relaxed),
            state->received.load(memory_order_relaxed),
            record != nullptr ? fmt::format("holds pool record {}", record - state->pool) : "empty");
      },
      [] {});
  std::uint64_t producer_spins = 0, consumer_spins = 0;
  context.run_threads(2, [&](int worker) {
    unsigned spins = 0;
    if (worker == 1) {
      for (std::uint64_t sequence = 1; !context.stopping(); ++sequence) {
        while (state->slot.load(observe) != nullptr && !context.stopping()) context.spin_pause(spins);
        if (context.stopping()) break;
        Record& record = state->pool[sequence % pool_size];
        fill(record, 0, sequence, 0);
        state->slot.store(&record, publish);
        state->published.store(sequence, memory_order_relaxed);
      }
      producer_spins = spins;
      return;
    }
    SequenceChecker checker(context, channel, 1, pool_size);
    std::uint64_t received = 0;
    while (!context.stopping()) {
      Record* record;
      while ((record = state->slot.load(observe)) == nullptr && !context.stopping())
        context.spin_pause(spins);
      if (record == nullptr) break;
      // Released before the checks, so the producer fills the next record
      // meanwhile: it comes back to this one only after the consumer has
      // released the slot again, which follows these checks.
      state->slot.store(nullptr, publish);
      const std::ptrdiff_t index = record - state->pool;
      if (index < 0 || index >= std::ptrdiff_t(pool_size)) {
        context.violation("torn or stale struct",
                          fmt::format("{}: the slot held {}, not a record of the pool", channel,
                                      static_cast<const void*>(record)));
        continue;
      }
      checker.check(read_fields(*record));
      ++received;
      state->received.store(received, memory_order_relaxed);
      if ((received & 255) == 0) context.add_progress(worker, 256);
    }
    context.add_progress(worker, received & 255);
    consumer_spins = spins;
  });
  const std::uint64_t received = state->received.load(memory_order_relaxed);
  context.metric("handoffs", double(received));
  context.metric("handoffs_per_second", double(received) / std::max(1e-9, context.elapsed_seconds()));
  context.metric("producer_spins", double(producer_spins));
  context.metric("consumer_spins", double(consumer_spins));
}

// ---------------------------------------------------------------------------
// Across processes: a forked producer process fills records in a shared
// region (shm_open + mmap, mapped by each process at its own address) and
// sends their OFFSETS through a pipe; the consumer checks them and returns
// the offsets through a second pipe. An address would mean nothing in the
// other process.

constexpr std::uint64_t region_header_bytes = 128;
constexpr std::uint64_t region_records =
    1024;  // far fewer offsets than either pipe holds: no write waits for room
constexpr std::uint64_t region_bytes = region_header_bytes + region_records * sizeof(Record);
// The producer's first word: it has mapped the region, its name can go.
constexpr std::uint64_t mapped_word = ~std::uint64_t(0);

struct RegionHeader {
  std::atomic<std::uint64_t> sent{0};  // written by the producer process
  std::atomic<std::uint64_t> producer_waits{0};
};
static_assert(sizeof(RegionHeader) <= region_header_bytes);
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "the header is shared between processes");

class Mapping {
 public:
  Mapping(int fd, std::size_t bytes) : bytes_(bytes) {
    address_ = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (address_ == MAP_FAILED) throw_errno("mmap");
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() { unmap(); }

  void unmap() {
    if (address_ != MAP_FAILED) ::munmap(address_, bytes_);
    address_ = MAP_FAILED;
  }
  RegionHeader& header() const { return *static_cast<RegionHeader*>(address_); }
  // Null for a word that is not the offset of a record.
  Record* record(std::uint64_t offset) const {
    if (offset < region_header_bytes || offset >= region_bytes ||
        (offset - region_header_bytes) % sizeof(Record) != 0)
      return nullptr;
    return reinterpret_cast<Record*>(static_cast<char*>(address_) + offset);
  }
  static std::uint64_t offset_of(std::uint64_t index) { return region_header_bytes + index * sizeof(Record); }

 private:
  void* address_ = MAP_FAILED;
  std::size_t bytes_;
};

struct ProcessChannels {
  std::string name;                // of the shared-memory object
  Fd offsets_read, offsets_write;  // producer -> consumer
  Fd free_read, free_write;        // consumer -> producer
  Fd wake;
  std::atomic<std::uint64_t> received{0};  // by the consumer, for the watchdog's report
};

// The producer process's work, until the stop, an abort, or the consumer's
// process gone.
void produce_offsets(Context& context, ProcessChannels& channels, Mapping& inherited, int worker) {
  // Its own mapping, as an unrelated process would make it: at another
  // address than the parent's, so only offsets mean the same on both sides.
  Fd object =
      checked(::shm_open(channels.name.c_str(), O_RDWR | O_CLOEXEC, 0), "shm_open in the producer process");
  Mapping region(object.get(), region_bytes);
  object.reset();
  inherited.unmap();
  std::uint64_t waits = 0;
  if (!write_bytes(context, worker, channels.offsets_write.get(), channels.wake.get(), &mapped_word,
                   sizeof mapped_word, true, "poll(offset pipe writable)", waits))
    return;
  std::vector<std::uint64_t> free_offsets;
  for (std::uint64_t index = region_records; index-- > 0;) free_offsets.push_back(Mapping::offset_of(index));
  WordReader returned(context.seed() + 1);
  for (std::uint64_t sequence = 1; !context.stopping(); ++sequence) {
    while (free_offsets.empty() && !context.stopping()) {
      const ssize_t got = returned.read_once(channels.free_read.get(),
                                             [&](std::uint64_t offset) { free_offsets.push_back(offset); });
      if (got > 0) continue;
      if (got == 0) return;  // the consumer's process is gone
      if (got != -EAGAIN && got != -EINTR)
        throw std::system_error(int(-got), std::generic_category(), "read");
      region.header().producer_waits.store(++waits, memory_order_relaxed);
      if (!wait_ready(context, worker, channels.free_read.get(), POLLIN, channels.wake.get(),
                      "poll(free-offset pipe)"))
        return;
    }
    if (free_offsets.empty()) break;
    const std::uint64_t offset = free_offsets.back();
    free_offsets.pop_back();
    Record* record = region.record(offset);
    if (record == nullptr) {
      context.violation("torn offset",
                        fmt::format("cross-process: the consumer returned {:#x}, not the offset of a "
                                    "record (the region holds {} records of {} bytes after a {}-byte "
                                    "header)",
                                    offset, region_records, sizeof(Record), region_header_bytes));
      --sequence;
      continue;
    }
    fill(*record, 0, sequence, 0);
    if (!write_bytes(context, worker, channels.offsets_write.get(), channels.wake.get(), &offset,
                     sizeof offset, true, "poll(offset pipe writable)", waits))
      return;
    region.header().sent.store(sequence, memory_order_relaxed);
  }
}

[[noreturn]] void producer_process(Context& context, ProcessChannels& channels, Mapping& inherited) {
  constexpr int worker = 1;
  int status = 0;
  try {
    context.become_worker(worker);
    channels.offsets_read.reset();
    channels.free_write.reset();
    produce_offsets(context, channels, inherited, worker);
  } catch (const std::exception& error) {
    context.violation("producer process",
                      fmt::format("cross-process: the producer process failed: {}", error.what()));
    status = 1;
  } catch (...) {
    status = 1;
  }
  // The end of the offsets: the consumer's read returns 0.
  channels.offsets_write.reset();
  context.finished(worker);
  // Never return into the parent's stack, nor run its exit handlers.
  ::_exit(status);
}

void run_cross_process(Context& context) {
  auto channels = std::make_shared<ProcessChannels>();
  channels->name = context.object_name("records");
  Fd object =
      checked(::shm_open(channels->name.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600), "shm_open");
  if (::ftruncate(object.get(), off_t(region_bytes)) != 0) throw_errno("ftruncate");
  auto region = std::make_shared<Mapping>(object.get(), region_bytes);
  object.reset();
  new (&region->header()) RegionHeader();
  for (std::uint64_t index = 0; index < region_records; ++index) {
    Record* record = new (region->record(Mapping::offset_of(index))) Record();
    record->head.store(freed_marker);
  }
  int ends[2];
  if (::pipe2(ends, O_NONBLOCK | O_CLOEXEC) != 0) throw_errno("pipe2");
  channels->offsets_read = Fd(ends[0]);
  channels->offsets_write = Fd(ends[1]);
  if (::pipe2(ends, O_NONBLOCK | O_CLOEXEC) != 0) throw_errno("pipe2");
  channels->free_read = Fd(ends[0]);
  channels->free_write = Fd(ends[1]);
  // Every record's offset must fit in the free-offset pipe, or a consumer
  // returning offsets after the producer left would wait forever. Pipes are
  // 64 KiB by default, one page for a user over pipe-user-pages-soft.
  constexpr int least_free_pipe = int(region_records * sizeof(std::uint64_t));
  if (::fcntl(channels->free_write.get(), F_GETPIPE_SZ) < least_free_pipe &&
      ::fcntl(channels->free_write.get(), F_SETPIPE_SZ, least_free_pipe) < least_free_pipe)
    throw std::runtime_error("the free-offset pipe cannot hold " + std::to_string(least_free_pipe) +
                             " bytes (F_SETPIPE_SZ refused: pipe-user-pages-soft reached?)");
  channels->wake = checked(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), "eventfd");

  const pid_t pid = ::fork();
  if (pid < 0) throw_errno("fork");
  if (pid == 0) producer_process(context, *channels, *region);
  context.track_process(pid, "producer");
  // Only the producer's end may stay open, or its close would not end the
  // stream. The free-offset pipe's read end stays: a write to it never fails
  // with EPIPE, even after the producer left.
  channels->offsets_write.reset();

  bool unlinked = false;
  const auto hang_hooks = context.on_hang(
      [channels, region] {
        return fmt::format(
            "cross-process: {} sent by the producer process, {} received; {} bytes in the offset "
            "pipe, {} in the free-offset pipe; the producer waited {} times for a free record",
            region->header().sent.load(memory_order_relaxed), channels->received.load(memory_order_relaxed),
            bytes_pending(channels->offsets_read.get()), bytes_pending(channels->free_read.get()),
            region->header().producer_waits.load(memory_order_relaxed));
      },
      [channels] { post_eventfd(channels->wake.get()); });

  WordReader reader(context.seed());
  std::uint64_t consumer_waits = 0, return_waits = 0;
  context.run_threads(1, [&](int worker) {
    SequenceChecker checker(context, "cross-process", 1);
    std::vector<std::uint64_t> returning;
    returning.reserve(WordReader::capacity / sizeof(std::uint64_t));
    std::uint64_t count = 0;
    const auto take = [&](std::uint64_t word) {
      if (word == mapped_word) {
        // Both processes have it mapped: the name is no longer needed.
        if (!unlinked) ::shm_unlink(channels->name.c_str());
        unlinked = true;
        return;
      }
      Record* record = region->record(word);
      if (record == nullptr) {
        context.violation(
            "torn offset",
            fmt::format("cross-process: the consumer assembled {:#x} from the offset pipe, not the "
                        "offset of a record",
                        word));
        return;
      }
      checker.check(read_fields(*record));
      // A refill the consumer cannot see then shows as this marker.
      record->head.store(freed_marker);
      returning.push_back(word);
      ++count;
      channels->received.store(count, memory_order_relaxed);
      if ((count & 63) == 0) context.add_progress(worker, 64);
    };
    for (;;) {
      const ssize_t got = reader.read_once(channels->offsets_read.get(), take);
      if (!returning.empty()) {
        // At most 64 words, 512 bytes: one atomic write.
        if (!write_bytes(context, worker, channels->free_write.get(), channels->wake.get(), returning.data(),
                         returning.size() * sizeof(std::uint64_t), true, "poll(free-offset pipe writable)",
                         return_waits))
          break;
        returning.clear();
      }
      if (got > 0) continue;
      if (got == 0) break;  // the producer process closed its end
      if (got != -EAGAIN && got != -EINTR)
        throw std::system_error(int(-got), std::generic_category(), "read");
      ++consumer_waits;
      if (!wait_ready(context, worker, channels->offsets_read.get(), POLLIN, channels->wake.get(),
                      "poll(offset pipe readable)"))
        break;
    }
    context.add_progress(worker, count & 63);
  });
  const std::string producer_exit = context.wait_process(pid);
  // The harness removes it too, whatever happens; this covers a producer
  // that never said it had mapped the region.
  if (!unlinked) ::shm_unlink(channels->name.c_str());
  const std::uint64_t count = channels->received.load(memory_order_relaxed);
  context.metric("handoffs", double(count));
  context.metric("handoffs_per_second", double(count) / std::max(1e-9, context.elapsed_seconds()));
  reader.report(context);
  context.metric("consumer_waits", double(consumer_waits));
  context.metric("producer_waits", double(region->header().producer_waits.load(memory_order_relaxed)));
  if (producer_exit != "exited 0" && !context.aborted())
    throw std::runtime_error("cross-process: the producer process " + producer_exit);
}

// ---------------------------------------------------------------------------
// "Wake the consumer only if it sleeps": the consumer announces that it is
// about to sleep, then looks at the slot; the producer fills the slot, then
// looks at the announcement and writes a wake-up byte into a pipe only if
// the consumer said it sleeps. Each side stores, then loads the other's
// location: without a store-load fence both loads can miss the other's store
// (the SB shape, allowed by x86's store buffer and by ARM), and the consumer
// sleeps on a message nobody will wake it for.
//
// The check is exact, not a timeout: the announcement is a number, 2r+1 for
// the consumer's round r of "announce, look"; a round that finds a message
// then writes 2r+2 ("awake"). The producer passes the value it read for
// message k inside message k+1. If it read 2s (the value just before round
// s's announcement) and the consumer's round s found the slot empty while
// waiting for message k, each load read a value older than the other side's
// store: a lost wake-up, whatever the timing.

constexpr int wakeup_poll_ms = 1;  // only keeps a run moving past a lost wake-up

// The consumer's rounds that looked and found no message, while it waited
// for one message.
struct EmptyRounds {
  std::uint64_t message = 0;
  std::uint64_t first = 0, last = 0;
  bool any = false;

  bool contains(std::uint64_t round) const { return any && round >= first && round <= last; }
};

void check_wakeup(Context& context, const EmptyRounds& rounds, std::uint64_t producer_view, bool fenced,
                  std::uint64_t& lost) {
  if ((producer_view & 1) != 0 || !rounds.contains(producer_view / 2)) return;
  ++lost;
  const std::uint64_t round = producer_view / 2;
  context.violation(
      "lost wake-up",
      fmt::format(
          "message {}: the consumer announced sleep (round {}, sleeping = {}) and then saw the slot empty; "
          "the producer stored message {} and then read sleeping = {} (awake, the value before that "
          "announcement), so it sent no wake-up. Each load missed the other side's earlier store (the SB "
          "shape{}); the consumer slept with no wake-up coming",
          rounds.message, round, 2 * round + 1, rounds.message, producer_view,
          fenced ? ", which the seq_cst fences should forbid" : ": no store-load fence on either side"));
}

void run_wakeup_flag(Context& context, bool fenced) {
  struct State {
    alignas(64) std::atomic<Record*> slot{nullptr};
    alignas(64) std::atomic<std::uint64_t> sleeping{0};
    alignas(64) std::atomic<std::uint64_t> sent{0};
    std::atomic<std::uint64_t> received{0};
    std::atomic<std::uint64_t> wakeups_sent{0};
    Fd wake_read, wake_write;
  };
  auto state = std::make_shared<State>();
  int ends[2];
  if (::pipe2(ends, O_NONBLOCK | O_CLOEXEC) != 0) throw_errno("pipe2");
  state->wake_read = Fd(ends[0]);
  state->wake_write = Fd(ends[1]);
  // A full wake-up pipe already wakes the consumer: a failed write is fine.
  const auto send_wakeup = [](const State& s) {
    const char byte = 1;
    while (::write(s.wake_write.get(), &byte, 1) < 0 && errno == EINTR) {
    }
  };
  const auto hang_hooks = context.on_hang(
      [state] {
        const std::uint64_t sleeping = state->sleeping.load(memory_order_relaxed);
        return fmt::format(
            "{} sent, {} received; slot {}; sleeping = {} ({}); {} wake-ups sent, {} bytes in the "
            "wake-up pipe",
            state->sent.load(memory_order_relaxed), state->received.load(memory_order_relaxed),
            state->slot.load(memory_order_relaxed) != nullptr ? "full" : "empty", sleeping,
            (sleeping & 1) != 0 ? "announced sleep" : "awake", state->wakeups_sent.load(memory_order_relaxed),
            bytes_pending(state->wake_read.get()));
      },
      [state, send_wakeup] { send_wakeup(*state); });

  const char* channel = fenced ? "wakeup-flag-fenced" : "wakeup-flag-no-fence";
  std::uint64_t wakeups_skipped = 0, sleeps = 0, timeouts = 0, lost = 0;
  std::uint64_t last_sent = 0, last_view = 0;
  EmptyRounds last_taken;
  context.run_threads(2, [&](int worker) {
    if (worker == 1) {
      std::uint64_t view = 0;  // of the previous message
      unsigned spins = 0;
      for (std::uint64_t sequence = 1; !context.stopping(); ++sequence) {
        bool empty = false;
        while (!(empty = state->slot.load(memory_order_acquire) == nullptr) && !context.stopping())
          context.spin_pause(spins);
        if (!empty) break;
        auto* record = new Record;
        fill(*record, 0, sequence, view);
        state->slot.store(record, memory_order_release);
        if (fenced) std::atomic_thread_fence(std::memory_order_seq_cst);
        view = state->sleeping.load(memory_order_relaxed);
        if ((view & 1) != 0) {
          send_wakeup(*state);
          state->wakeups_sent.fetch_add(1, memory_order_relaxed);
        } else {
          ++wakeups_skipped;
        }
        last_sent = sequence;
        last_view = view;
        state->sent.store(sequence, memory_order_relaxed);
      }
      // The consumer need not wait out its poll timeout to see the stop.
      send_wakeup(*state);
      return;
    }
    SequenceChecker checker(context, channel, 1);
    std::uint64_t round = 0, received = 0;
    EmptyRounds previous;
    char drain[64];
    for (std::uint64_t expected = 1; !context.stopping(); ++expected) {
      EmptyRounds waiting{expected};
      Record* record = nullptr;
      while (!context.stopping()) {
        state->sleeping.store(2 * round + 1, memory_order_relaxed);
        if (fenced) std::atomic_thread_fence(std::memory_order_seq_cst);
        record = state->slot.load(memory_order_acquire);
        if (record != nullptr) {
          state->sleeping.store(2 * round + 2, memory_order_relaxed);
          ++round;
          break;
        }
        if (!waiting.any) waiting.first = round;
        waiting.last = round;
        waiting.any = true;
        ++round;
        ++sleeps;
        pollfd readable{state->wake_read.get(), POLLIN, 0};
        context.enter_blocking(worker, "poll(wake-up pipe)");
        const int ready = ::poll(&readable, 1, wakeup_poll_ms);
        context.leave_blocking(worker);
        if (context.aborted()) return;
        if (ready == 0) ++timeouts;
        if (ready > 0)
          while (::read(state->wake_read.get(), drain, sizeof drain) > 0) {
          }
      }
      if (record == nullptr) break;
      state->slot.store(nullptr, memory_order_release);
      const Fields fields = read_fields(*record);
      delete record;
      if (checker.check(fields) && previous.message > 0)
        check_wakeup(context, previous, fields.aux, fenced, lost);
      previous = waiting;
      ++received;
      state->received.store(received, memory_order_relaxed);
      if ((received & 63) == 0) context.add_progress(worker, 64);
    }
    context.add_progress(worker, received & 63);
    last_taken = previous;
  });
  // The last message taken: its producer's view rode in no message the
  // consumer read; it is in the record left in the slot, or the producer's.
  Record* left = state->slot.exchange(nullptr, memory_order_relaxed);
  if (last_taken.message != 0) {
    if (left != nullptr && left->sequence.load() == last_taken.message + 1)
      check_wakeup(context, last_taken, left->aux.load(), fenced, lost);
    else if (left == nullptr && last_taken.message == last_sent)
      check_wakeup(context, last_taken, last_view, fenced, lost);
  }
  delete left;
  const std::uint64_t received = state->received.load(memory_order_relaxed);
  context.metric("handoffs", double(received));
  context.metric("handoffs_per_second", double(received) / std::max(1e-9, context.elapsed_seconds()));
  context.metric("lost_wakeups", double(lost));
  context.metric("wakeups_sent", double(state->wakeups_sent.load(memory_order_relaxed)));
  context.metric("wakeups_skipped", double(wakeups_skipped));
  context.metric("consumer_sleeps", double(sleeps));
  context.metric("poll_timeouts", double(timeouts));
}

Variant handoff_variant(std::string name, std::string description, Expectation expectation,
                        std::vector<std::string> hunted_on, std::function<void(Context&)> run) {
  // Both hunted handoffs are reorderings (MP on ARM, SB everywhere).
  return two_worker_variant("pipe_handoff", std::move(name), std::move(description), expectation,
                            std::move(hunted_on), expectation == Expectation::hunted, std::move(run));
}

const bool registered = [] {
  register_variant(handoff_variant("pipe",
                                   "1 producer writes record addresses into a pipe, 1 consumer reassembles "
                                   "short reads and checks every field",
                                   Expectation::correct, {},
                                   [](Context& context) { run_stream(context, Stream::pipe, "pipe"); }));
  Variant mpsc = handoff_variant("pipe-mpsc",
                                 "workers-1 producers, one 8-byte write each (atomic: at most PIPE_BUF), 1 "
                                 "consumer: per-producer order kept",
                                 Expectation::correct, {},
                                 [](Context& context) { run_stream(context, Stream::pipe, "pipe-mpsc"); });
  mpsc.workers = [](int requested) { return std::max(2, requested); };
  register_variant(std::move(mpsc));
  register_variant(handoff_variant(
      "socketpair", "the pipe handoff through an AF_UNIX SOCK_STREAM socketpair", Expectation::correct, {},
      [](Context& context) { run_stream(context, Stream::socketpair, "socketpair"); }));
  register_variant(handoff_variant("eventfd-slot",
                                   "a relaxed atomic slot signalled by an eventfd and acknowledged by "
                                   "another: the syscalls order the record",
                                   Expectation::correct, {}, run_eventfd_slot));
  register_variant(handoff_variant(
      "release-acquire-pointer",
      "a one-record slot: an atomic pointer stored release, loaded acquire, no syscall", Expectation::correct,
      {}, [](Context& context) { run_pointer_slot(context, memory_order_release, memory_order_acquire); }));
  register_variant(handoff_variant(
      "relaxed-pointer",
      "the same slot stored and loaded relaxed: a pooled record can be seen stale (the MP shape, on ARM)",
      Expectation::hunted, {"aarch64"},
      [](Context& context) { run_pointer_slot(context, memory_order_relaxed, memory_order_relaxed); }));
  register_variant(handoff_variant("cross-process",
                                   "a producer process sends offsets into a shm_open region through a pipe; "
                                   "freed offsets come back by another",
                                   Expectation::correct, {}, run_cross_process));
  register_variant(handoff_variant("wakeup-flag-no-fence",
                                   "wake the consumer only if it announced sleep, with no store-load fence: "
                                   "both loads miss (SB), wake-up lost",
                                   Expectation::hunted, {},
                                   [](Context& context) { run_wakeup_flag(context, false); }));
  register_variant(
      handoff_variant("wakeup-flag-fenced",
                      "the same with a seq_cst fence between each side's store and load: no lost wake-up",
                      Expectation::correct, {}, [](Context& context) { run_wakeup_flag(context, true); }));
  return true;
}();

}  // namespace
}  // namespace mh::stress
