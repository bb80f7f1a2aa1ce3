// Every registered stress variant, run for real on this machine's cores, with
// the verdict its expectation demands:
//   - a correct variant passes (no violation, no hang) — a protocol that the
//     model checker proved correct and the hardware broke would be a harness
//     bug, a kernel bug or a hardware bug;
//   - a hunted bug that needs only an unlucky interleaving (a lost wake-up, a
//     missing post, a producer killed inside its critical section, a lock
//     used where data readiness was needed) is found on any machine;
//   - a hunted bug of the MP shape (a relaxed flag publishing data) is never
//     seen on x86-64: TSO keeps stores in order and loads in order (Intel SDM
//     vol. 3A 8.2.3.2, 8.2.3.3), so it is `clean` there;
//   - a hunted store-buffer (SB) reordering needs both racing threads on two
//     cores at once; ctest runs other tests beside this one, so here it only
//     must not fail — the stress_x86_sb_hunters_found test, alone on the
//     machine, requires it found.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "stress/supervisor.hpp"

namespace {

using namespace mh::stress;

std::string host_arch() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#else
  return "other";
#endif
}

class StressVariant : public testing::TestWithParam<std::string> {};

TEST_P(StressVariant, VerdictMatchesItsExpectation) {
  const Variant* variant = nullptr;
  for (const auto& candidate : registered_variants())
    if (candidate.full_name() == GetParam()) variant = &candidate;
  ASSERT_NE(variant, nullptr);
  const HostFacts host{host_arch(), false};
  RunSettings settings;
  settings.threads = 0;  // one worker per CPU, as users run it
  settings.seed = 7;
  const bool must_find = variant->expectation == Expectation::hunted && !variant->reordering;
  if (must_find) {
    settings.seconds = 5.0;
    settings.stop_at_first_failure = true;
  } else {
    settings.seconds = 1.0;
  }
  const Outcome outcome = run_isolated(*variant, settings, host, nullptr);
  std::string evidence = outcome.error + "\n" + outcome.hang;
  if (outcome.first_failure)
    evidence += "\n" + outcome.first_failure->kind + ": " + outcome.first_failure->details;

  EXPECT_NE(outcome.verdict, "fail") << evidence;
  if (variant->expectation == Expectation::correct) {
    EXPECT_EQ(outcome.verdict, "pass") << evidence;
    EXPECT_GT(outcome.operations, 0u);
  } else if (must_find) {
    EXPECT_EQ(outcome.verdict, "found") << "not found in " << outcome.seconds << " s";
  } else if (host.arch == "x86_64" && !variant->hunted_on.empty() &&
             std::find(variant->hunted_on.begin(), variant->hunted_on.end(), "x86_64") ==
                 variant->hunted_on.end()) {
    EXPECT_EQ(outcome.verdict, "clean") << evidence;
    EXPECT_EQ(outcome.violations, 0u) << evidence;
  }
  EXPECT_FALSE(outcome.left_blocked) << "a worker could not be woken after the run: " << outcome.hang;
}

std::vector<std::string> variant_names() {
  std::vector<std::string> names;
  for (const auto& variant : registered_variants()) names.push_back(variant.full_name());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Registered, StressVariant, testing::ValuesIn(variant_names()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

}  // namespace
