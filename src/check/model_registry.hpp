// Models registered by name (MH_MODEL) so that `memharness check NAME` and
// EXPECT_MODEL_OK(NAME) can find them.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "options.hpp"
#include "result.hpp"

namespace mh {

struct registered_model {
  std::string name;
  void (*body)() = nullptr;
  mh::error expected = error::none;  // what the model is meant to exhibit
  std::string description;
  std::string file;
  int line = 0;
  check_options options;  // the model's own bounds (defaults for MH_MODEL)
};

bool register_model(registered_model model);
const std::vector<registered_model>& registered_models();
const registered_model* find_model(std::string_view name);

// Model-check one function: it is the main thread of every execution.
check_result model_check(const std::function<void()>& body, const check_options& options = {});
// Model-check a registered model with exactly `options` (the model's own
// registered options are not merged in; memharness check does that merge).
check_result check_model(std::string_view name, const check_options& options);
check_result check_model(std::string_view name);

}  // namespace mh

#define MH_DETAIL_CONCAT2(a, b) a##b
#define MH_DETAIL_CONCAT(a, b) MH_DETAIL_CONCAT2(a, b)

// MH_MODEL(name) { body }  registers a model that should have no error.
// MH_MODEL_EXPECT(name, mh::error::data_race, "why") { body }  one that should.
#define MH_MODEL(name) MH_MODEL_EXPECT(name, ::mh::error::none, "")
#define MH_MODEL_EXPECT(name, expected_error, text)                                                  \
  static void mh_model_body_##name();                                                                \
  [[maybe_unused]] static const bool mh_model_registered_##name = ::mh::register_model(              \
      ::mh::registered_model{#name, &mh_model_body_##name, expected_error, text, __FILE__, __LINE__, {}}); \
  static void mh_model_body_##name()
