// A pipe (pipe(2), pipe(7)) for the model checker: a byte stream with a
// capacity, as Linux and POSIX specify it.
//
// - write(2) of at most PIPE_BUF (4096) bytes is atomic: its bytes enter the
//   pipe together, after waiting for room if the pipe is full. Larger writes
//   go in as room allows and may interleave with other writers' bytes.
// - read(2) waits while the pipe is empty and a write end is open, returns 0
//   (end of file) once every write end is closed, and otherwise returns
//   between 1 byte and what is available, up to the count asked for. POSIX
//   allows any of those counts (a signal, or a writer's bytes not all there
//   yet), and the search explores every one when pipe_options::short_reads
//   is set (the default): a reader that assumes a whole 8-byte pointer per
//   read breaks there. Without it a read takes everything available up to
//   the count, which is what Linux does when nothing interrupts it.
// - A write with no read end open fails with EPIPE (SIGPIPE is taken to be
//   ignored, as servers do).
//
// The bytes always arrive intact and in order: that is the kernel's business.
// What the model leaves to the test is whether the pipe orders the threads'
// other memory: pipe_semantics::linux_kernel (every pipe operation runs under
// pipe->mutex, so a write happens before the read that takes its bytes:
// release -> acquire) or pipe_semantics::posix (the standard promises no
// ordering: the bytes arrive, the memory they point at may not).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

#include "../check/source_location.hpp"
#include "../check/runtime.hpp"

namespace mh::os {

inline constexpr std::size_t kPipeBuf = 4096;  // PIPE_BUF on Linux

enum class pipe_semantics : std::uint8_t {
  linux_kernel,  // write -> read is release -> acquire (pipe->mutex)
  posix,         // no ordering beyond the bytes themselves
};

struct pipe_options {
  std::size_t capacity = 65536;  // Linux's default pipe size
  pipe_semantics semantics = pipe_semantics::linux_kernel;
  bool short_reads = true;  // explore every count a read may return
  int write_ends = 1;       // open write descriptors (one per producer that closes its own)
  int read_ends = 1;        // open read descriptors
};

class pipe {
 public:
  explicit pipe(pipe_options options = {}, const char* name = nullptr,
                check::source_location where = check::source_location::current());
  pipe(const pipe&) = delete;
  pipe& operator=(const pipe&) = delete;

  // Returns n, or -1 with errno EPIPE when no read end is open.
  ssize_t write(const void* data, std::size_t n, check::source_location where = check::source_location::current());
  // Returns the count read (at least 1), or 0 at end of file.
  ssize_t read(void* data, std::size_t n, check::source_location where = check::source_location::current());
  // close(2) of one write or read descriptor.
  void close_write(check::source_location where = check::source_location::current());
  void close_read(check::source_location where = check::source_location::current());

  const pipe_options& options() const { return options_; }

 private:
  check::LocationId location_;
  pipe_options options_;
};

}  // namespace mh::os
