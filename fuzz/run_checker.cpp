#include "run_checker.hpp"

#include <array>
#include <optional>

#include "check/mh.hpp"

namespace mh::fuzz {
namespace {

std::memory_order to_std(Order order) {
  switch (order) {
    case Order::Relaxed:
      return std::memory_order_relaxed;
    case Order::Acquire:
      return std::memory_order_acquire;
    case Order::Release:
      return std::memory_order_release;
    case Order::AcqRel:
      return std::memory_order_acq_rel;
    case Order::SeqCst:
      return std::memory_order_seq_cst;
  }
  return std::memory_order_seq_cst;
}

// One execution's memory: each location an atomic or a plain variable.
struct Memory {
  std::array<std::optional<mh::atomic<int>>, kMaxLocations> atomics;
  std::array<std::optional<mh::var<int>>, kMaxLocations> plains;
};

// Registers of one thread: r (result) and e (CAS expected) per instruction.
struct Registers {
  std::array<std::int64_t, kMaxInstructionsPerThread> result{};
  std::array<std::int64_t, kMaxInstructionsPerThread> expected{};
};

// The checker tells a retry of one compare_exchange_weak from another
// statement by its source position (a retry does not fail spuriously twice in
// a row), so each instruction of a thread is a call of its own.
bool weak_cas_statement(std::size_t index, mh::atomic<int>& a, int& expected, int desired,
                        std::memory_order success, std::memory_order failure) {
  static_assert(kMaxInstructionsPerThread == 4, "one call per instruction of a thread");
  switch (index) {
    case 0:
      return a.compare_exchange_weak(expected, desired, success, failure);
    case 1:
      return a.compare_exchange_weak(expected, desired, success, failure);
    case 2:
      return a.compare_exchange_weak(expected, desired, success, failure);
    default:
      return a.compare_exchange_weak(expected, desired, success, failure);
  }
}

void execute(const Instr& instr, std::size_t index, Memory& memory, Registers& registers) {
  const auto l = static_cast<std::size_t>(instr.location);
  if (memory.plains[l]) {
    mh::var<int>& v = *memory.plains[l];
    if (instr.kind == InstrKind::Load) registers.result[index] = v.load();
    if (instr.kind == InstrKind::Store) v.store(instr.value);
    return;
  }
  mh::atomic<int>& a = *memory.atomics[l];
  const std::memory_order order = to_std(instr.order);
  switch (instr.kind) {
    case InstrKind::Load:
      registers.result[index] = a.load(order);
      break;
    case InstrKind::Store:
      a.store(instr.value, order);
      break;
    case InstrKind::Rmw:
      switch (instr.rmw) {
        case RmwKind::Exchange:
          registers.result[index] = a.exchange(instr.value, order);
          break;
        case RmwKind::Add:
          registers.result[index] = a.fetch_add(instr.value, order);
          break;
        case RmwKind::Sub:
          registers.result[index] = a.fetch_sub(instr.value, order);
          break;
        case RmwKind::And:
          registers.result[index] = a.fetch_and(instr.value, order);
          break;
        case RmwKind::Or:
          registers.result[index] = a.fetch_or(instr.value, order);
          break;
        case RmwKind::Xor:
          registers.result[index] = a.fetch_xor(instr.value, order);
          break;
      }
      break;
    case InstrKind::Cas: {
      int expected = static_cast<int>(registers.expected[index]);
      const bool exchanged =
          instr.weak ? weak_cas_statement(index, a, expected, instr.value, order, to_std(instr.fail_order))
                     : a.compare_exchange_strong(expected, instr.value, order, to_std(instr.fail_order));
      registers.result[index] = exchanged ? 1 : 0;
      registers.expected[index] = expected;
      break;
    }
    case InstrKind::Fence:
      mh::atomic_thread_fence(order);
      break;
  }
}

void run_thread(const std::vector<Instr>& code, Memory& memory, Registers& registers) {
  for (std::size_t i = 0; i < code.size(); ++i) {
    const Instr& instr = code[i];
    if (instr.guard_register >= 0 &&
        registers.result[static_cast<std::size_t>(instr.guard_register)] != instr.guard_value)
      continue;
    execute(instr, i, memory, registers);
  }
}

}  // namespace

Outcome run_checker(const Program& program, Model model) {
  Outcome outcome;
  const std::vector<Column> columns = final_state_columns(program);
  std::uint64_t ends = 0;  // runs that reached the end of the main thread
  const auto body = [&] {
    Memory memory;
    for (std::size_t l = 0; l < program.plain.size(); ++l) {
      const char* name = location_name(static_cast<int>(l));
      if (program.plain[l])
        memory.plains[l].emplace(0, name);
      else
        memory.atomics[l].emplace(0, name);
    }
    std::array<Registers, kMaxThreads> registers{};
    for (std::size_t t = 0; t < program.threads.size(); ++t)
      for (std::size_t i = 0; i < program.threads[t].size(); ++i)
        registers[t].expected[i] = program.threads[t][i].expected;
    std::vector<mh::thread> threads;
    for (std::size_t t = 0; t < program.threads.size(); ++t)
      threads.emplace_back([&, t] { run_thread(program.threads[t], memory, registers[t]); });
    for (mh::thread& thread : threads) thread.join();
    State state;
    for (const Column& column : columns) {
      if (column.thread < 0) {
        const auto l = static_cast<std::size_t>(column.instr);
        state.push_back(memory.plains[l] ? memory.plains[l]->load()
                                         : memory.atomics[l]->load(std::memory_order_relaxed));
      } else {
        const Registers& r = registers[static_cast<std::size_t>(column.thread)];
        const auto i = static_cast<std::size_t>(column.instr);
        state.push_back(column.expected ? r.expected[i] : r.result[i]);
      }
    }
    outcome.states.insert(std::move(state));
    ++ends;
  };
  check_options options;
  options.model = model == Model::SC ? memory_model::sc : memory_model::rc11;
  // Bounds as on the axiomatic side: a program beyond them is skipped.
  options.max_executions = 20'000;
  options.time_limit_seconds = 0.25;
  options.stack_bytes = 64 * 1024;
  const check_result result = model_check(body, options);
  outcome.executions = result.executions;
  if (result.found(error::data_race)) {
    outcome.race = true;
    outcome.detail = result.message;
    outcome.states.clear();  // the search stopped at the race: the states are a part only
  } else if (result.verdict == verdict::bound_reached) {
    outcome.status = Outcome::Status::TooLarge;
    outcome.detail = result.message;
  } else if (!result.ok()) {
    outcome.status = Outcome::Status::Failed;
    outcome.detail = std::string(to_string(result.error)) + ": " + result.message;
  } else if (ends != result.executions) {
    // Each complete execution runs the main thread to its end exactly once.
    outcome.status = Outcome::Status::Failed;
    outcome.detail = "the main thread ended " + std::to_string(ends) + " times in " +
                     std::to_string(result.executions) + " executions";
  }
  return outcome;
}

}  // namespace mh::fuzz
