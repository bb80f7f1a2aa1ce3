#include "stress/variant.hpp"

#include <algorithm>

namespace mh::stress {
namespace {

std::vector<Variant>& registry() {
  static std::vector<Variant> variants;
  return variants;
}

}  // namespace

Variant two_worker_variant(std::string protocol, std::string name, std::string description,
                           Expectation expectation, std::vector<std::string> hunted_on, bool reordering,
                           std::function<void(Context&)> run) {
  Variant variant;
  variant.protocol = std::move(protocol);
  variant.name = std::move(name);
  variant.description = std::move(description);
  variant.expectation = expectation;
  variant.hunted_on = std::move(hunted_on);
  variant.reordering = reordering;
  variant.workers = [](int) { return 2; };
  variant.run = std::move(run);
  return variant;
}

bool register_variant(Variant variant) {
  registry().push_back(std::move(variant));
  return true;
}

const std::vector<Variant>& registered_variants() {
  static const std::vector<Variant> sorted = [] {
    std::vector<Variant> variants = registry();
    std::stable_sort(variants.begin(), variants.end(),
                     [](const Variant& a, const Variant& b) { return a.protocol < b.protocol; });
    return variants;
  }();
  return sorted;
}

}  // namespace mh::stress
