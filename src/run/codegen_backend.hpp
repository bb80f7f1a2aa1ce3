// What each architecture's code generator provides to the common walker of
// codegen.cpp: how one IR instruction becomes C++ (std::atomic_ref) or inline
// assembly. Statements are appended to `out`; operands are C++ expressions of
// type `word` (registers are locals r0, r1, ...; a pointer is a `word*`).
#pragma once

#include <memory>
#include <string>

#include "litmus/ast.hpp"

namespace mh::run::detail {

class Backend {
 public:
  virtual ~Backend() = default;

  // The value of `a op b`. The default is C++ arithmetic; a backend whose
  // hardware honours dependencies computes it in assembly so that the
  // compiler cannot fold `r ^ r` to 0 and drop the dependency. May append
  // statements (temporaries named by `fresh`).
  virtual std::string binary(litmus::BinaryOp op, const std::string& a, const std::string& b, std::string& out,
                             const std::string& fresh);

  virtual void load(const litmus::Instr& instr, const std::string& pointer, const std::string& dst,
                    std::string& out) = 0;
  virtual void store(const litmus::Instr& instr, const std::string& pointer, const std::string& value,
                     std::string& out) = 0;
  // dst may be "" (the old value is not kept).
  virtual void rmw(const litmus::Instr& instr, const std::string& pointer, const std::string& operand,
                   const std::string& dst, std::string& out) = 0;
  // `expected` is an lvalue that receives the old value; `succeeded` ("" or an
  // lvalue) receives 1 when the value was written, else 0.
  virtual void cas(const litmus::Instr& instr, const std::string& pointer, const std::string& expected,
                   const std::string& desired, const std::string& succeeded, std::string& out) = 0;
  // AArch64 only: `status` receives 0 on success, 1 on failure.
  virtual void store_exclusive(const litmus::Instr& instr, const std::string& pointer, const std::string& value,
                               const std::string& status, std::string& out);
  virtual void fence(const litmus::Instr& instr, std::string& out) = 0;
  // `if (condition != 0) goto label;` — a backend may branch in assembly so
  // that a control dependency is a real branch.
  virtual void branch_if(const std::string& condition, const std::string& label, std::string& out);
};

std::unique_ptr<Backend> make_c_backend();
std::unique_ptr<Backend> make_x86_64_backend();
std::unique_ptr<Backend> make_aarch64_backend();

// Text of a C++ std::memory_order for an IR order (NonAtomic runs relaxed:
// a plain racy access would be undefined behaviour in C++).
const char* memory_order_text(litmus::MemOrder order);

}  // namespace mh::run::detail
