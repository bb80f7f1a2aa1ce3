#include "pipe.hpp"

#include <algorithm>
#include <cerrno>
#include <compare>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include <fmt/format.h>

#include "object_name.hpp"

namespace mh::os {

namespace {

using check::Value;

// A pipe's whole state is one modeled value: the number of an interned state,
// the same number for the same state in every run (a model's pipes hold a
// few bytes, so the table stays small).
struct PipeState {
  std::string bytes;
  std::uint32_t capacity = 0;
  std::uint32_t writers = 0;
  std::uint32_t readers = 0;
  auto operator<=>(const PipeState&) const = default;
};

class StateTable {
 public:
  Value intern(const PipeState& state) {
    const std::scoped_lock lock(guard_);
    const auto [it, inserted] = numbers_.try_emplace(state, states_.size());
    if (inserted) states_.push_back(state);
    return it->second;
  }
  PipeState at(Value number) {
    const std::scoped_lock lock(guard_);
    return states_.at(number);
  }

 private:
  std::mutex guard_;  // checks may run on several OS threads
  std::deque<PipeState> states_;
  std::map<PipeState, Value> numbers_;
};

StateTable& table() {
  static StateTable states;
  return states;
}

// An operation's operand: what it does in the top bits, its argument below.
enum Op : Value { kWriteAtomic = 1, kWritePartial, kRead, kCloseWrite, kCloseRead };
constexpr int kOpShift = 56;
Value operand_of(Op op, Value argument) { return (Value{op} << kOpShift) | argument; }
Op op_of(Value operand) { return static_cast<Op>(operand >> kOpShift); }
Value argument_of(Value operand) { return operand & ((Value{1} << kOpShift) - 1); }
// A read's argument: its limit, and whether it must take exactly that many
// bytes (a short read: only when more are there).
constexpr Value kExactly = Value{1} << 55;

bool pipe_update(Value state_number, Value operand, Value* next) {
  PipeState s = table().at(state_number);
  const Value argument = argument_of(operand);
  switch (op_of(operand)) {
    case kWriteAtomic:
    case kWritePartial: {
      const std::string chunk = table().at(argument).bytes;
      if (s.readers == 0 || s.writers == 0 || s.bytes.size() >= s.capacity) return false;
      const std::size_t room = s.capacity - s.bytes.size();
      if (op_of(operand) == kWriteAtomic && room < chunk.size()) return false;
      s.bytes += chunk.substr(0, std::min(room, chunk.size()));
      break;
    }
    case kRead: {
      if (s.readers == 0) return false;  // misuse, whatever the pipe holds
      const std::size_t limit = argument & (kExactly - 1);
      if ((argument & kExactly) != 0 ? s.bytes.size() <= limit : s.bytes.empty()) return false;
      s.bytes.erase(0, std::min(limit, s.bytes.size()));
      break;
    }
    case kCloseWrite:
      if (s.writers == 0) return false;
      --s.writers;
      break;
    case kCloseRead:
      if (s.readers == 0) return false;
      --s.readers;
      break;
  }
  if (next != nullptr) *next = table().intern(s);
  return true;
}

std::string format_state(Value state_number) {
  const PipeState s = table().at(state_number);
  std::string text = s.bytes.empty() ? "empty" : fmt::format("{}B", s.bytes.size());
  for (std::size_t i = 0; i < std::min<std::size_t>(s.bytes.size(), 8); ++i)
    text += fmt::format("{}{:02x}", i == 0 ? ":" : "", static_cast<unsigned char>(s.bytes[i]));
  if (s.bytes.size() > 8) text += "..";
  if (s.writers == 0) text += " no-writer";
  if (s.readers == 0) text += " no-reader";
  return text;
}

Value chunk_number(const void* data, std::size_t n) {
  PipeState chunk;
  chunk.bytes.assign(static_cast<const char*>(data), n);
  return table().intern(chunk);
}

}  // namespace

pipe::pipe(pipe_options options, const char* name, check::source_location where) : options_(options) {
  if (options_.capacity == 0 || options_.write_ends < 0 || options_.read_ends < 0)
    check::report_error(error::os_misuse, "a pipe needs a capacity and non-negative numbers of ends", where);
  PipeState initial;
  initial.capacity = static_cast<std::uint32_t>(options_.capacity);
  initial.writers = static_cast<std::uint32_t>(options_.write_ends);
  initial.readers = static_cast<std::uint32_t>(options_.read_ends);
  check::LocationInfo info;
  info.kind = check::LocationKind::Atomic;
  info.name = detail::object_name("pipe", name, where);
  info.type = "pipe";
  info.format = &format_state;
  // The pipe's buffer is the kernel's: every process that has its
  // descriptors reaches it.
  const bool shared = check::set_shared_allocation(true);
  location_ = check::new_location(info, true, table().intern(initial), where);
  check::set_shared_allocation(shared);
}

namespace {
std::memory_order success_order(const pipe_options& o) {
  return o.semantics == pipe_semantics::linux_kernel ? std::memory_order_acq_rel : std::memory_order_relaxed;
}
std::memory_order failure_order(const pipe_options& o) {
  return o.semantics == pipe_semantics::linux_kernel ? std::memory_order_acquire : std::memory_order_relaxed;
}
}  // namespace

ssize_t pipe::write(const void* data, std::size_t n, check::source_location where) {
  if (n == 0) return 0;
  const auto* bytes = static_cast<const char*>(data);
  const bool atomic = n <= kPipeBuf;
  if (atomic && n > options_.capacity)
    check::report_error(error::os_misuse,
                        fmt::format("an atomic write of {} bytes cannot fit a pipe of {} (Linux pipes hold at least "
                                    "PIPE_BUF bytes)",
                                    n, options_.capacity),
                        where);
  std::size_t written = 0;
  while (written < n) {
    Value seen = 0;
    const std::size_t left = n - written;
    const Op op = atomic ? kWriteAtomic : kWritePartial;
    if (check::conditional_update(location_, &pipe_update, operand_of(op, chunk_number(bytes + written, left)),
                                  success_order(options_), failure_order(options_), seen, where,
                                  atomic ? "pipe write" : "pipe write (part)")) {
      const PipeState before = table().at(seen);
      written += std::min(left, static_cast<std::size_t>(before.capacity) - before.bytes.size());
      continue;
    }
    const PipeState s = table().at(seen);
    if (s.writers == 0) check::report_error(error::os_misuse, "write to a pipe whose write ends are all closed", where);
    if (s.readers == 0) {
      if (written > 0) return static_cast<ssize_t>(written);
      errno = EPIPE;
      return -1;
    }
    check::wait_for_change(location_, where);  // full
  }
  return static_cast<ssize_t>(n);
}

ssize_t pipe::read(void* data, std::size_t n, check::source_location where) {
  if (n == 0) return 0;
  // Choice k > 0 ("k of n" in traces): this read returns exactly k bytes, a
  // short read, which needs more than k bytes there; 0: all that is
  // available, up to n. While no more than k are there, the read waits
  // for a write that adds some: if none comes, the execution is dropped, as
  // choice 0 gives it (dropping it at once would lose those writes).
  std::size_t limit = n;
  std::uint32_t short_count = 0;
  if (options_.short_reads && n > 1) {
    short_count = check::choose(static_cast<std::uint32_t>(std::min<std::size_t>(n, 64)),
                                "pipe read: short read?", where);
    if (short_count != 0) limit = short_count;
  }
  for (;;) {
    Value seen = 0;
    const Value argument = short_count != 0 ? limit | kExactly : limit;
    if (check::conditional_update(location_, &pipe_update, operand_of(kRead, argument), success_order(options_),
                                  failure_order(options_), seen, where, "pipe read")) {
      const PipeState before = table().at(seen);
      const std::size_t taken = std::min(limit, before.bytes.size());
      std::memcpy(data, before.bytes.data(), taken);
      return static_cast<ssize_t>(taken);
    }
    const PipeState s = table().at(seen);
    if (s.readers == 0) check::report_error(error::os_misuse, "read from a pipe whose read ends are all closed", where);
    if (short_count != 0 && (!s.bytes.empty() || s.writers == 0)) {
      check::wait_for_change(location_, where, true);  // not short with what is there
      continue;
    }
    if (s.writers == 0) return 0;  // end of file
    check::wait_for_change(location_, where);  // empty
  }
}

void pipe::close_write(check::source_location where) {
  Value seen = 0;
  if (!check::conditional_update(location_, &pipe_update, operand_of(kCloseWrite, 0), success_order(options_),
                                 failure_order(options_), seen, where, "pipe close (write end)"))
    check::report_error(error::os_misuse, "close of a pipe's write end that is not open", where);
}

void pipe::close_read(check::source_location where) {
  Value seen = 0;
  if (!check::conditional_update(location_, &pipe_update, operand_of(kCloseRead, 0), success_order(options_),
                                 failure_order(options_), seen, where, "pipe close (read end)"))
    check::report_error(error::os_misuse, "close of a pipe's read end that is not open", where);
}

}  // namespace mh::os
