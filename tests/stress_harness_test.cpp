// The stress harness itself, with variants written here to misbehave on
// purpose: a hang becomes a report and never a hung test, a crash is caught,
// budgets hold, and shared-memory names disappear on every path.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <atomic>
#include <climits>
#include <filesystem>
#include <string>

#include "stress/context.hpp"
#include "stress/futex.hpp"
#include "stress/harness.hpp"
#include "stress/object_names.hpp"
#include "stress/outcome.hpp"
#include "stress/supervisor.hpp"

namespace {

using namespace mh::stress;
namespace fs = std::filesystem;

const HostFacts kHost{"x86_64", false};

Variant make_variant(std::string name, Expectation expectation, std::function<void(Context&)> run,
                     int workers = 2) {
  Variant variant;
  variant.protocol = "harness_test";
  variant.name = std::move(name);
  variant.expectation = expectation;
  variant.workers = [workers](int) { return workers; };
  variant.run = std::move(run);
  return variant;
}

RunSettings quick(double seconds) {
  RunSettings settings;
  settings.seconds = seconds;
  settings.stall_seconds = 0.3;
  settings.no_progress_seconds = 0.6;
  return settings;
}

bool shm_entry_exists(const std::string& object_name) {
  return fs::exists("/dev/shm/" + object_name.substr(1)) ||
         fs::exists("/dev/shm/sem." + object_name.substr(1));
}

TEST(StressHarness, ACleanVariantPassesWithinItsTime) {
  const Variant variant = make_variant("count", Expectation::correct, [](Context& context) {
    context.run_threads(context.workers(), [&](int worker) {
      while (!context.stopping()) context.add_progress(worker);
    });
  });
  const Outcome outcome = run_isolated(variant, quick(0.4), kHost, nullptr);
  EXPECT_EQ(outcome.verdict, "pass") << outcome.error << outcome.hang;
  EXPECT_GT(outcome.operations, 0u);
  EXPECT_EQ(outcome.workers, 2);
  // The watchdog stops it at its time; a tick and a join later it is back.
  EXPECT_GE(outcome.seconds, 0.4);
  EXPECT_LT(outcome.seconds, 0.4 * 1.1 + 0.3);
}

TEST(StressHarness, EveryWorkerAsleepIsAHangReportedWithTheStateAndWokenUp) {
  // Both workers sleep on a futex word that nobody changes: the classic lost
  // wake-up. The report names the blocking call and the protocol's state; the
  // wake-up hook ends the sleep so the variant returns.
  const Variant variant = make_variant("sleep", Expectation::correct, [](Context& context) {
    auto word = std::make_shared<std::atomic<std::uint32_t>>(7);
    const auto hooks = context.on_hang([word] { return "word = " + std::to_string(word->load()); },
                                       [word] { futex_wake(*word, INT_MAX); });
    context.run_threads(context.workers(), [&](int worker) {
      while (!context.aborted()) {
        context.enter_blocking(worker, "futex_wait(word)");
        futex_wait(*word, 7);
        context.leave_blocking(worker);
      }
    });
  });
  const Outcome outcome = run_isolated(variant, quick(5.0), kHost, nullptr);
  EXPECT_EQ(outcome.verdict, "fail");
  EXPECT_NE(outcome.hang.find("every live worker blocked"), std::string::npos) << outcome.hang;
  EXPECT_NE(outcome.hang.find("futex_wait(word)"), std::string::npos) << outcome.hang;
  EXPECT_NE(outcome.hang.find("state: word = 7"), std::string::npos) << outcome.hang;
  EXPECT_FALSE(outcome.left_blocked);
  ASSERT_TRUE(outcome.first_failure.has_value());
  EXPECT_EQ(outcome.first_failure->kind, "hang");
  // Found long before its time was up: stall_seconds after both fell asleep.
  EXPECT_LT(outcome.seconds, 2.5);
}

TEST(StressHarness, AWorkerThatCannotBeWokenIsLeftBehindAndItsProcessEnded) {
  // No wake-up hook: the watchdog reports, gives up on the worker, and the
  // variant's process ends without joining it.
  const Variant variant = make_variant(
      "stuck", Expectation::hunted,
      [](Context& context) {
        static std::atomic<std::uint32_t> word{1};
        context.run_threads(1, [&](int worker) {
          context.enter_blocking(worker, "futex_wait(forever)");
          for (;;) futex_wait(word, 1);
        });
      },
      1);
  const Outcome outcome = run_isolated(variant, quick(5.0), kHost, nullptr);
  EXPECT_EQ(outcome.verdict, "found");  // hunted: the hang is the bug found
  EXPECT_TRUE(outcome.left_blocked);
  EXPECT_LT(outcome.seconds, 5.0);
}

TEST(StressHarness, AWorkerSpinningForeverIsReportedAsNoProgress) {
  const Variant variant = make_variant(
      "spin", Expectation::correct,
      [](Context& context) {
        context.run_threads(1, [&](int) {
          while (!context.aborted()) {
          }
        });
      },
      1);
  const Outcome outcome = run_isolated(variant, quick(5.0), kHost, nullptr);
  EXPECT_EQ(outcome.verdict, "fail");
  EXPECT_NE(outcome.hang.find("no worker made progress"), std::string::npos) << outcome.hang;
}

// No variant follows a pointer it raced on: a crash is the harness's or the
// system's fault, whatever the variant hunts.
TEST(StressHarness, ACrashIsAFailureOfAnyVariant) {
  // SIGABRT: AddressSanitizer would catch a SIGSEGV, report it and exit 1
  // (a crash as well: the last case below).
  const auto crash = [](Context&) { ::abort(); };
  const Outcome correct =
      run_isolated(make_variant("crash", Expectation::correct, crash), quick(1), kHost, nullptr);
  EXPECT_EQ(correct.verdict, "fail");
  EXPECT_NE(correct.error.find("SIGABRT"), std::string::npos) << correct.error;
  const Outcome hunted =
      run_isolated(make_variant("crash", Expectation::hunted, crash), quick(1), kHost, nullptr);
  EXPECT_EQ(hunted.verdict, "fail");
  ASSERT_TRUE(hunted.first_failure.has_value());
  EXPECT_EQ(hunted.first_failure->kind, "crash");
  // A process that ends with a failure status and no outcome crashed too.
  const auto exits = [](Context&) { ::_exit(1); };
  const Outcome exited =
      run_isolated(make_variant("exit", Expectation::hunted, exits), quick(1), kHost, nullptr);
  EXPECT_EQ(exited.verdict, "fail");
  EXPECT_NE(exited.error.find("exited with status 1"), std::string::npos) << exited.error;
}

TEST(StressHarness, AVariantProcessThatStopsAnsweringIsKilledByTheSupervisor) {
  // Stopped, its watchdog cannot report either: the supervisor's own limit
  // (the variant's time, the watchdog's thresholds and 10 s) ends it.
  const Variant variant = make_variant(
      "stopped", Expectation::hunted, [](Context&) { ::raise(SIGSTOP); }, 1);
  const Outcome outcome = run_isolated(variant, quick(0.2), kHost, nullptr);
  EXPECT_EQ(outcome.verdict, "fail");
  EXPECT_NE(outcome.error.find("did not finish"), std::string::npos) << outcome.error;
  EXPECT_LT(outcome.seconds, 0.2 + 0.6 + 0.3 + 10.0 + 2.0);
}

TEST(StressHarness, AnExceptionIsAnError) {
  const Variant variant = make_variant("throw", Expectation::correct, [](Context& context) {
    context.run_threads(1, [](int) { throw std::runtime_error("pipe: Too many open files"); });
  });
  const Outcome outcome = run_isolated(variant, quick(0.5), kHost, nullptr);
  EXPECT_EQ(outcome.verdict, "fail");
  EXPECT_NE(outcome.error.find("Too many open files"), std::string::npos) << outcome.error;
}

TEST(StressHarness, TheFirstViolationKeepsItsDetailsAndEveryOneIsCounted) {
  const Variant variant = make_variant(
      "violate", Expectation::hunted,
      [](Context& context) {
        context.run_threads(1, [&](int) {
          context.violation("first", "the first one");
          context.violation("second", "the second one");
        });
      },
      1);
  const Outcome outcome = run_isolated(variant, quick(0.3), kHost, nullptr);
  EXPECT_EQ(outcome.verdict, "found");
  EXPECT_EQ(outcome.violations, 2u);
  ASSERT_TRUE(outcome.first_failure.has_value());
  EXPECT_EQ(outcome.first_failure->kind, "first");
  EXPECT_EQ(outcome.first_failure->details, "the first one");
}

TEST(StressHarness, ViolationsInAForkedProcessReachTheOutcome) {
  const Variant variant = make_variant("fork", Expectation::hunted, [](Context& context) {
    const pid_t child = ::fork();
    if (child == 0) {
      context.become_worker(1);
      context.violation("from the child", "seen in another process");
      context.finished(1);
      ::_exit(0);
    }
    context.track_process(child, "child");
    const std::string how = context.wait_process(child);
    if (how != "exited 0") context.violation("child", how);
  });
  const Outcome outcome = run_isolated(variant, quick(0.3), kHost, nullptr);
  EXPECT_EQ(outcome.violations, 1u);
  ASSERT_TRUE(outcome.first_failure.has_value());
  EXPECT_EQ(outcome.first_failure->kind, "from the child");
}

TEST(StressHarness, StopAtFirstFailureEndsTheVariantEarly) {
  const Variant variant = make_variant(
      "early", Expectation::hunted,
      [](Context& context) {
        context.run_threads(1, [&](int worker) {
          context.violation("found", "at once");
          while (!context.stopping()) context.add_progress(worker);
        });
      },
      1);
  RunSettings settings = quick(5.0);
  settings.stop_at_first_failure = true;
  const Outcome outcome = run_isolated(variant, settings, kHost, nullptr);
  EXPECT_EQ(outcome.verdict, "found");
  EXPECT_LT(outcome.seconds, 1.0);
}

TEST(StressHarness, SharedMemoryNamesAreRemovedEvenWhenTheVariantCrashes) {
  // The name is reported through a pipe, since the variant's process dies.
  int channel[2];
  ASSERT_EQ(::pipe(channel), 0);
  const Variant variant = make_variant("names", Expectation::correct, [&](Context& context) {
    const std::string name = context.object_name("region");
    const int fd = ::shm_open(name.c_str(), O_CREAT | O_RDWR, 0600);
    if (fd < 0) return;
    if (::write(channel[1], name.c_str(), name.size()) != static_cast<ssize_t>(name.size())) return;
    ::abort();
  });
  const Outcome outcome = run_isolated(variant, quick(0.5), kHost, nullptr);
  ::close(channel[1]);
  char buffer[256] = {};
  ASSERT_GT(::read(channel[0], buffer, sizeof buffer - 1), 0);
  ::close(channel[0]);
  const std::string name = buffer;
  EXPECT_EQ(outcome.verdict, "fail");
  EXPECT_EQ(name.rfind("/memharness-", 0), 0u) << name;
  EXPECT_FALSE(shm_entry_exists(name)) << name;
}

TEST(StressHarness, NamesOfProcessesThatNoLongerExistAreSweptAndOthersKept) {
  // A pid that is not running now: a child that has been reaped.
  const pid_t gone = ::fork();
  if (gone == 0) ::_exit(0);
  ASSERT_GT(gone, 0);
  ASSERT_EQ(::waitpid(gone, nullptr, 0), gone);
  const std::string stale = "/memharness-" + std::to_string(gone) + "-left-behind";
  const std::string live = "/memharness-" + std::to_string(::getpid()) + "-in-use";
  for (const auto& name : {stale, live}) {
    const int fd = ::shm_open(name.c_str(), O_CREAT | O_RDWR, 0600);
    ASSERT_GE(fd, 0) << name;
    ::close(fd);
  }
  remove_stale_objects();
  EXPECT_FALSE(shm_entry_exists(stale));
  EXPECT_TRUE(shm_entry_exists(live));
  remove_objects_of(::getpid());
  EXPECT_FALSE(shm_entry_exists(live));
}

TEST(StressOutcome, VerdictsFollowTheExpectationAndTheHost) {
  Variant mp;
  mp.expectation = Expectation::hunted;
  mp.hunted_on = {"aarch64"};
  EXPECT_TRUE(hunted_on_host(mp, "aarch64", false));
  EXPECT_FALSE(hunted_on_host(mp, "x86_64", false));
  // qemu-user shows the x86 host's orderings: an ARM reordering is not expected.
  EXPECT_FALSE(hunted_on_host(mp, "aarch64", true));

  Outcome outcome;
  outcome.expectation = Expectation::hunted;
  outcome.hunted_here = true;
  judge(outcome);
  EXPECT_EQ(outcome.verdict, "not-found");
  outcome.hunted_here = false;
  judge(outcome);
  EXPECT_EQ(outcome.verdict, "clean");
  outcome.violations = 3;
  judge(outcome);
  EXPECT_EQ(outcome.verdict, "found");
  outcome.expectation = Expectation::correct;
  judge(outcome);
  EXPECT_EQ(outcome.verdict, "fail");
}

TEST(StressOutcome, RoundTripsThroughItsRecord) {
  Outcome outcome;
  outcome.name = "p/v";
  outcome.protocol = "p";
  outcome.variant = "v";
  outcome.expectation = Expectation::hunted;
  outcome.verdict = "found";
  outcome.cpus = {0, 1};
  outcome.operations = 12;
  outcome.violations = 1;
  outcome.first_failure = FirstFailure{0.25, "stale data", "field 2"};
  outcome.metrics["short_reads"] = 3;
  outcome.notes = {"a note"};
  const Outcome back = outcome_from_json(to_json(outcome));
  EXPECT_EQ(to_json(back), to_json(outcome));
  EXPECT_EQ(to_json(outcome)["kind"], "stress");
}

}  // namespace
