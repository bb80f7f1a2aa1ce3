// The pipe-passed pointer handoff: a producer builds a message, writes its
// address into a pipe, and a consumer reads the address and uses the
// message. Does the pipe give the consumer the message's contents?
//   - By Linux's implementation, yes: pipe_write and pipe_read both run
//     under pipe->mutex, so the write happens before the read that takes its
//     bytes (pipe_semantics::linux_kernel): pipe_handoff_linux is correct.
//   - By POSIX's letter, no: read(2) and write(2) are not among the
//     functions that synchronize memory (XBD 4.12), so the consumer's reads
//     of the message race with the producer's writes (pipe_handoff_posix).
//   - ThreadSanitizer models fd write -> read as release -> acquire, so it
//     agrees with Linux (docs/tsan.md, issue 7).
// Then what else goes wrong with the address itself:
//   - a consumer that takes one read(2) per 8-byte address breaks on a short
//     read, which POSIX allows (a signal, or a writer's bytes not all there);
//   - several producers writing 8-byte addresses, each write atomic (at most
//     PIPE_BUF bytes), and a consumer that reassembles partial reads: a
//     pipe-based MPSC queue, correct; with each address written in two
//     halves, two producers' halves interleave;
//   - an address sent to another process points into that process's
//     nothing (error::cross_process); an offset into shared memory works.
#include <cstddef>

#include "check/mh.hpp"
#include "os/os.hpp"

namespace {

using Pipe = mh::os::pipe;  // ::pipe is the POSIX function
using mh::os::pipe_options;
using mh::os::pipe_semantics;

struct Message {
  mh::var<int> sequence{0, "message.sequence"};
  mh::var<int> payload{0, "message.payload"};
};

// read(2) until the whole value is there, as a correct consumer does.
template <typename T>
T read_whole(Pipe& channel) {
  T value{};
  auto* bytes = reinterpret_cast<char*>(&value);
  std::size_t got = 0;
  while (got < sizeof value) {
    const ssize_t n = channel.read(bytes + got, sizeof value - got);
    MH_ASSERT_MSG(n > 0, "the pipe ended in the middle of an address");
    got += static_cast<std::size_t>(n);
  }
  return value;
}

void send_message(Pipe& channel, int sequence) {
  Message* message = mh::make<Message>();
  message->sequence = sequence;
  message->payload = sequence * 10;
  channel.write(&message, sizeof message);
}

void use_message(Message* message, int sequence) {
  MH_ASSERT_MSG(message->sequence == sequence && message->payload == sequence * 10,
                "the consumer sees the message without the producer's writes");
}

void run_handoff(pipe_semantics semantics) {
  pipe_options options;
  options.semantics = semantics;
  Pipe channel(options, "channel");
  mh::thread producer([&] { send_message(channel, 1); });
  use_message(read_whole<Message*>(channel), 1);
  producer.join();
}

// Several producers, one consumer, one address each. `split`: each address
// goes out as two 4-byte writes instead of one 8-byte write.
void run_mpsc(bool split) {
  Pipe channel(pipe_options{}, "queue");
  Message* messages[2] = {mh::make<Message>(), mh::make<Message>()};
  auto produce = [&](int id) {
    Message* message = messages[id];
    message->sequence = id + 1;
    message->payload = (id + 1) * 10;
    if (split) {
      const auto* bytes = reinterpret_cast<const char*>(&message);
      channel.write(bytes, 4);
      channel.write(bytes + 4, 4);
    } else {
      channel.write(&message, sizeof message);
    }
  };
  mh::thread first([&] { produce(0); });
  mh::thread second([&] { produce(1); });
  bool seen[2] = {false, false};
  for (int i = 0; i < 2; ++i) {
    Message* message = read_whole<Message*>(channel);
    const int id = message == messages[0] ? 0 : message == messages[1] ? 1 : -1;
    MH_ASSERT_MSG(id >= 0, "the consumer reassembled an address no producer sent (interleaved writes)");
    MH_ASSERT_MSG(!seen[id], "the same message arrived twice");
    seen[id] = true;
    use_message(message, id + 1);
  }
  first.join();
  second.join();
}

}  // namespace

MH_MODEL(pipe_handoff_linux) { run_handoff(pipe_semantics::linux_kernel); }

MH_MODEL_EXPECT(pipe_handoff_posix, mh::error::data_race,
                "POSIX does not list read(2)/write(2) among the functions that synchronize memory (XBD 4.12): the "
                "address arrives, the message's contents are not ordered before the consumer's reads") {
  run_handoff(pipe_semantics::posix);
}

MH_MODEL_EXPECT(pipe_handoff_one_read_per_address, mh::error::assertion,
                "read(2) may return fewer bytes than asked for (POSIX: a signal, or fewer available): a consumer "
                "that takes one read per 8-byte address gets part of one") {
  Pipe channel(pipe_options{}, "channel");
  mh::thread producer([&] { send_message(channel, 1); });
  Message* message = nullptr;
  const ssize_t n = channel.read(&message, sizeof message);
  MH_ASSERT_MSG(n == static_cast<ssize_t>(sizeof message), "a short read: the consumer has part of an address");
  use_message(message, 1);
  producer.join();
}

MH_MODEL(pipe_mpsc_queue) { run_mpsc(false); }

MH_MODEL_EXPECT(pipe_mpsc_split_writes, mh::error::assertion,
                "only a single write of at most PIPE_BUF bytes is atomic: two writes of 4 bytes from two producers "
                "interleave, and the consumer assembles an address from both") {
  run_mpsc(true);
}

MH_MODEL_EXPECT(pipe_address_to_other_process, mh::error::cross_process,
                "an address is meaningful only in the address space it came from: the consumer process "
                "dereferences memory private to the producer process") {
  Pipe channel(pipe_options{}, "channel");
  mh::os::process producer([&] { send_message(channel, 1); });
  mh::os::process consumer([&] { use_message(read_whole<Message*>(channel), 1); });
  producer.wait();
  consumer.wait();
}

namespace {
struct SharedMessages {
  Message slots[1];
};
}  // namespace

MH_MODEL(pipe_offset_to_other_process) {
  // The fix: the message lives in shared memory and the pipe carries its
  // index there, which means the same thing in both processes.
  mh::os::shared_memory<SharedMessages> region;
  Pipe channel(pipe_options{}, "channel");
  mh::os::process producer([&] {
    Message& message = region->slots[0];
    message.sequence = 1;
    message.payload = 10;
    const std::size_t index = 0;
    channel.write(&index, sizeof index);
  });
  mh::os::process consumer([&] { use_message(&region->slots[read_whole<std::size_t>(channel)], 1); });
  producer.wait();
  consumer.wait();
}
