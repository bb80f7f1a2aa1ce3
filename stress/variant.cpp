#include "stress/variant.hpp"

#include <algorithm>

namespace mh::stress {
namespace {

std::vector<Variant>& registry() {
  static std::vector<Variant> variants;
  return variants;
}

}  // namespace

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
