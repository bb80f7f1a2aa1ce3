// The assembly dialects (X86, X86_64, AArch64): the frame parser splits the
// `P0 | P1 ;` table into one column per thread and hands each column here.
#pragma once

#include <string>
#include <vector>

#include "litmus/ast.hpp"

namespace mh::litmus {

// One non-empty cell of a thread's column: the text of one instruction (or a
// label `L0:` possibly followed by an instruction), where it starts, and
// where each of its characters is (a cell may run over lines).
struct AsmLine {
  std::string text;
  Pos pos;
  std::vector<Pos> char_pos;  // empty: the text is on one line from `pos`
};

// Builds thread `thread_id`'s code from its column. Shared locations named in
// the code (`[x]`, `(x)`) are interned in `test.locations`. Registers are
// interned under their canonical names (see canonical_register). Throws
// ParseError (`unsupported instruction ...`, `undefined label ...`, ...).
Thread parse_asm_thread(Arch arch, int thread_id, const std::vector<AsmLine>& lines, Test& test);

// The canonical name of a register of `arch` (aliases folded: W3 and X3 are
// "X3"; EAX and RAX / %eax and %rax are one register), or "" if `name` is
// not a register of that architecture. Used for `0:X1=x;` in init blocks and
// `1:W0=1` in conditions.
std::string canonical_register(Arch arch, const std::string& name);

}  // namespace mh::litmus
