// The memory models: each decides whether one candidate execution is
// consistent (and, for rc11, whether it has a data race).
#pragma once

#include <optional>
#include <string>

#include "axiom/execution.hpp"

namespace mh::axiom {

enum class ModelKind : std::uint8_t { SC, TSO, ARM, RC11 };

struct ModelVerdict {
  bool consistent = false;
  bool undefined = false;  // rc11: a data race on non-atomic accesses (herd's Flag *undef*)
};

ModelVerdict check_sc(const Execution& x, const Derived& d);
ModelVerdict check_tso(const Execution& x, const Derived& d);
ModelVerdict check_arm(const Execution& x, const Derived& d);
ModelVerdict check_rc11(const Execution& x, const Derived& d);
ModelVerdict check_model(ModelKind model, const Execution& x, const Derived& d);

// RC11's happens-before (sb and synchronises-with through release sequences).
Relation rc11_happens_before(const Execution& x);
// C11's data race: conflicting accesses of different threads, not both
// atomic, unordered by `hb`.
bool c11_data_race(const Execution& x, const Relation& hb);

const char* model_name(ModelKind model);  // "sc", "tso", "arm", "rc11"
std::optional<ModelKind> parse_model_name(const std::string& name);
// The model herd would pick for the test's architecture.
ModelKind default_model(litmus::Arch arch);
// sc applies to every test; tso to X86 and X86_64, arm to AArch64, rc11 to C.
bool model_applies(ModelKind model, litmus::Arch arch);

}  // namespace mh::axiom
