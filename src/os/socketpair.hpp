// socketpair(AF_UNIX, SOCK_STREAM) for the model checker: two connected
// endpoints, each direction a byte stream with the pipe's rules (pipe.hpp):
// the same blocking, short reads, end of file when the peer has closed, and
// EPIPE when it can no longer read. Linux queues each send under the
// receiving socket's lock, so pipe_semantics::linux_kernel applies as well.
#pragma once

#include <sys/types.h>

#include <cstddef>

#include "../check/source_location.hpp"
#include "pipe.hpp"

namespace mh::os {

class socketpair {
 public:
  class endpoint {
   public:
    ssize_t write(const void* data, std::size_t n, check::source_location where = check::source_location::current()) {
      return out_->write(data, n, where);
    }
    ssize_t read(void* data, std::size_t n, check::source_location where = check::source_location::current()) {
      return in_->read(data, n, where);
    }
    // close(2): the peer reads end of file, and its writes fail with EPIPE.
    void close(check::source_location where = check::source_location::current()) {
      out_->close_write(where);
      in_->close_read(where);
    }

   private:
    friend class socketpair;
    endpoint(pipe* out, pipe* in) : out_(out), in_(in) {}
    pipe* out_;
    pipe* in_;
  };

  explicit socketpair(pipe_options options = {}, const char* name = nullptr,
                      check::source_location where = check::source_location::current())
      : first_to_second_(options, name, where), second_to_first_(options, name, where) {}

  // Endpoint 0 or 1, like the two descriptors socketpair(2) returns.
  endpoint end(int which) {
    return which == 0 ? endpoint(&first_to_second_, &second_to_first_)
                      : endpoint(&second_to_first_, &first_to_second_);
  }

 private:
  pipe first_to_second_;
  pipe second_to_first_;
};

}  // namespace mh::os
