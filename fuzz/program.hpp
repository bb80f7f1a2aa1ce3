// The differential target's programs: a few threads of atomic and plain
// accesses, RMWs, compare-exchanges and fences on up to three locations,
// decoded from the fuzzer's bytes. Every program is one a C11 litmus test and
// an mh:: model can both express, so src/axiom and src/check must agree on
// it (docs/fuzzing.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mh::fuzz {

enum class Order : std::uint8_t { Relaxed, Acquire, Release, AcqRel, SeqCst };
enum class RmwKind : std::uint8_t { Exchange, Add, Sub, And, Or, Xor };
enum class InstrKind : std::uint8_t { Load, Store, Rmw, Cas, Fence };

struct Instr {
  InstrKind kind = InstrKind::Load;
  int location = 0;
  Order order = Order::Relaxed;       // Relaxed on plain locations (they have no order)
  Order fail_order = Order::Relaxed;  // Cas
  RmwKind rmw = RmwKind::Exchange;
  bool weak = false;  // Cas: may fail spuriously
  int value = 1;      // store value, RMW operand, CAS desired value
  int expected = 0;   // Cas
  // Only executed when an earlier register of the thread holds guard_value
  // (a control dependency, and a way to make threads' paths differ).
  int guard_register = -1;  // index of an earlier instruction whose result is tested, or -1
  int guard_value = 0;

  bool operator==(const Instr&) const = default;
};

struct Program {
  std::vector<bool> plain;  // per location: plain (int, races possible) or atomic (atomic_int)
  std::vector<std::vector<Instr>> threads;

  std::size_t instruction_count() const;
  bool operator==(const Program&) const = default;
};

inline constexpr int kMaxThreads = 4;
inline constexpr int kMaxLocations = 3;
inline constexpr int kMaxInstructionsPerThread = 4;
inline constexpr int kMaxInstructions = 10;

// Any bytes decode to a valid program (missing bytes read as zero): 2-4
// threads of 1-4 instructions, at most 10 in all. Plain locations get only
// loads and stores; orders are those C++ allows for the operation.
Program decode_program(std::span<const std::uint8_t> bytes);

// One value of a final state: a thread's register or a location's last value.
// A compare-exchange has two registers: its result (r) and its expected
// value (e), which a failure overwrites with the value read.
struct Column {
  int thread = -1;  // -1: a location
  int instr = 0;    // the instruction whose register it is, or the location
  bool expected = false;
  std::string name() const;  // "0:r1", "0:e1", "x": the litmus test's terms
};
// Registers thread by thread, then the locations: the order of a State.
std::vector<Column> final_state_columns(const Program& program);

// The bytes that decode to `program` (a program decode_program can produce:
// within the limits above, values 1-3, expected values 0-2, a fence's
// location atomic, a guard on one of the thread's first two results, 0 or 1).
// Seeds and hand-written regression inputs are made with it. Throws
// std::invalid_argument for a program outside those limits.
std::vector<std::uint8_t> encode_program(const Program& program);

// Whether an instruction writes a register (loads, RMWs, CASes) and so can be
// observed in the final state.
bool has_result(const Instr& instr);

const char* location_name(int location);  // "x", "y", "z"
const char* order_name(Order order);      // "memory_order_relaxed", ...

}  // namespace mh::fuzz
