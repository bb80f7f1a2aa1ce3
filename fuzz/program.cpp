#include "program.hpp"

#include <algorithm>
#include <stdexcept>

namespace mh::fuzz {
namespace {

// Reads the fuzzer's bytes front to back; past the end every byte is 0, so a
// shorter input is a smaller program (what libFuzzer's minimisation wants).
class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::uint8_t next() { return position_ < bytes_.size() ? bytes_[position_++] : 0; }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t position_ = 0;
};

constexpr Order kLoadOrders[] = {Order::Relaxed, Order::Acquire, Order::SeqCst};
constexpr Order kStoreOrders[] = {Order::Relaxed, Order::Release, Order::SeqCst};
constexpr Order kRmwOrders[] = {Order::Relaxed, Order::Acquire, Order::Release, Order::AcqRel, Order::SeqCst};
// C++17 onwards: a failure order may be anything but release and acq_rel.
constexpr Order kFailOrders[] = {Order::Relaxed, Order::Acquire, Order::SeqCst};
constexpr Order kFenceOrders[] = {Order::Acquire, Order::Release, Order::AcqRel, Order::SeqCst};

// Each choice reads its own bits of a byte, so that encode_program can set
// one without disturbing the others.
template <typename T, std::size_t N>
T pick(const T (&choices)[N], unsigned bits) {
  return choices[bits % N];
}

template <typename T, std::size_t N>
unsigned index_of(const T (&choices)[N], T value, const char* what) {
  for (std::size_t i = 0; i < N; ++i)
    if (choices[i] == value) return static_cast<unsigned>(i);
  throw std::invalid_argument(std::string("encode_program: ") + what + " outside what the decoder produces");
}

// Instruction kinds by the low three bits of the shape byte (atomic
// locations; a plain location reads bit 0 only: load or store).
constexpr InstrKind kAtomicKinds[] = {InstrKind::Load, InstrKind::Store, InstrKind::Load,  InstrKind::Store,
                                      InstrKind::Rmw,  InstrKind::Cas,   InstrKind::Fence, InstrKind::Rmw};

Instr decode_instr(ByteReader& in, const Program& program, const std::vector<Instr>& earlier) {
  Instr instr;
  const std::uint8_t shape = in.next();
  const std::uint8_t operands = in.next();
  instr.location = (shape >> 4) % static_cast<int>(program.plain.size());
  const bool plain = program.plain[static_cast<std::size_t>(instr.location)];
  // Loads and stores are the common case; a plain location has nothing else.
  if (plain)
    instr.kind = (shape & 1) == 0 ? InstrKind::Load : InstrKind::Store;
  else
    instr.kind = kAtomicKinds[shape & 7];
  // orders: bits 0-2 the order, 3-5 the RMW operation or (bits 3-4) the CAS
  // failure order, bit 7 a weak CAS.
  const std::uint8_t orders = in.next();
  switch (instr.kind) {
    case InstrKind::Load:
      instr.order = pick(kLoadOrders, orders & 7U);
      break;
    case InstrKind::Store:
      instr.order = pick(kStoreOrders, orders & 7U);
      break;
    case InstrKind::Rmw:
      instr.order = pick(kRmwOrders, orders & 7U);
      instr.rmw = static_cast<RmwKind>((orders >> 3 & 7U) % 6);
      break;
    case InstrKind::Cas:
      instr.order = pick(kRmwOrders, orders & 7U);
      instr.fail_order = pick(kFailOrders, orders >> 3 & 3U);
      instr.weak = (orders & 0x80) != 0;
      break;
    case InstrKind::Fence:
      instr.order = pick(kFenceOrders, orders & 7U);
      break;
  }
  if (plain) instr.order = Order::Relaxed;  // a plain access has no order: one way to write it
  // operands: bits 0-1 the value, 2-3 the CAS's expected value, 4-6 all set
  // for a guard (one time in eight), bit 7 which earlier result it tests;
  // shape's bit 3 is the value the guard wants.
  instr.value = 1 + (operands & 3U) % 3;
  instr.expected = (operands >> 2 & 3U) % 3;
  if ((operands >> 4 & 7U) == 7) {
    std::vector<int> results;
    for (std::size_t i = 0; i < earlier.size(); ++i)
      if (has_result(earlier[i])) results.push_back(static_cast<int>(i));
    if (!results.empty()) {
      instr.guard_register = results[(operands >> 7) % results.size()];
      instr.guard_value = shape >> 3 & 1;
    }
  }
  return instr;
}

std::uint8_t check_byte(unsigned value) {
  if (value > 0xFF) throw std::invalid_argument("encode_program: a field does not fit its bits");
  return static_cast<std::uint8_t>(value);
}

void encode_instr(const Program& program, const std::vector<Instr>& code, std::size_t index,
                  std::vector<std::uint8_t>& out) {
  const Instr& instr = code[index];
  if (instr.location < 0 || static_cast<std::size_t>(instr.location) >= program.plain.size())
    throw std::invalid_argument("encode_program: a location outside the program");
  const bool plain = program.plain[static_cast<std::size_t>(instr.location)];
  unsigned kind = 0;
  if (plain) {
    if (instr.kind != InstrKind::Load && instr.kind != InstrKind::Store)
      throw std::invalid_argument("encode_program: a plain location has only loads and stores");
    kind = instr.kind == InstrKind::Store ? 1 : 0;
  } else {
    kind = index_of(kAtomicKinds, instr.kind, "instruction kind");
  }
  if (instr.guard_value < 0 || instr.guard_value > 1)
    throw std::invalid_argument("encode_program: a guard value other than 0 or 1");
  const unsigned shape =
      static_cast<unsigned>(instr.location) << 4 | static_cast<unsigned>(instr.guard_value) << 3 | kind;
  if (instr.value < 1 || instr.value > 3 || instr.expected < 0 || instr.expected > 2)
    throw std::invalid_argument("encode_program: a value outside 1-3 or an expected value outside 0-2");
  unsigned operands = static_cast<unsigned>(instr.value - 1) | static_cast<unsigned>(instr.expected) << 2;
  if (instr.guard_register >= 0) {
    std::vector<int> results;
    for (std::size_t i = 0; i < index; ++i)
      if (has_result(code[i])) results.push_back(static_cast<int>(i));
    const auto found = std::find(results.begin(), results.end(), instr.guard_register);
    if (found == results.end() || found - results.begin() > 1)
      throw std::invalid_argument(
          "encode_program: a guard on other than one of the first two earlier results");
    operands |= 7U << 4 | static_cast<unsigned>(found - results.begin()) << 7;
  } else if (instr.guard_value != 0) {
    throw std::invalid_argument("encode_program: a guard value without a guard");
  }
  unsigned orders = 0;
  switch (instr.kind) {
    case InstrKind::Load:
      orders = index_of(kLoadOrders, instr.order, "load order");
      break;
    case InstrKind::Store:
      orders = index_of(kStoreOrders, instr.order, "store order");
      break;
    case InstrKind::Rmw:
      orders = index_of(kRmwOrders, instr.order, "RMW order") | static_cast<unsigned>(instr.rmw) << 3;
      break;
    case InstrKind::Cas:
      orders = index_of(kRmwOrders, instr.order, "CAS order") |
               index_of(kFailOrders, instr.fail_order, "CAS failure order") << 3 | (instr.weak ? 0x80U : 0U);
      break;
    case InstrKind::Fence:
      orders = index_of(kFenceOrders, instr.order, "fence order");
      break;
  }
  if (plain) {
    if (instr.order != Order::Relaxed)
      throw std::invalid_argument("encode_program: a plain access with a memory order");
    orders = 0;
  }
  out.push_back(check_byte(shape));
  out.push_back(check_byte(operands));
  out.push_back(check_byte(orders));
}

}  // namespace

std::vector<std::uint8_t> encode_program(const Program& program) {
  const std::size_t threads = program.threads.size();
  const std::size_t locations = program.plain.size();
  if (threads < 2 || threads > kMaxThreads || locations < 1 || locations > kMaxLocations ||
      program.instruction_count() > kMaxInstructions)
    throw std::invalid_argument("encode_program: threads, locations or instructions outside the limits");
  std::vector<std::uint8_t> out;
  out.push_back(check_byte(static_cast<unsigned>(threads - 2) | static_cast<unsigned>(locations - 1) << 2));
  unsigned mask = 0;
  for (std::size_t l = 0; l < locations; ++l) mask |= (program.plain[l] ? 1U : 0U) << l;
  out.push_back(check_byte(mask));
  for (const auto& code : program.threads) {
    if (code.empty() || code.size() > kMaxInstructionsPerThread)
      throw std::invalid_argument("encode_program: a thread with no or too many instructions");
    out.push_back(check_byte(static_cast<unsigned>(code.size() - 1)));
    for (std::size_t i = 0; i < code.size(); ++i) encode_instr(program, code, i, out);
  }
  return out;
}

std::size_t Program::instruction_count() const {
  std::size_t count = 0;
  for (const auto& thread : threads) count += thread.size();
  return count;
}

bool has_result(const Instr& instr) {
  return instr.kind != InstrKind::Store && instr.kind != InstrKind::Fence;
}

Program decode_program(std::span<const std::uint8_t> bytes) {
  ByteReader in(bytes);
  Program program;
  const std::uint8_t header = in.next();
  const int threads = 2 + static_cast<int>((header & 3U) % 3);
  const int locations = 1 + static_cast<int>((header >> 2 & 3U) % kMaxLocations);
  const std::uint8_t plain_mask = in.next();
  for (int l = 0; l < locations; ++l) program.plain.push_back((plain_mask >> l & 1) != 0);
  // Every thread gets at least one instruction; later ones are cut so the
  // whole program stays within kMaxInstructions (exploration stays cheap).
  int budget = kMaxInstructions;
  program.threads.resize(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    const int reserved = threads - t - 1;
    const int wanted = 1 + static_cast<int>(in.next() & 3U);
    const int count = std::max(1, std::min(wanted, budget - reserved));
    budget -= count;
    auto& code = program.threads[static_cast<std::size_t>(t)];
    for (int i = 0; i < count; ++i) code.push_back(decode_instr(in, program, code));
  }
  return program;
}

std::string Column::name() const {
  if (thread < 0) return location_name(instr);
  return std::to_string(thread) + (expected ? ":e" : ":r") + std::to_string(instr);
}

std::vector<Column> final_state_columns(const Program& program) {
  std::vector<Column> columns;
  for (std::size_t t = 0; t < program.threads.size(); ++t) {
    const auto& code = program.threads[t];
    for (std::size_t i = 0; i < code.size(); ++i) {
      if (!has_result(code[i])) continue;
      columns.push_back(Column{static_cast<int>(t), static_cast<int>(i), false});
      if (code[i].kind == InstrKind::Cas)
        columns.push_back(Column{static_cast<int>(t), static_cast<int>(i), true});
    }
  }
  for (std::size_t l = 0; l < program.plain.size(); ++l)
    columns.push_back(Column{-1, static_cast<int>(l), false});
  return columns;
}

const char* location_name(int location) {
  constexpr const char* kNames[] = {"x", "y", "z"};
  return kNames[location];
}

const char* order_name(Order order) {
  switch (order) {
    case Order::Relaxed:
      return "memory_order_relaxed";
    case Order::Acquire:
      return "memory_order_acquire";
    case Order::Release:
      return "memory_order_release";
    case Order::AcqRel:
      return "memory_order_acq_rel";
    case Order::SeqCst:
      return "memory_order_seq_cst";
  }
  return "memory_order_seq_cst";
}

}  // namespace mh::fuzz
