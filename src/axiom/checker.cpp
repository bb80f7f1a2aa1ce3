#include "axiom/checker.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <fmt/format.h>
#include <set>

namespace mh::axiom {

using litmus::CondTerm;
using litmus::Prop;
using litmus::Test;
using litmus::Value;

const char* observation_name(Observation observation) {
  switch (observation) {
    case Observation::Never: return "Never";
    case Observation::Sometimes: return "Sometimes";
    case Observation::Always: return "Always";
  }
  return "?";
}

Observation CheckResult::observation() const {
  if (positive == 0) return Observation::Never;
  if (negative == 0) return Observation::Always;
  return Observation::Sometimes;
}

bool CheckResult::validated(litmus::Quantifier quantifier) const {
  switch (quantifier) {
    case litmus::Quantifier::Exists: return positive > 0;
    case litmus::Quantifier::NotExists: return positive == 0;
    case litmus::Quantifier::Forall: return negative == 0;
  }
  return false;
}

std::string format_value(const Test& test, Value value) {
  if (auto loc = litmus::location_of(value); loc && *loc < static_cast<int>(test.locations.size()))
    return test.locations[*loc].name;
  return std::to_string(value);
}

namespace {

bool same_term(const CondTerm& a, const CondTerm& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == CondTerm::Kind::Memory) return a.location == b.location;
  return a.thread == b.thread && a.reg == b.reg;
}

void collect_terms(const Prop& prop, std::vector<CondTerm>& terms) {
  if (prop.kind == Prop::Kind::Eq || prop.kind == Prop::Kind::Ne) terms.push_back(prop.term);
  for (const Prop& arg : prop.args) collect_terms(arg, terms);
}

// The final-state columns: `locations [...]` and every term of the
// condition, registers first (by thread, then name), then memory by name.
std::vector<CondTerm> observed_terms(const Test& test) {
  std::vector<CondTerm> terms = test.observed;
  collect_terms(test.condition.prop, terms);
  std::vector<CondTerm> unique;
  for (const CondTerm& t : terms)
    if (std::none_of(unique.begin(), unique.end(), [&](const CondTerm& u) { return same_term(t, u); }))
      unique.push_back(t);
  std::stable_sort(unique.begin(), unique.end(), [&](const CondTerm& a, const CondTerm& b) {
    if (a.kind != b.kind) return a.kind == CondTerm::Kind::Register;
    if (a.kind == CondTerm::Kind::Register)
      return a.thread != b.thread ? a.thread < b.thread : a.reg < b.reg;
    return test.locations[a.location].name < test.locations[b.location].name;
  });
  return unique;
}

template <typename Lookup>
bool eval_prop(const Prop& prop, const Lookup& lookup) {
  switch (prop.kind) {
    case Prop::Kind::True: return true;
    case Prop::Kind::False: return false;
    case Prop::Kind::Eq: return lookup(prop.term) == prop.value;
    case Prop::Kind::Ne: return lookup(prop.term) != prop.value;
    case Prop::Kind::Not: return !eval_prop(prop.args.at(0), lookup);
    case Prop::Kind::And: return eval_prop(prop.args.at(0), lookup) && eval_prop(prop.args.at(1), lookup);
    case Prop::Kind::Or: return eval_prop(prop.args.at(0), lookup) || eval_prop(prop.args.at(1), lookup);
    case Prop::Kind::Implies: return !eval_prop(prop.args.at(0), lookup) || eval_prop(prop.args.at(1), lookup);
  }
  return false;
}

}  // namespace

bool state_satisfies(const Prop& prop, const std::vector<CondTerm>& observed, const std::vector<Value>& values) {
  return eval_prop(prop, [&](const CondTerm& term) -> Value {
    for (std::size_t i = 0; i < observed.size() && i < values.size(); ++i)
      if (same_term(observed[i], term)) return values[i];
    return 0;
  });
}

namespace {

// Coherence orders of one location kept at once (each a vector of writes).
constexpr std::size_t kMaxCoherenceOrders = 200'000;

class Enumerator {
 public:
  Enumerator(const Test& test, ModelKind model, const CheckLimits& limits, CheckResult& result)
      : test_(test), model_(model), limits_(limits), result_(result),
        start_(std::chrono::steady_clock::now()) {}

  void run() {
    result_.observed = observed_terms(test_);
    if (!compute_paths()) return;
    std::vector<std::size_t> choice(test_.threads.size(), 0);
    for (const auto& p : paths_)
      if (p.empty()) return;  // a thread with no complete path: no execution at all
    std::uint64_t combinations = 0;
    while (true) {
      if ((++combinations & 0x3f) == 0 && out_of_time()) return;
      if (reads_can_be_satisfied(choice) && !examine_paths(choice)) return;
      // Next combination of per-thread paths (odometer).
      std::size_t t = 0;
      for (; t < choice.size(); ++t) {
        if (++choice[t] < paths_[t].size()) break;
        choice[t] = 0;
      }
      if (t == choice.size()) break;
    }
  }

 private:
  bool too_large(std::string reason) {
    result_.status = CheckResult::Status::TooLarge;
    result_.too_large_reason = std::move(reason);
    return false;
  }

  // Marks the result too large once the time limit has passed.
  bool out_of_time() {
    if (elapsed() <= limits_.max_seconds) return false;
    too_large(fmt::format("checking took longer than {:g} s", limits_.max_seconds));
    return true;
  }

  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

  // Every read returns a value some write may store: grow each location's
  // value set from the initial values, one round per link of a chain of
  // writes whose values come from reads. All four models forbid a value
  // that depends on itself (out of thin air), so a value that is read in a
  // consistent execution comes from a chain of at most as many writes as the
  // execution has; rounds beyond that add only values no execution can read,
  // and an RMW feedback loop (counters) stops growing there.
  bool compute_paths() {
    ValueDomains domains(test_.locations.size());
    for (std::size_t l = 0; l < test_.locations.size(); ++l) domains[l] = {test_.locations[l].init};
    PathLimits path_limits = limits_.paths;
    // (A limit beyond a year is no limit, and would overflow the clock.)
    if (limits_.max_seconds < 3.2e7)
      path_limits.deadline =
          std::min(path_limits.deadline,
                   start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double>(std::max(limits_.max_seconds, 0.0))));
    for (int round = 0; round < limits_.max_domain_rounds; ++round) {
      paths_.assign(test_.threads.size(), {});
      std::size_t writes_per_execution = 0;
      for (std::size_t t = 0; t < test_.threads.size(); ++t) {
        const PathStatus status =
            enumerate_thread_paths(test_, test_.threads[t], domains, path_limits, paths_[t]);
        if (out_of_time()) return false;
        if (status != PathStatus::Ok)
          return too_large("thread P" + std::to_string(test_.threads[t].id) +
                           " has too many paths or events");
        std::size_t most = 0;
        for (const ThreadPath& path : paths_[t])
          most = std::max<std::size_t>(most, std::count_if(path.events.begin(), path.events.end(), [](const PathEvent& pe) {
                                         return pe.event.kind == Event::Kind::Write;
                                       }));
        writes_per_execution += most;
      }
      if (static_cast<std::size_t>(round) > writes_per_execution) return true;
      bool grew = false;
      for (const auto& thread_paths : paths_)
        for (const ThreadPath& path : thread_paths)
          for (const PathEvent& pe : path.events) {
            if (pe.event.kind != Event::Kind::Write) continue;
            auto& domain = domains[pe.event.location];
            if (std::find(domain.begin(), domain.end(), pe.event.value) == domain.end()) {
              domain.push_back(pe.event.value);
              grew = true;
              if (domain.size() > limits_.max_domain_size)
                return too_large("location " + test_.locations[pe.event.location].name +
                                 " takes too many distinct values");
            }
          }
      if (!grew) return true;
    }
    return too_large("the values written do not settle within " + std::to_string(limits_.max_domain_rounds) +
                     " rounds");
  }

  // Builds the events and fixed relations of one choice of paths, then
  // tries every reads-from and coherence order over them.
  // Cheap filter before any relation is built: every read's value must be the
  // initial value or written by one of the chosen paths.
  bool reads_can_be_satisfied(const std::vector<std::size_t>& choice) const {
    for (std::size_t t = 0; t < choice.size(); ++t)
      for (const PathEvent& read : paths_[t][choice[t]].events) {
        if (read.event.kind != Event::Kind::Read) continue;
        if (read.event.value == test_.locations[read.event.location].init) continue;
        bool written = false;
        for (std::size_t u = 0; u < choice.size() && !written; ++u)
          for (const PathEvent& write : paths_[u][choice[u]].events)
            if (write.event.kind == Event::Kind::Write && write.event.location == read.event.location &&
                write.event.value == read.event.value) {
              written = true;
              break;
            }
        if (!written) return false;
      }
    return true;
  }

  bool examine_paths(const std::vector<std::size_t>& choice) {
    Execution x;
    const std::size_t locations = test_.locations.size();
    std::size_t total = locations;
    for (std::size_t t = 0; t < choice.size(); ++t) total += paths_[t][choice[t]].events.size();
    if (total > static_cast<std::size_t>(kMaxEvents))
      return too_large("an execution has " + std::to_string(total) + " events (at most " +
                       std::to_string(kMaxEvents) + ")");

    for (std::size_t l = 0; l < locations; ++l) {
      Event init;
      init.kind = Event::Kind::Write;
      init.is_init = true;
      init.location = static_cast<int>(l);
      init.value = test_.locations[l].init;
      x.events.push_back(init);
    }
    for (std::size_t t = 0; t < choice.size(); ++t) {
      const ThreadPath& path = paths_[t][choice[t]];
      const int base = static_cast<int>(x.events.size());
      for (std::size_t i = 0; i < path.events.size(); ++i) {
        const PathEvent& pe = path.events[i];
        const int e = base + static_cast<int>(i);
        x.events.push_back(pe.event);
        for (int j = base; j < e; ++j) x.po.add(j, e);
        const auto link = [&](LocalEvents deps, Relation& rel) {
          while (deps != 0) {
            int k = std::countr_zero(deps);
            deps &= deps - 1;
            rel.add(base + k, e);
          }
        };
        link(pe.addr_deps, x.addr);
        link(pe.data_deps, x.data);
        link(pe.ctrl_deps, x.ctrl);
        if (pe.rmw_read >= 0) x.rmw.add(base + pe.rmw_read, e);
      }
    }
    const int n = static_cast<int>(x.events.size());
    for (int i = 0; i < n; ++i) {
      const Event& a = x.events[i];
      const EventSet bit = EventSet{1} << i;
      x.all |= bit;
      if (a.is_init) x.init |= bit;
      if (a.kind == Event::Kind::Read) x.reads |= bit;
      if (a.kind == Event::Kind::Write) x.writes |= bit;
      if (a.kind == Event::Kind::Fence) x.fences |= bit;
      for (int j = 0; j < n; ++j) {
        const Event& b = x.events[j];
        if (a.location >= 0 && a.location == b.location) x.loc.add(i, j);
        if (a.is_init || b.is_init || a.thread != b.thread) x.ext.add(i, j);
      }
    }

    // Reads-from candidates: writes of the same location and value.
    std::vector<int> reads;
    std::vector<std::vector<int>> sources;
    for (int r = 0; r < n; ++r) {
      if (x.events[r].kind != Event::Kind::Read) continue;
      std::vector<int> from;
      for (int w = 0; w < n; ++w)
        if (x.events[w].kind == Event::Kind::Write && x.events[w].location == x.events[r].location &&
            x.events[w].value == x.events[r].value && w != r)
          from.push_back(w);
      if (from.empty()) return true;  // this read's value is never written here
      reads.push_back(r);
      sources.push_back(std::move(from));
    }
    // Coherence: each location's writes after its initial write.
    std::vector<std::vector<int>> writes_of(locations);
    for (int w = static_cast<int>(locations); w < n; ++w)
      if (x.events[w].kind == Event::Kind::Write) writes_of[x.events[w].location].push_back(w);

    // Refuse at once what could never finish within the limit, rather than
    // spending the whole time budget finding that out.
    double rf_choices = 1;
    for (const auto& from : sources) rf_choices *= static_cast<double>(from.size());
    if (rf_choices > static_cast<double>(limits_.max_candidates))
      return too_large(fmt::format("one choice of paths alone has {:.3g} reads-from choices (limit {})",
                                   rf_choices, limits_.max_candidates));

    std::vector<std::size_t> rf_choice(reads.size(), 0);
    std::vector<std::vector<std::vector<int>>> orders(locations);  // per location, its coherence orders
    while (true) {
      x.rf = Relation();
      for (std::size_t i = 0; i < reads.size(); ++i) x.rf.add(sources[i][rf_choice[i]], reads[i]);
      double product = 1;
      for (std::size_t l = 0; l < locations; ++l) {
        orders[l].clear();
        if (!coherence_orders(x, static_cast<int>(l), writes_of[l], orders[l])) return false;
        product *= static_cast<double>(orders[l].size());
      }
      if (product > static_cast<double>(limits_.max_candidates))
        return too_large(fmt::format("one reads-from choice has {:.3g} coherence orders (limit {})", product,
                                     limits_.max_candidates));
      std::vector<std::size_t> co_choice(locations, 0);
      while (product > 0) {
        x.co = Relation();
        for (std::size_t l = 0; l < locations; ++l) {
          const auto& ws = orders[l][co_choice[l]];
          for (std::size_t i = 0; i < ws.size(); ++i) {
            x.co.add(static_cast<int>(l), ws[i]);
            for (std::size_t j = i + 1; j < ws.size(); ++j) x.co.add(ws[i], ws[j]);
          }
        }
        if (!examine_candidate(x, choice)) return false;
        std::size_t l = 0;
        for (; l < locations; ++l) {
          if (++co_choice[l] < orders[l].size()) break;
          co_choice[l] = 0;
        }
        if (l == locations) break;
      }
      std::size_t i = 0;
      for (; i < rf_choice.size(); ++i) {
        if (++rf_choice[i] < sources[i].size()) break;
        rf_choice[i] = 0;
      }
      if (i == rf_choice.size()) break;
    }
    return true;
  }

  // The orders of `writes` (one location's writes, init excluded) that no
  // model can accept are never generated, so candidates need not be judged
  // one by one: every model requires (a) a thread's writes to a location in
  // program order (coherence, CoWW) and (b) the write of an RMW whose read
  // and write are adjacent in program order immediately after the write it
  // read from (an intervening write from another thread breaks atomicity;
  // one from the same thread breaks coherence). Exclusive pairs (LDXR ...
  // STXR) are not constrained by (b): the ARMv8 model lets a same-thread
  // write come between them.
  bool coherence_orders(const Execution& x, int init, const std::vector<int>& writes,
                        std::vector<std::vector<int>>& out) {
    const std::size_t count = writes.size();
    std::vector<int> read_from(count, -2);  // -2: not constrained by (b)
    for (std::size_t i = 0; i < count; ++i) {
      const int w = writes[i];
      if (w > 0 && x.rmw.has(w - 1, w)) {
        const EventSet sources = inverse_row(x.rf, w - 1);
        read_from[i] = sources != 0 ? std::countr_zero(sources) : -1;
      }
    }
    std::vector<int> order;
    std::vector<bool> placed(count, false);
    bool ok = true;
    const std::function<void(int)> place = [&](int previous) {
      if (!ok) return;
      if (order.size() == count) {
        out.push_back(order);
        // Orders are kept in memory, so their number is capped well below
        // the candidate limit; the clock is checked as they are generated.
        const std::size_t cap = std::min<std::uint64_t>(limits_.max_candidates, kMaxCoherenceOrders);
        if (out.size() > cap)
          ok = too_large(fmt::format("location {} has more than {} coherence orders",
                                     test_.locations[init].name, cap));
        else if ((out.size() & 0xfff) == 0 && out_of_time())
          ok = false;
        return;
      }
      // An RMW that read from `previous` must come next.
      int forced = -1;
      for (std::size_t i = 0; i < count; ++i)
        if (!placed[i] && read_from[i] == previous) {
          if (forced >= 0) return;  // two RMWs read the same write: no valid order
          forced = static_cast<int>(i);
        }
      for (std::size_t i = 0; i < count; ++i) {
        if (placed[i] || (forced >= 0 && static_cast<int>(i) != forced)) continue;
        if (read_from[i] != -2 && read_from[i] != previous) continue;
        bool earlier_pending = false;
        for (std::size_t j = 0; j < count && !earlier_pending; ++j)
          earlier_pending = !placed[j] && x.po.has(writes[j], writes[i]);
        if (earlier_pending) continue;
        placed[i] = true;
        order.push_back(writes[i]);
        place(writes[i]);
        order.pop_back();
        placed[i] = false;
      }
    };
    place(init);
    return ok;
  }

  static EventSet inverse_row(const Relation& r, int to) {
    EventSet from = 0;
    for (int i = 0; i < kMaxEvents; ++i)
      if (r.has(i, to)) from |= EventSet{1} << i;
    return from;
  }

  bool examine_candidate(const Execution& x, const std::vector<std::size_t>& choice) {
    if (++result_.candidates > limits_.max_candidates)
      return too_large("more than " + std::to_string(limits_.max_candidates) + " candidate executions");
    if ((result_.candidates & 0xff) == 0 && out_of_time()) return false;
    const Derived derived(x);
    ModelVerdict verdict = check_model(model_, x, derived);
    if (verdict.consistent && limits_.c11_races_under_every_model && model_ != ModelKind::RC11 &&
        test_.arch == litmus::Arch::C)
      verdict.undefined = c11_data_race(x, rc11_happens_before(x));
    if (!verdict.consistent) return true;

    const auto lookup = [&](const CondTerm& term) -> Value {
      if (term.kind == CondTerm::Kind::Memory) {
        // The coherence-last write of the location.
        for (std::size_t e = 0; e < x.events.size(); ++e) {
          const Event& ev = x.events[e];
          if (ev.kind == Event::Kind::Write && ev.location == term.location &&
              (x.co.row(static_cast<int>(e)) == 0))
            return ev.value;
        }
        return test_.locations[term.location].init;
      }
      for (std::size_t t = 0; t < test_.threads.size(); ++t) {
        if (test_.threads[t].id != term.thread) continue;
        const int reg = test_.threads[t].find_register(term.reg);
        const ThreadPath& path = paths_[t][choice[t]];
        if (reg >= 0 && static_cast<std::size_t>(reg) < path.registers.size()) return path.registers[reg];
        return 0;
      }
      return 0;
    };

    if (test_.filter && !eval_prop(*test_.filter, lookup)) return true;
    if (verdict.undefined) result_.undefined = true;
    const bool satisfies = eval_prop(test_.condition.prop, lookup);
    (satisfies ? result_.positive : result_.negative)++;

    std::vector<Value> values;
    values.reserve(result_.observed.size());
    for (const CondTerm& term : result_.observed) values.push_back(lookup(term));
    auto [it, inserted] = states_.try_emplace(std::move(values), FinalState{});
    it->second.executions++;
    it->second.satisfies = satisfies;
    return true;
  }

 public:
  void finish() {
    for (auto& [values, state] : states_) {
      state.values = values;
      result_.states.push_back(state);
    }
    result_.seconds = elapsed();
  }

 private:
  const Test& test_;
  ModelKind model_;
  const CheckLimits& limits_;
  CheckResult& result_;
  std::chrono::steady_clock::time_point start_;
  std::vector<std::vector<ThreadPath>> paths_;
  std::map<std::vector<Value>, FinalState> states_;
};

}  // namespace

CheckResult check_test(const Test& test, ModelKind model, const CheckLimits& limits) {
  CheckResult result;
  result.model = model;
  Enumerator enumerator(test, model, limits, result);
  enumerator.run();
  enumerator.finish();
  return result;
}

}  // namespace mh::axiom
