// Placeholder until the AArch64 backend lands (being written now).
#include <stdexcept>

#include "run/codegen_backend.hpp"

namespace mh::run::detail {
std::unique_ptr<Backend> make_aarch64_backend() { throw std::invalid_argument("AArch64 code generation is not written yet"); }
}  // namespace mh::run::detail
