// A struct handed to another thread by its address through a pipe, written
// through a second write end made by fcntl(F_DUPFD_CLOEXEC).
//
// Model: race-free. On Linux pipe_write and pipe_read take pipe->mutex, so
// the write that carries the address is release and the read that takes it
// is acquire, whichever descriptor of the pipe they use (docs/protocols.md).
// TSan: reports a race (false positive). It models fd write -> read as
// release -> acquire through a sync object it gives a pipe's two ends at
// pipe(); dup() and dup2() share it with the copy, fcntl(F_DUPFD*) does not,
// so writes through the copy release nothing.
// With the argument `dup` the copy is made by dup(): TSan is clean, as the
// model is (the control case).
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string_view>
#include <thread>

namespace {

struct Message {
  long first;
  long second;
};

constexpr int kMessages = 100;

}  // namespace

int main(int argc, char** argv) {
  const bool by_dup = argc > 1 && std::string_view(argv[1]) == "dup";
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) return std::perror("pipe2"), 3;
  const int write_end = by_dup ? ::dup(ends[1]) : ::fcntl(ends[1], F_DUPFD_CLOEXEC, 0);
  if (write_end < 0) return std::perror("dup"), 3;
  std::thread producer([write_end] {
    for (long i = 0; i < kMessages; ++i) {
      auto* message = new Message{i, 2 * i};
      if (::write(write_end, &message, sizeof message) != sizeof message) std::abort();
    }
  });
  long wrong = 0;
  for (long i = 0; i < kMessages; ++i) {
    Message* message = nullptr;
    if (::read(ends[0], &message, sizeof message) != sizeof message) std::abort();
    if (message->first != i || message->second != 2 * i) ++wrong;
    delete message;
  }
  producer.join();
  std::printf("%d messages through a pipe written by a copy of its write end made by %s, %ld wrong\n",
              kMessages, by_dup ? "dup()" : "fcntl(F_DUPFD_CLOEXEC)", wrong);
  return wrong == 0 ? 0 : 1;
}
