#include "run/perpetual_analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace mh::run {

using litmus::InstrKind;

namespace {

// The iteration whose store a raw value came from (-1: the initial value).
inline std::int64_t iteration_of(word raw) { return raw - 1; }

litmus::Value evaluate_constant(const litmus::Expr& e) {
  // Addresses and stored values in a perpetual test are constants (checked
  // by perpetual_unsupported): only constant arithmetic remains.
  switch (e.kind) {
    case litmus::Expr::Kind::Const: return e.constant;
    case litmus::Expr::Kind::Binary: {
      const auto a = static_cast<std::uint64_t>(evaluate_constant(e.args[0]));
      const auto b = static_cast<std::uint64_t>(evaluate_constant(e.args[1]));
      switch (e.binary) {
        case litmus::BinaryOp::Add: return static_cast<litmus::Value>(a + b);
        case litmus::BinaryOp::Sub: return static_cast<litmus::Value>(a - b);
        case litmus::BinaryOp::Xor: return static_cast<litmus::Value>(a ^ b);
        default: break;
      }
      break;
    }
    default: break;
  }
  return e.constant;
}

// The location a constant or register-independent address names.
int location_of_address(const litmus::Expr& address, const litmus::Thread& thread) {
  std::vector<litmus::Value> values(thread.register_init.begin(), thread.register_init.end());
  // Registers in the address cancel out (r ^ r); any value serves.
  auto eval = [&](const auto& self, const litmus::Expr& e) -> litmus::Value {
    if (e.kind == litmus::Expr::Kind::Reg) return 0;
    if (e.kind == litmus::Expr::Kind::Const) return e.constant;
    if (e.kind == litmus::Expr::Kind::Binary) {
      const auto a = static_cast<std::uint64_t>(self(self, e.args[0]));
      const auto b = static_cast<std::uint64_t>(self(self, e.args[1]));
      switch (e.binary) {
        case litmus::BinaryOp::Add: return static_cast<litmus::Value>(a + b);
        case litmus::BinaryOp::Sub: return static_cast<litmus::Value>(a - b);
        case litmus::BinaryOp::Xor: return static_cast<litmus::Value>(a ^ b);
        case litmus::BinaryOp::And: return static_cast<litmus::Value>(a & b);
        case litmus::BinaryOp::Or: return static_cast<litmus::Value>(a | b);
        default: return static_cast<litmus::Value>(a);
      }
    }
    return self(self, e.args[0]);
  };
  const auto location = litmus::location_of(eval(eval, address));
  return location ? *location : -1;
}

}  // namespace

PerpetualAnalysis::PerpetualAnalysis(const litmus::Test& test, const std::vector<litmus::CondTerm>& observed)
    : threads_(static_cast<int>(test.threads.size())) {
  std::vector<int> writer(test.locations.size(), -1);
  std::vector<litmus::Value> stored(test.locations.size(), 0);
  for (int t = 0; t < threads_; ++t)
    for (const litmus::Instr& instr : test.threads[t].code)
      if (instr.kind == InstrKind::Store) {
        const int location = location_of_address(instr.addr, test.threads[t]);
        if (location < 0) throw std::invalid_argument("a store's address is not a location");
        writer[location] = t;
        stored[location] = evaluate_constant(instr.value);
      }

  loads_per_thread_.assign(threads_, 0);
  std::vector<std::vector<int>> load_of_register(threads_);
  for (int t = 0; t < threads_; ++t) {
    const litmus::Thread& thread = test.threads[t];
    load_of_register[t].assign(thread.registers.size(), -1);
    for (const litmus::Instr& instr : thread.code) {
      if (instr.kind != InstrKind::Load) continue;
      const int location = location_of_address(instr.addr, thread);
      if (location < 0) throw std::invalid_argument("a load's address is not a location");
      Load load;
      load.thread = t;
      load.index = static_cast<int>(loads_per_thread_[t]++);
      load.writer = writer[location];
      load.initial = test.locations[location].init;
      load.stored = stored[location];
      load_of_register[t][instr.dst] = static_cast<int>(loads_.size());
      loads_.push_back(load);
    }
  }
  for (const litmus::CondTerm& term : observed) {
    int thread_index = -1;
    for (int t = 0; t < threads_; ++t)
      if (test.threads[t].id == term.thread) thread_index = t;
    if (term.kind != litmus::CondTerm::Kind::Register || thread_index < 0)
      throw std::invalid_argument("the perpetual mode observes registers only");
    const int reg = test.threads[thread_index].find_register(term.reg);
    const int load = reg >= 0 ? load_of_register[thread_index][reg] : -1;
    if (load < 0) throw std::invalid_argument(fmt::format("{}:{} is not a load's register", term.thread, term.reg));
    column_load_.push_back(load);
  }
  if (loads_.size() > 16) throw std::invalid_argument("the perpetual mode examines at most 16 loads");
}

std::uint32_t PerpetualAnalysis::combinations() const {
  std::uint32_t n = 1;
  for (const Load& load : loads_)
    if (load.writer >= 0) n *= 2;
  return n;
}

std::uint64_t PerpetualAnalysis::add_chunk(const std::vector<const word*>& reads, std::int64_t n,
                                           Histogram& histogram, std::string& violation,
                                           std::chrono::steady_clock::time_point deadline) const {
  if (n <= 0 || threads_ == 0) return 0;
  // The observed iteration of load L at iteration k of its thread.
  const auto seen = [&](const Load& load, std::int64_t k) {
    return iteration_of(reads[load.thread][k * static_cast<std::int64_t>(loads_per_thread_[load.thread]) + load.index]);
  };
  for (const Load& load : loads_) {
    for (std::int64_t k = 1; k < n; ++k)
      if (seen(load, k) < seen(load, k - 1)) {
        violation = fmt::format(
            "thread {}'s load {} read iteration {} at iteration {} after iteration {} at iteration {}: a later read "
            "saw an older write of the same location (coherence forbids it)",
            load.thread, load.index, seen(load, k), k, seen(load, k - 1), k - 1);
        return 0;
      }
  }

  // Loads whose value depends on the frame: a writer exists.
  std::vector<int> free_loads;
  for (std::size_t i = 0; i < loads_.size(); ++i)
    if (loads_[i].writer >= 0) free_loads.push_back(static_cast<int>(i));
  const std::uint32_t masks = 1u << free_loads.size();

  std::vector<std::int64_t> lo(threads_), hi(threads_);
  std::vector<bool> sees_store(loads_.size());
  State state(column_load_.size());
  // Masks that differ only in loads no column shows give the same state:
  // an iteration counts once per state.
  std::uint32_t shown = 0;
  for (std::size_t f = 0; f < free_loads.size(); ++f)
    if (std::find(column_load_.begin(), column_load_.end(), free_loads[f]) != column_load_.end()) shown |= 1u << f;
  std::vector<std::uint64_t> counts(masks, 0);
  std::vector<std::int64_t> witnessed_at(masks, -1);

  std::int64_t examined = n;
  for (std::int64_t anchor = 0; anchor < n; ++anchor) {
    // Look at the clock every iteration when an iteration costs many searches.
    const std::int64_t period_mask = masks >= 64 ? 0 : 1023;
    if ((anchor & period_mask) == 0 && anchor > 0 && std::chrono::steady_clock::now() > deadline) {
      examined = anchor;
      break;
    }
    for (std::uint32_t mask = 0; mask < masks; ++mask) {
      if (witnessed_at[mask & shown] == anchor) continue;
      std::fill(lo.begin(), lo.end(), 0);
      std::fill(hi.begin(), hi.end(), n - 1);
      lo[0] = hi[0] = anchor;
      bool feasible = true;
      for (bool changed = true; changed && feasible;) {
        changed = false;
        for (std::size_t f = 0; f < free_loads.size() && feasible; ++f) {
          const Load& load = loads_[free_loads[f]];
          const int t = load.thread, u = load.writer;
          if (u == t) continue;  // decided per iteration below
          const bool sees = (mask >> f) & 1u;
          if (sees) {  // k_u <= seen(k_t)
            const std::int64_t cap = seen(load, hi[t]);
            if (cap < hi[u]) hi[u] = cap, changed = true;
            if (seen(load, lo[t]) < lo[u]) {
              std::int64_t a = lo[t], b = hi[t] + 1;  // first k with seen(k) >= lo[u]
              while (a < b) {
                const std::int64_t mid = a + (b - a) / 2;
                if (seen(load, mid) >= lo[u]) b = mid; else a = mid + 1;
              }
              lo[t] = a, changed = true;
            }
          } else {  // k_u >= seen(k_t) + 1
            const std::int64_t floor = seen(load, lo[t]) + 1;
            if (floor > lo[u]) lo[u] = floor, changed = true;
            if (seen(load, hi[t]) + 1 > hi[u]) {
              std::int64_t a = lo[t], b = hi[t] + 1;  // first k with seen(k) + 1 > hi[u]
              while (a < b) {
                const std::int64_t mid = a + (b - a) / 2;
                if (seen(load, mid) + 1 > hi[u]) b = mid; else a = mid + 1;
              }
              hi[t] = a - 1, changed = true;
            }
          }
          if (lo[t] > hi[t] || lo[u] > hi[u]) feasible = false;
        }
      }
      if (!feasible) continue;
      // The lower bounds are a frame; a load of its own thread's location
      // is decided by that frame.
      for (std::size_t f = 0; f < free_loads.size() && feasible; ++f) {
        const Load& load = loads_[free_loads[f]];
        if (load.writer != load.thread) continue;
        const bool sees = (mask >> f) & 1u;
        if ((seen(load, lo[load.thread]) >= lo[load.thread]) != sees) feasible = false;
      }
      if (!feasible) continue;
      witnessed_at[mask & shown] = anchor;
      ++counts[mask & shown];
    }
  }
  for (std::uint32_t mask = 0; mask < masks; ++mask) {
    const std::uint64_t count = counts[mask];
    if (count == 0) continue;
    std::fill(sees_store.begin(), sees_store.end(), false);
    for (std::size_t f = 0; f < free_loads.size(); ++f) sees_store[free_loads[f]] = (mask >> f) & 1u;
    for (std::size_t c = 0; c < column_load_.size(); ++c) {
      const Load& load = loads_[column_load_[c]];
      state[c] = sees_store[column_load_[c]] ? load.stored : load.initial;
    }
    histogram[state] += count;
  }
  return static_cast<std::uint64_t>(examined);
}

}  // namespace mh::run
