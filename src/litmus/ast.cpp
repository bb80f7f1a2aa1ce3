#include "litmus/ast.hpp"

namespace mh::litmus {

std::optional<int> location_of(Value value) {
  if (value < kAddressBase) return std::nullopt;
  Value offset = value - kAddressBase;
  if (offset % kAddressStride != 0) return std::nullopt;
  Value index = offset / kAddressStride;
  if (index > (Value{1} << 20)) return std::nullopt;
  return static_cast<int>(index);
}

const char* arch_name(Arch arch) {
  switch (arch) {
    case Arch::C: return "C";
    case Arch::X86: return "X86";
    case Arch::X86_64: return "X86_64";
    case Arch::AArch64: return "AArch64";
  }
  return "?";
}

}  // namespace mh::litmus
