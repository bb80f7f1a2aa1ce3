// GoogleTest glue: model-check a registered model inside a user's test suite.
//   EXPECT_MODEL_OK(peterson_sc);
//   EXPECT_MODEL_FINDS(peterson_relaxed, mh::error::assertion);
// On failure the message carries the trace.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "model_registry.hpp"

namespace mh::testing {

// Header-only, so that memharness::check does not depend on GoogleTest.
inline check_result run_model_for_test(std::string_view name, const check_options* options) {
  return options != nullptr ? check_model(name, *options) : check_model(name);
}

inline std::string describe(const check_result& result) {
  std::string text = std::string(to_string(result.verdict));
  if (result.verdict == verdict::error_found) text += std::string(" (") + std::string(to_string(result.error)) + ")";
  text += ", " + std::to_string(result.executions) + " executions";
  if (!result.message.empty()) text += ": " + result.message;
  if (result.trace) text += "\n" + check::format_trace(*result.trace);
  return text;
}

inline ::testing::AssertionResult model_ok(std::string_view name, const check_options* options) {
  if (find_model(name) == nullptr)
    return ::testing::AssertionFailure() << "no model named '" << name << "' is registered";
  const check_result result = run_model_for_test(name, options);
  if (result.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "model " << name << ": expected ok, got " << describe(result);
}

inline ::testing::AssertionResult model_finds(std::string_view name, mh::error expected,
                                              const check_options* options) {
  if (find_model(name) == nullptr)
    return ::testing::AssertionFailure() << "no model named '" << name << "' is registered";
  const check_result result = run_model_for_test(name, options);
  if (result.found(expected)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "model " << name << ": expected to find " << to_string(expected)
                                       << ", got " << describe(result);
}

}  // namespace mh::testing

#define EXPECT_MODEL_OK(name) EXPECT_TRUE(::mh::testing::model_ok(#name, nullptr))
#define ASSERT_MODEL_OK(name) ASSERT_TRUE(::mh::testing::model_ok(#name, nullptr))
#define EXPECT_MODEL_FINDS(name, kind) EXPECT_TRUE(::mh::testing::model_finds(#name, kind, nullptr))
#define ASSERT_MODEL_FINDS(name, kind) ASSERT_TRUE(::mh::testing::model_finds(#name, kind, nullptr))
#define EXPECT_MODEL_OK_WITH(name, options) EXPECT_TRUE(::mh::testing::model_ok(#name, &(options)))
#define EXPECT_MODEL_FINDS_WITH(name, kind, options) \
  EXPECT_TRUE(::mh::testing::model_finds(#name, kind, &(options)))
