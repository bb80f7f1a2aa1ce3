// The axiomatic checker's time limit holds in every phase, thread path
// enumeration included (the differential fuzzer found inputs where the
// paths alone took seconds past a 0.25 s limit: docs/fuzzing.md). No timing
// is asserted: a deadline already past must stop the work, whatever the
// machine's speed.
#include <gtest/gtest.h>

#include <chrono>

#include "axiom/checker.hpp"
#include "axiom/thread_paths.hpp"
#include "litmus/parser.hpp"

namespace mh::axiom {
namespace {

// Four reads of x: with six values each may return, 6^4 = 1296 paths.
const char* const kFourReads =
    "C FourReads\n{ x = 0; }\n"
    "P0 (atomic_int* x) {\n"
    "  int r0 = atomic_load_explicit(x, memory_order_relaxed);\n"
    "  int r1 = atomic_load_explicit(x, memory_order_relaxed);\n"
    "  int r2 = atomic_load_explicit(x, memory_order_relaxed);\n"
    "  int r3 = atomic_load_explicit(x, memory_order_relaxed);\n"
    "}\n"
    "exists (0:r0=0)\n";

TEST(AxiomTimeLimit, PathEnumerationStopsAtItsDeadline) {
  const litmus::Test test = litmus::parse_litmus(kFourReads, "four-reads.litmus");
  const ValueDomains domains = {{0, 1, 2, 3, 4, 5}};
  PathLimits limits;
  std::vector<ThreadPath> paths;
  ASSERT_EQ(enumerate_thread_paths(test, test.threads[0], domains, limits, paths), PathStatus::Ok);
  EXPECT_EQ(paths.size(), 1296U);  // enough steps that the clock is read on the way

  limits.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  paths.clear();
  EXPECT_EQ(enumerate_thread_paths(test, test.threads[0], domains, limits, paths), PathStatus::TooLarge);
  EXPECT_LT(paths.size(), 1296U);
}

TEST(AxiomTimeLimit, ALimitOfZeroSecondsStopsTheCheckAndSaysSo) {
  const litmus::Test test = litmus::parse_litmus(kFourReads, "four-reads.litmus");
  CheckLimits limits;
  limits.max_seconds = 0;
  const CheckResult result = check_test(test, ModelKind::RC11, limits);
  EXPECT_EQ(result.status, CheckResult::Status::TooLarge);
  EXPECT_EQ(result.too_large_reason, "checking took longer than 0 s");
  limits.max_seconds = 20;
  EXPECT_EQ(check_test(test, ModelKind::RC11, limits).status, CheckResult::Status::Ok);
}

}  // namespace
}  // namespace mh::axiom
