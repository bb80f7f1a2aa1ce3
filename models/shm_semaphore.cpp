// Shared memory guarded by semaphores between processes: a producer and a
// consumer process over a region the launcher (the model's main) mapped
// before starting them (shm_open + mmap), with POSIX semaphores either in the
// region (sem_init with pshared = 1) or named (sem_open).
//
// POSIX lists sem_post and sem_wait among the functions that synchronize
// memory; glibc releases on post and acquires on a taken token. So a
// record written before sem_post is complete for the process whose sem_wait
// took that token.
//
//   - a ring with two counting semaphores, empty (slots free) and full
//     (slots written): correct, pshared in the region or named;
//   - the sensor pattern: a semaphore initialised to 1 used as a lock around
//     a shared reading. Mutual exclusion holds (no data race), but nothing
//     says the producer has written anything when the consumer looks: the
//     consumer can read the initial value. Fixed with a "data ready"
//     semaphore the producer posts after its first update;
//   - a producer that forgets the last sem_post: the consumer waits forever;
//   - a producer killed (SIGKILL) while it holds the lock semaphore: it never
//     posts it, and the consumer waits forever: a deadlock caused by the crash;
//   - a semaphore initialised with pshared = 0 and used by another process:
//     POSIX leaves that undefined (os_misuse).
#include "check/mh.hpp"
#include "os/os.hpp"

namespace {

using mh::os::process;
using mh::os::sem_sharing;
using mh::os::semaphore;

constexpr int kSlots = 2;
constexpr int kItems = 3;

struct Ring {
  mh::var<int> slots[kSlots] = {{0, "ring.slot[0]"}, {0, "ring.slot[1]"}};
  semaphore empty{kSlots, sem_sharing::processes, "empty"};
  semaphore full{0, sem_sharing::processes, "full"};
};

// The producer writes items 1..kItems, the consumer checks them in order.
// `posts`: how many of its items the producer announces on `full`.
void run_ring(semaphore& empty, semaphore& full, mh::var<int>* slots, int posts) {
  process producer([&] {
    for (int item = 1; item <= kItems; ++item) {
      empty.wait();
      slots[(item - 1) % kSlots] = item;
      if (item <= posts) full.post();
    }
  });
  process consumer([&] {
    for (int item = 1; item <= kItems; ++item) {
      full.wait();
      MH_ASSERT_MSG(slots[(item - 1) % kSlots] == item, "the consumer read a slot out of sequence");
      empty.post();
    }
  });
  producer.wait();
  consumer.wait();
}

struct Sensor {
  mh::var<int> reading{-1, "sensor.reading"};  // -1: never measured
  semaphore lock{1, sem_sharing::processes, "lock"};
  semaphore ready{0, sem_sharing::processes, "ready"};
};

void run_sensor(bool wait_until_ready, mh::os::process_options producer_options = {}, bool check_reading = true) {
  mh::os::shared_memory<Sensor> shm;
  Sensor& sensor = *shm;
  process producer(
      [&] {
        sensor.lock.wait();
        sensor.reading = 21;
        sensor.lock.post();
        sensor.ready.post();
      },
      producer_options);
  process consumer([&] {
    if (wait_until_ready) sensor.ready.wait();
    sensor.lock.wait();
    const int seen = sensor.reading;
    sensor.lock.post();
    if (check_reading) MH_ASSERT_MSG(seen != -1, "the consumer ran before any update (a lock is not a signal)");
  });
  producer.wait();
  consumer.wait();
}

}  // namespace

MH_MODEL(shm_ring) {
  mh::os::shared_memory<Ring> shm;
  run_ring(shm->empty, shm->full, shm->slots, kItems);
}

MH_MODEL(shm_ring_named_semaphores) {
  mh::os::shared_memory<Ring> shm;  // its own semaphores stay unused
  semaphore empty(kSlots, sem_sharing::named, "/ring.empty");
  semaphore full(0, sem_sharing::named, "/ring.full");
  run_ring(empty, full, shm->slots, kItems);
}

MH_MODEL_EXPECT(shm_ring_missing_post, mh::error::deadlock,
                "the producer never posts `full` for its last item: the consumer's sem_wait waits forever") {
  mh::os::shared_memory<Ring> shm;
  run_ring(shm->empty, shm->full, shm->slots, kItems - 1);
}

MH_MODEL_EXPECT(shm_sensor_semaphore_as_lock, mh::error::assertion,
                "a semaphore initialised to 1 excludes, but orders nothing about who goes first: the consumer can "
                "take it before the producer ever wrote") {
  run_sensor(false);
}

MH_MODEL(shm_sensor_data_ready) { run_sensor(true); }

MH_MODEL_EXPECT(shm_sensor_producer_killed, mh::error::deadlock,
                "a process killed while it holds a semaphore used as a lock never posts it (POSIX semaphores are not "
                "robust): the consumer's sem_wait waits forever") {
  run_sensor(false, mh::os::process_options{.may_crash = true}, false);
}

MH_MODEL_EXPECT(shm_semaphore_not_pshared, mh::error::os_misuse,
                "sem_init with pshared = 0 makes a semaphore for the threads of one process: another process "
                "posting it is undefined (POSIX sem_init)") {
  struct Region {
    mh::var<int> value{0, "value"};
    semaphore done{0, sem_sharing::threads, "done"};
  };
  mh::os::shared_memory<Region> shm;
  process producer([&] {
    shm->value = 1;
    shm->done.post();
  });
  shm->done.wait();
  producer.wait();
}
