#include "axiom/model.hpp"

namespace mh::axiom {

ModelVerdict check_model(ModelKind model, const Execution& x, const Derived& d) {
  switch (model) {
    case ModelKind::SC: return check_sc(x, d);
    case ModelKind::TSO: return check_tso(x, d);
    case ModelKind::ARM: return check_arm(x, d);
    case ModelKind::RC11: return check_rc11(x, d);
  }
  return {};
}

const char* model_name(ModelKind model) {
  switch (model) {
    case ModelKind::SC: return "sc";
    case ModelKind::TSO: return "tso";
    case ModelKind::ARM: return "arm";
    case ModelKind::RC11: return "rc11";
  }
  return "?";
}

std::optional<ModelKind> parse_model_name(const std::string& name) {
  if (name == "sc") return ModelKind::SC;
  if (name == "tso" || name == "x86-tso" || name == "x86tso") return ModelKind::TSO;
  if (name == "arm" || name == "aarch64" || name == "armv8") return ModelKind::ARM;
  if (name == "rc11") return ModelKind::RC11;
  return std::nullopt;
}

ModelKind default_model(litmus::Arch arch) {
  switch (arch) {
    case litmus::Arch::C: return ModelKind::RC11;
    case litmus::Arch::X86:
    case litmus::Arch::X86_64: return ModelKind::TSO;
    case litmus::Arch::AArch64: return ModelKind::ARM;
  }
  return ModelKind::SC;
}

bool model_applies(ModelKind model, litmus::Arch arch) {
  return model == ModelKind::SC || model == default_model(arch);
}

}  // namespace mh::axiom
