#include "run/native_test.hpp"

#include <map>

namespace mh::run {
namespace {
// Filled by static initialisers of the generated suite before main runs.
std::map<std::string, const NativeTest*>& registry() {
  static std::map<std::string, const NativeTest*> tests;
  return tests;
}
}  // namespace

NativeRegistration::NativeRegistration(const NativeTest* test) { registry()[test->key] = test; }

const NativeTest* find_native_test(const std::string& key) {
  auto found = registry().find(key);
  return found == registry().end() ? nullptr : found->second;
}

std::size_t native_test_count() { return registry().size(); }

}  // namespace mh::run
