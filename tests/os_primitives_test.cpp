// The modeled OS primitives (src/os) against what futex(2), pipe(7),
// sem_overview(7) and POSIX say they do. Each test explores a small program
// exhaustively and compares the set of outcomes, or the verdict, with the
// one the documentation implies (reasoning in each test).
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <set>
#include <string>

#include "check/gtest.hpp"
#include "check/mh.hpp"
#include "os/os.hpp"

namespace {

using std::memory_order_relaxed;
using Pipe = mh::os::pipe;

// Explores `body` and returns what it recorded at the end of every complete
// execution, with the check's result.
template <typename T, typename Body>
std::set<T> outcomes_of(Body body, mh::check_result* result = nullptr, mh::check_options options = {}) {
  std::set<T> outcomes;
  const mh::check_result r = mh::model_check([&] { outcomes.insert(body()); }, options);
  if (result != nullptr) *result = r;
  return outcomes;
}

// --- futex ---------------------------------------------------------------

// futex(2): FUTEX_WAIT fails with EAGAIN when the word does not hold `val`.
TEST(Futex, WaitOnAChangedValueReturnsAtOnce) {
  mh::check_result result;
  const auto results = outcomes_of<mh::os::futex_result>(
      [] {
        mh::os::futex_word<int> word(1, "word");
        return mh::os::futex_wait(word, 0);
      },
      &result);
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(results, std::set<mh::os::futex_result>{mh::os::futex_result::value_changed});
}

// The futex contract: a waiter that saw the old value is woken by a wake that
// follows the store of the new one, whatever the interleaving. The waiter
// loops on the word, so it ends in every execution: no deadlock.
TEST(Futex, NoWakeUpIsLostAfterAStore) {
  const mh::check_result result = mh::model_check([] {
    mh::os::futex_word<int> word(0, "word");
    mh::thread waker([&] {
      word.store(1, memory_order_relaxed);
      mh::os::futex_wake(word, 1);
    });
    while (word.load(memory_order_relaxed) == 0) mh::os::futex_wait(word, 0);
    waker.join();
  });
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_GT(result.executions, 1U);
}

// A wake with nobody queued wakes nobody (futex(2) returns 0), so a waiter
// that queues after it sleeps forever: the model must show that deadlock.
TEST(Futex, AWakeBeforeTheWaitIsLost) {
  const mh::check_result result = mh::model_check([] {
    mh::os::futex_word<int> word(0, "word");
    mh::thread waker([&] { mh::os::futex_wake(word, 1); });
    mh::os::futex_wait(word, 0);
    waker.join();
  });
  EXPECT_TRUE(result.found(mh::error::deadlock)) << result.message;
}

// FUTEX_WAKE wakes at most `count` waiters and returns how many it woke.
// Two sleepers wait while the word is 0; main stores 1 and wakes `count`.
// With 1, a second sleeper already queued stays asleep (deadlock); with 2
// none does, and the wake woke 0, 1 or 2 (as many as had queued).
TEST(Futex, WakeWakesAtMostCountWaiters) {
  const auto run = [](int count, mh::check_result* result) {
    return outcomes_of<int>(
        [count] {
          mh::os::futex_word<int> word(0, "word");
          auto sleeper = [&] {
            while (word.load(memory_order_relaxed) == 0) mh::os::futex_wait(word, 0);
          };
          mh::thread a(sleeper);
          mh::thread b(sleeper);
          word.store(1, memory_order_relaxed);
          const int woken = mh::os::futex_wake(word, count);
          a.join();
          b.join();
          return woken;
        },
        result);
  };
  mh::check_result one;
  run(1, &one);
  EXPECT_TRUE(one.found(mh::error::deadlock)) << mh::testing::describe(one);
  mh::check_result two;
  EXPECT_EQ(run(2, &two), (std::set<int>{0, 1, 2}));
  EXPECT_TRUE(two.ok()) << mh::testing::describe(two);
}

// futex(2) allows spurious wake-ups; with the option the search explores
// them, and only then does a wait return 0 with no wake.
TEST(Futex, SpuriousWakeUpsOnlyWithTheOption) {
  const auto results_with = [](bool spurious) {
    mh::os::futex_options options;
    options.spurious_wakeups = spurious;
    return outcomes_of<mh::os::futex_result>([options] {
      mh::os::futex_word<int> word(0, "word", options);
      mh::thread waker([&] {
        word.store(1, memory_order_relaxed);
        mh::os::futex_wake(word, 1);
      });
      const mh::os::futex_result r = mh::os::futex_wait(word, 0);
      waker.join();
      return r;
    });
  };
  using R = mh::os::futex_result;
  EXPECT_EQ(results_with(false), (std::set<R>{R::woken, R::value_changed}));
  EXPECT_EQ(results_with(true), (std::set<R>{R::woken, R::value_changed, R::spurious}));
}

// The futex orders nothing (glibc documents no happens-before between a wake
// and the woken wait): data written before a wake and read after being woken
// races. With wake_synchronizes (Linux's scheduler barrier) it does not. The
// word never changes, so the wait returns only when woken; the waker wakes
// until it has woken someone.
TEST(Futex, WakeSynchronizesOnlyWhenAsked) {
  const auto handoff = [](bool synchronizes) {
    mh::os::futex_options options;
    options.wake_synchronizes = synchronizes;
    return mh::model_check([options] {
      mh::var<int> data{0, "data"};
      mh::os::futex_word<int> word(0, "word", options);
      mh::thread waker([&] {
        data = 1;
        while (mh::os::futex_wake(word, 1) == 0) mh::yield();
      });
      MH_ASSERT(mh::os::futex_wait(word, 0) == mh::os::futex_result::woken);
      MH_ASSERT(data == 1);
      waker.join();
    });
  };
  EXPECT_TRUE(handoff(false).found(mh::error::data_race));
  const mh::check_result synced = handoff(true);
  EXPECT_TRUE(synced.ok()) << mh::testing::describe(synced);
}

// --- pipe ----------------------------------------------------------------

// POSIX: read returns between 1 byte and what is available. Four bytes
// written at once may be read as 1, 2, 3 or 4; Linux without signals
// returns all 4.
TEST(Pipe, ShortReadsAreExploredOnlyWithTheOption) {
  const auto counts = [](bool short_reads) {
    mh::os::pipe_options options;
    options.short_reads = short_reads;
    return outcomes_of<ssize_t>([options] {
      Pipe channel(options, "p");
      mh::thread writer([&] { channel.write("abcd", 4); });
      char buffer[4];
      const ssize_t n = channel.read(buffer, 4);
      writer.join();
      return n;
    });
  };
  EXPECT_EQ(counts(true), (std::set<ssize_t>{1, 2, 3, 4}));
  EXPECT_EQ(counts(false), (std::set<ssize_t>{4}));
}

// Two readers share the stream 1 | 2 3 (two writes, then the end): each read
// takes a prefix of what is left, main's read of 2 may be short. So t1 (two
// 1-byte reads) and main (one read of up to 2) split it 5 ways, among them
// main taking only 2 of the 2 3 there, between t1's reads: a short read that
// only a later write makes possible (a run that chose it must not be dropped
// while the pipe holds too little for it; found by comparing with the random
// search).
TEST(Pipe, ShortReadsBetweenAnotherReadersReads) {
  const auto splits = outcomes_of<std::string>([] {
    Pipe channel(mh::os::pipe_options{}, "p");
    std::string t1_got;
    mh::thread t1([&] {
      for (int i = 0; i < 2; ++i) {
        char c = 0;
        t1_got += channel.read(&c, 1) == 1 ? std::string(1, static_cast<char>('0' + c)) : std::string("$");
      }
    });
    mh::thread writer([&] {
      const char bytes[] = {1, 2, 3};
      channel.write(bytes, 1);
      channel.write(bytes + 1, 2);
      channel.close_write();
    });
    char got[2] = {0, 0};
    const ssize_t n = channel.read(got, 2);
    std::string main_got;
    for (ssize_t i = 0; i < n; ++i) main_got += static_cast<char>('0' + got[i]);
    t1.join();
    writer.join();
    return "t1:" + t1_got + " main:" + main_got;
  });
  EXPECT_EQ(splits, (std::set<std::string>{"t1:12 main:3", "t1:13 main:2", "t1:1$ main:23", "t1:23 main:1",
                                           "t1:3$ main:12"}));
}

// Writes of at most PIPE_BUF bytes are atomic: two writers' 2-byte writes
// arrive whole, in either order, never interleaved.
TEST(Pipe, SmallWritesAreAtomic) {
  const auto streams = outcomes_of<std::string>([] {
    Pipe channel(mh::os::pipe_options{}, "p");
    mh::thread a([&] { channel.write("aa", 2); });
    mh::thread b([&] { channel.write("bb", 2); });
    std::string got;
    while (got.size() < 4) {
      char buffer[4];
      const ssize_t n = channel.read(buffer, 4 - got.size());
      MH_ASSERT(n > 0);
      got.append(buffer, static_cast<std::size_t>(n));
    }
    a.join();
    b.join();
    return got;
  });
  EXPECT_EQ(streams, (std::set<std::string>{"aabb", "bbaa"}));
}

// Only writes of at most PIPE_BUF bytes are atomic: a larger one goes in as
// room allows, and another writer's bytes may land in the middle of it
// (pipe(7)). A pipe of one page (Linux's smallest), a 4097-byte write and a
// 1-byte write.
TEST(Pipe, LargeWritesMayInterleave) {
  mh::os::pipe_options options;
  options.capacity = mh::os::kPipeBuf;
  options.short_reads = false;
  std::set<std::size_t> b_positions;
  const mh::check_result result = mh::model_check([&] {
    Pipe channel(options, "p");
    const std::string large(mh::os::kPipeBuf + 1, 'a');
    mh::thread a([&] { channel.write(large.data(), large.size()); });
    mh::thread b([&] { channel.write("b", 1); });
    std::string got;
    while (got.size() < large.size() + 1) {
      std::string buffer(large.size() + 1, '\0');
      const ssize_t n = channel.read(buffer.data(), buffer.size() - got.size());
      MH_ASSERT(n > 0);
      got.append(buffer.data(), static_cast<std::size_t>(n));
    }
    a.join();
    b.join();
    b_positions.insert(got.find('b'));
  });
  EXPECT_TRUE(result.ok()) << result.message;
  ASSERT_FALSE(b_positions.empty());
  EXPECT_EQ(*b_positions.begin(), 0U);                     // before the large write
  EXPECT_EQ(*b_positions.rbegin(), mh::os::kPipeBuf + 1);  // after it
  EXPECT_GT(b_positions.size(), 2U) << "the 1-byte write never landed inside the 4097-byte one";
}

// A full pipe blocks the writer until the reader makes room; the bytes still
// arrive in order.
TEST(Pipe, AWriterWaitsForRoom) {
  mh::check_result result;
  mh::os::pipe_options options;
  options.capacity = 2;
  const auto streams = outcomes_of<std::string>(
      [options] {
        Pipe channel(options, "p");
        mh::thread writer([&] {
          channel.write("ab", 2);
          channel.write("cd", 2);
        });
        std::string got;
        while (got.size() < 4) {
          char buffer[4];
          got.append(buffer, static_cast<std::size_t>(channel.read(buffer, 4)));
        }
        writer.join();
        return got;
      },
      &result);
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(streams, std::set<std::string>{"abcd"});
}

// pipe(7): read returns 0 once every write end is closed; write fails with
// EPIPE once every read end is.
TEST(Pipe, EndOfFileAndBrokenPipe) {
  EXPECT_EQ(outcomes_of<ssize_t>([] {
              Pipe channel(mh::os::pipe_options{}, "p");
              mh::thread writer([&] { channel.close_write(); });
              char c;
              const ssize_t n = channel.read(&c, 1);
              writer.join();
              return n;
            }),
            std::set<ssize_t>{0});
  EXPECT_EQ(outcomes_of<int>([] {
              Pipe channel(mh::os::pipe_options{}, "p");
              channel.close_read();
              const ssize_t n = channel.write("x", 1);
              return n == -1 && errno == EPIPE ? 1 : 0;
            }),
            std::set<int>{1});
}

// Using an end that is closed is the model's misuse (EBADF for a real
// descriptor), reported, not a hang: a second close of the only write end,
// and a read after the only read end was closed although bytes are there.
TEST(Pipe, UseOfAClosedEndIsReported) {
  const mh::check_result closed_twice = mh::model_check([] {
    Pipe channel(mh::os::pipe_options{}, "p");
    channel.close_write();
    channel.close_write();
  });
  EXPECT_TRUE(closed_twice.found(mh::error::os_misuse)) << closed_twice.message;
  const mh::check_result read_after_close = mh::model_check([] {
    Pipe channel(mh::os::pipe_options{}, "p");
    channel.write("x", 1);
    channel.close_read();
    char c;
    channel.read(&c, 1);
  });
  EXPECT_TRUE(read_after_close.found(mh::error::os_misuse)) << read_after_close.message;
}

// socketpair(2): two endpoints, a byte stream each way; closing one end
// gives the other end of file. An echo: 2 bytes there, the same back.
TEST(Socketpair, EchoesBothWaysAndEndsWhenThePeerCloses) {
  mh::os::pipe_options options;
  options.short_reads = false;
  mh::check_result result;
  const auto replies = outcomes_of<std::string>(
      [options] {
        mh::os::socketpair pair(options, "pair");
        mh::thread server([&] {
          auto end = pair.end(1);
          char request[2];
          std::size_t got = 0;
          while (got < 2) got += static_cast<std::size_t>(end.read(request + got, 2 - got));
          end.write(request, 2);
          char more;
          MH_ASSERT_MSG(end.read(&more, 1) == 0, "the client's close ends the stream");
        });
        auto end = pair.end(0);
        end.write("hi", 2);
        std::string reply;
        while (reply.size() < 2) {
          char buffer[2];
          reply.append(buffer, static_cast<std::size_t>(end.read(buffer, 2 - reply.size())));
        }
        end.close();
        server.join();
        return reply;
      },
      &result);
  EXPECT_TRUE(result.ok()) << mh::testing::describe(result);
  EXPECT_EQ(replies, std::set<std::string>{"hi"});
}

// --- semaphore -----------------------------------------------------------

// sem_trywait fails with EAGAIN at 0; sem_wait waits for a post; a post
// happens before the wait that takes its token (POSIX XBD 4.12).
TEST(Semaphore, WaitTakesAPostedTokenAndSynchronizes) {
  mh::check_result result;
  const auto values = outcomes_of<int>(
      [] {
        mh::os::semaphore ready(0, mh::os::sem_sharing::threads, "ready");
        MH_ASSERT(!ready.try_wait());
        mh::var<int> data{0, "data"};
        mh::thread producer([&] {
          data = 7;
          ready.post();
        });
        ready.wait();
        const int seen = data;
        producer.join();
        return seen + 10 * ready.value();
      },
      &result);
  EXPECT_TRUE(result.ok()) << mh::testing::describe(result);
  EXPECT_EQ(values, std::set<int>{7});
}

// A counting semaphore hands out exactly as many tokens as were posted.
TEST(Semaphore, TokensAreCounted) {
  const auto taken = outcomes_of<int>([] {
    mh::os::semaphore tokens(1, mh::os::sem_sharing::threads, "tokens");
    mh::atomic<int> got{0, "got"};
    auto take = [&] {
      if (tokens.try_wait()) got.fetch_add(1);
    };
    mh::thread a(take);
    mh::thread b(take);
    tokens.post();
    a.join();
    b.join();
    return got.load() + tokens.value();
  });
  EXPECT_EQ(taken, std::set<int>{2});  // 2 tokens in all: taken or left
}

// --- processes and shared memory -----------------------------------------

// A process's private memory is unreachable from another; shared memory is.
TEST(Process, PrivateMemoryIsPrivate) {
  const mh::check_result leaked = mh::model_check([] {
    mh::atomic<int> mine{0, "mine"};  // process 0's
    mh::os::process other([&] { mine.store(1); });
    other.wait();
  });
  EXPECT_TRUE(leaked.found(mh::error::cross_process)) << leaked.message;

  const mh::check_result shared = mh::model_check([] {
    struct Region {
      mh::atomic<int> value{0, "value"};
    };
    mh::os::shared_memory<Region> region;
    mh::os::process other([&] { region->value.store(1); });
    other.wait();
    MH_ASSERT(region->value.load() == 1);
  });
  EXPECT_TRUE(shared.ok()) << shared.message;
}

// A process that may crash is killed before some operation in some
// execution: waitpid reports it, and what it held stays held.
TEST(Process, CrashesAreExploredAndReported) {
  const auto exits = outcomes_of<int>([] {
    struct Region {
      mh::atomic<int> steps{0, "steps"};
    };
    mh::os::shared_memory<Region> region;
    mh::os::process worker([&] {
      region->steps.fetch_add(1);
      region->steps.fetch_add(1);
    }, mh::os::process_options{.may_crash = true});
    const bool killed = worker.wait().killed;
    return region->steps.load() * 10 + (killed ? 1 : 0);
  });
  // Killed before the first, before the second, or not at all.
  EXPECT_EQ(exits, (std::set<int>{1, 11, 20}));

  const mh::check_result held = mh::model_check([] {
    struct Region {
      mh::mutex lock{"lock"};
    };
    mh::os::shared_memory<Region> region;
    mh::os::process worker([&] {
      region->lock.lock();
      region->lock.unlock();
    }, mh::os::process_options{.may_crash = true});
    worker.wait();
    region->lock.lock();
    region->lock.unlock();
  });
  ASSERT_TRUE(held.found(mh::error::deadlock)) << held.message;
  EXPECT_NE(held.message.find("caused by a crash"), std::string::npos) << held.message;
}

// Linux removes a waiter killed in FUTEX_WAIT from the queue as it dies: once
// waitpid has reported the death, a wake finds nobody. (A reaper thread
// waits for the process; main wakes until the process ended or was reaped
// dead, then checks the queue is empty.)
TEST(Process, AKilledFutexWaiterLeavesTheQueue) {
  const mh::check_result result = mh::model_check([] {
    struct Region {
      mh::os::futex_word<int> word{0, "word"};
      mh::atomic<int> killed{0, "killed"};
      mh::atomic<int> exited{0, "exited"};
    };
    mh::os::shared_memory<Region> region;
    Region* r = region.get();
    mh::os::process waiter([r] { mh::os::futex_wait(r->word, 0); }, mh::os::process_options{.may_crash = true});
    mh::thread reaper([&] {
      (waiter.wait().killed ? r->killed : r->exited).store(1, std::memory_order_release);
    });
    for (;;) {
      if (r->killed.load(std::memory_order_acquire) == 1) {
        MH_ASSERT_MSG(mh::os::futex_wake(r->word, 1) == 0, "a wake found a process waitpid reported dead");
        break;
      }
      if (r->exited.load(std::memory_order_acquire) == 1) break;
      mh::os::futex_wake(r->word, 1);  // lets a live waiter go
      mh::yield();
    }
    reaper.join();
  });
  EXPECT_TRUE(result.ok()) << mh::testing::describe(result);
}

// A process that may crash still waits in a spin loop like any other: the
// crash point its loop passes is no change of state, so a loop that can
// only spin is still found (livelock), and one that ends still ends.
TEST(Process, SpinLoopsOfAProcessThatMayCrash) {
  const auto spin = [](bool flag_set) {
    return mh::model_check([flag_set] {
      struct Region {
        mh::atomic<int> flag{0, "flag"};
      };
      mh::os::shared_memory<Region> region;
      mh::os::process waiter([&] {
        while (region->flag.load(std::memory_order_relaxed) == 0) mh::yield();
      }, mh::os::process_options{.may_crash = true});
      if (flag_set) region->flag.store(1, std::memory_order_relaxed);
      waiter.wait();
    });
  };
  const mh::check_result ends = spin(true);
  EXPECT_TRUE(ends.ok()) << mh::testing::describe(ends);
  const mh::check_result spins = spin(false);
  EXPECT_TRUE(spins.found(mh::error::livelock)) << mh::testing::describe(spins);
}

// mh::make honours the type's alignment (up to a page).
TEST(ModelHeap, ObjectsAreAligned) {
  struct alignas(64) Line {
    int value = 0;
  };
  std::set<bool> aligned;
  const mh::check_result result = mh::model_check([&] {
    mh::make<char>();
    const Line* line = mh::make<Line>();
    aligned.insert(reinterpret_cast<std::uintptr_t>(line) % 64 == 0);
  });
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(aligned, std::set<bool>{true});
}

// Addresses from mh::make are the same in every replay, so they may travel
// through an atomic or a pipe without the replay seeing a different value.
TEST(ModelHeap, AddressesAreStableAcrossReplays) {
  const mh::check_result result = mh::model_check([] {
    mh::atomic<int*> shared{nullptr, "shared"};
    mh::thread producer([&] { shared.store(mh::make<int>(5), std::memory_order_release); });
    mh::thread other([&] { mh::make<int>(6); });
    int* seen = shared.load(std::memory_order_acquire);
    if (seen != nullptr) MH_ASSERT(*seen == 5);
    producer.join();
    other.join();
  });
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_GT(result.replays, 1U);
}

}  // namespace
