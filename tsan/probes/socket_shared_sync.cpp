// A race that TSan's single sync object for all sockets hides.
//
// The writer thread writes `data`, then sends a datagram on socket A and
// raises a relaxed flag. The relay thread waits for the flag and sends a
// datagram on socket B. The reader thread receives from B, then reads `data`.
// Model: racy. B's send -> receive orders the relay before the reader, but
// nothing orders the writer before the relay: a relaxed load that reads a
// relaxed store synchronizes with nothing (C++ [atomics.order]), and socket A
// is never read. The writer's write and the reader's read are unordered by
// happens-before: a data race (C++ [intro.races]).
// TSan: clean (false negative). Every socket made by socket() shares one sync
// object, so the writer's send on A releases into what the reader's receive
// on B acquires; the relaxed flag makes the send on A come first in time.
// With the argument `without-a` the writer does not send on A: TSan then
// reports the race (the control case), so what hides it is the send on A.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>

namespace {

// An AF_UNIX datagram socket bound to an abstract name (nothing on disk).
int bound_socket(const std::string& name, sockaddr_un& address, socklen_t& length) {
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  address = {};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path + 1, name.data(), name.size());
  length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0) return -1;
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  const bool send_on_a = !(argc > 1 && std::string_view(argv[1]) == "without-a");
  const std::string prefix = "memharness-probe-" + std::to_string(::getpid());
  sockaddr_un address_a{}, address_b{};
  socklen_t length_a = 0, length_b = 0;
  const int receive_a = bound_socket(prefix + "-a", address_a, length_a);
  const int receive_b = bound_socket(prefix + "-b", address_b, length_b);
  const int send_a = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const int send_b = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (receive_a < 0 || receive_b < 0 || send_a < 0 || send_b < 0) return std::perror("socket"), 3;

  long data = 0;
  std::atomic<bool> sent_on_a{false};
  const char byte = 1;
  std::thread writer([&] {
    data = 42;
    if (send_on_a &&
        ::sendto(send_a, &byte, 1, 0, reinterpret_cast<const sockaddr*>(&address_a), length_a) != 1)
      std::abort();
    sent_on_a.store(true, std::memory_order_relaxed);
  });
  std::thread relay([&] {
    while (!sent_on_a.load(std::memory_order_relaxed)) std::this_thread::yield();
    if (::sendto(send_b, &byte, 1, 0, reinterpret_cast<const sockaddr*>(&address_b), length_b) != 1)
      std::abort();
  });
  char received = 0;
  if (::recv(receive_b, &received, 1, 0) != 1) return std::perror("recv"), 3;
  const long seen = data;
  writer.join();
  relay.join();
  std::printf("the reader saw data = %ld after a datagram on an unrelated socket\n", seen);
  return 0;
}
