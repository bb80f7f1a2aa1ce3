#include "graph.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <vector>

namespace mh::check {

Mode mode_of(std::memory_order order) {
  switch (order) {
    case std::memory_order_relaxed: return Mode::Relaxed;
    case std::memory_order_consume:  // treated as acquire, as compilers do
    case std::memory_order_acquire: return Mode::Acquire;
    case std::memory_order_release: return Mode::Release;
    case std::memory_order_acq_rel: return Mode::AcqRel;
    case std::memory_order_seq_cst: return Mode::SeqCst;
  }
  return Mode::SeqCst;
}

const char* to_string(Mode m) {
  switch (m) {
    case Mode::NonAtomic: return "na";
    case Mode::Relaxed: return "relaxed";
    case Mode::Acquire: return "acquire";
    case Mode::Release: return "release";
    case Mode::AcqRel: return "acq_rel";
    case Mode::SeqCst: return "seq_cst";
  }
  return "?";
}

const char* to_string(Operation op) {
  switch (op) {
    case Operation::ThreadStart: return "start";
    case Operation::ThreadEnd: return "end";
    case Operation::Spawn: return "spawn";
    case Operation::Join: return "join";
    case Operation::Create: return "create";
    case Operation::Load: return "load";
    case Operation::Store: return "store";
    case Operation::Exchange: return "exchange";
    case Operation::FetchAdd: return "fetch_add";
    case Operation::FetchSub: return "fetch_sub";
    case Operation::FetchAnd: return "fetch_and";
    case Operation::FetchOr: return "fetch_or";
    case Operation::FetchXor: return "fetch_xor";
    case Operation::CompareExchange: return "compare_exchange";
    case Operation::Fence: return "fence";
    case Operation::Lock: return "lock";
    case Operation::TryLock: return "try_lock";
    case Operation::Unlock: return "unlock";
    case Operation::WaitRead: return "wait";
    case Operation::Notify: return "notify";
    case Operation::Update: return "update";
    case Operation::Choose: return "choose";
    case Operation::Killed: return "killed";
  }
  return "?";
}

namespace {
thread_local std::vector<EventExtra> g_extras{EventExtra{}};
}  // namespace

std::uint16_t intern_event_extra_slow(const char* label, UpdateFn update) {
  for (std::size_t i = 1; i < g_extras.size(); ++i)
    if (g_extras[i].label == label && g_extras[i].update == update) return static_cast<std::uint16_t>(i);
  if (g_extras.size() > 0xFFFF) throw std::length_error("more than 65,535 labelled operations");
  g_extras.push_back(EventExtra{label, update});
  return static_cast<std::uint16_t>(g_extras.size() - 1);
}

const EventExtra& event_extra(std::uint16_t number) { return g_extras[number]; }

Graph::Graph() { threads_.emplace_back(); }

std::size_t Graph::event_count() const {
  std::size_t n = 0;
  for (const auto& t : threads_) n += t.events.size();
  return n;
}

std::uint32_t Graph::add_thread(EventRef spawned_by) {
  for (std::uint32_t t = 1; t < threads_.size(); ++t) {
    if (threads_[t].events.empty() && threads_[t].spawned_by == kNoEvent) {
      threads_[t].spawned_by = spawned_by;
      return t;
    }
  }
  threads_.emplace_back();
  threads_.back().spawned_by = spawned_by;
  return static_cast<std::uint32_t>(threads_.size() - 1);
}

std::string Graph::location_name(std::uint32_t index) const {
  const Location& l = locations_[index];
  if (l.info.name != nullptr) return l.info.name;
  std::string file = l.created_at.file_name() != nullptr ? l.created_at.file_name() : "?";
  if (const auto slash = file.rfind('/'); slash != std::string::npos) file = file.substr(slash + 1);
  return file + ":" + std::to_string(l.created_at.line());
}

std::uint32_t Graph::add_location(const LocationInfo& info, check::source_location created_at, ProcessId process) {
  Location l;
  l.info = info;
  l.created_at = created_at;
  l.process = process;
  locations_.push_back(std::move(l));
  return static_cast<std::uint32_t>(locations_.size() - 1);
}

EventRef Graph::append(std::uint32_t thread, Event e) {
  auto& events = threads_[thread].events;
  e.stamp = next_stamp_++;
  if (e.kind == EventKind::Fence && e.mode == Mode::SeqCst) ++sc_fences_;
  events.push_back(std::move(e));
  const EventRef ref{thread, static_cast<std::uint32_t>(events.size() - 1)};
  compute_views(ref);
  return ref;
}

EventRef Graph::append_rmw_write(std::uint32_t thread, Event e) {
  const EventRef source = threads_[thread].events.back().rf;
  const std::size_t position = co_position(source) + 1;
  const EventRef ref = append(thread, std::move(e));
  insert_co(at(ref).location, position, ref);  // views do not depend on co
  return ref;
}

void Graph::number_co(std::uint32_t location, std::size_t from) {
  const auto& co = locations_[location].co;
  for (std::size_t p = from; p < co.size(); ++p) at(co[p]).co_index = static_cast<std::uint32_t>(p);
}

void Graph::set_init(std::uint32_t location, EventRef init) {
  locations_[location].init = init;
  locations_[location].co.assign(1, init);
  number_co(location, 0);
}

void Graph::insert_co(std::uint32_t location, std::size_t position, EventRef write) {
  auto& co = locations_[location].co;
  co.insert(co.begin() + static_cast<std::ptrdiff_t>(position), write);
  number_co(location, position);
}

void Graph::erase_co(std::uint32_t location, std::size_t position) {
  auto& co = locations_[location].co;
  at(co[position]).co_index = kNotInCo;
  co.erase(co.begin() + static_cast<std::ptrdiff_t>(position));
  number_co(location, position);
}

void Graph::set_rf(EventRef read, EventRef write) {
  Event& r = at(read);
  r.rf = write;
  r.value = at(write).value;
  compute_views(read);
}

namespace {

bool is_write_like(const Event& e) { return e.kind == EventKind::Write || e.kind == EventKind::Init; }

}  // namespace

void Graph::compute_views(EventRef ref) {
  Event& e = threads_[ref.thread].events[ref.index];
  const auto& events = threads_[ref.thread].events;
  View porf, hb;
  if (ref.index > 0) {
    porf = events[ref.index - 1].porf;
    hb = events[ref.index - 1].hb;
  } else if (threads_[ref.thread].spawned_by != kNoEvent) {
    porf = at(threads_[ref.thread].spawned_by).porf;
    hb = at(threads_[ref.thread].spawned_by).hb;
  }
  porf.include(ref);
  hb.include(ref);

  if (e.kind == EventKind::Read && e.rf != kNoEvent) {
    const Event& w = at(e.rf);
    porf.join(w.porf);
    // A store's read part only finds what the store overwrites.
    if (e.mode != Mode::NonAtomic && is_acquire(e.mode) && e.role != WriteRole::store) hb.join(w.msg);
  } else if (e.kind == EventKind::Join) {
    const auto& child = threads_[e.thread_arg].events;
    if (!child.empty()) {
      porf.join(child.back().porf);
      hb.join(child.back().hb);
    }
  } else if (e.kind == EventKind::Fence && is_acquire(e.mode)) {
    // An acquire fence synchronises with what every earlier atomic read of
    // its thread read ([rel]; rs; rf; po; [F acq]).
    for (std::uint32_t i = 0; i < ref.index; ++i) {
      const Event& r = events[i];
      if (r.kind == EventKind::Read && r.mode != Mode::NonAtomic && r.rf != kNoEvent && r.role != WriteRole::store)
        hb.join(at(r.rf).msg);
    }
  }
  e.porf = porf;
  e.hb = hb;

  e.msg = View();
  if (e.kind == EventKind::Write && e.rmw && e.role == WriteRole::kernel) {
    // Transparent: it releases what the write it overwrote released, and
    // what its own order releases; it heads no sequence of its thread.
    if (is_release(e.mode)) e.msg = hb;
    const Event& read_part = events[ref.index - 1];
    if (read_part.rf != kNoEvent && is_write_like(at(read_part.rf))) e.msg.join(at(read_part.rf).msg);
  } else if (e.kind == EventKind::Write && e.mode != Mode::NonAtomic) {
    // Release sequences: heads are this write and earlier writes of this
    // thread to the same location (RC11's [W]; po|loc?); a head is released
    // by its own order or by a release fence before it. An RMW continues the
    // sequences of the write it read (rf; rmw).
    const auto release_view = [&](std::uint32_t index) -> View {
      const Event& h = events[index];
      if (is_release(h.mode) && index != ref.index) return h.hb;
      if (is_release(h.mode)) return hb;
      for (std::uint32_t i = index; i-- > 0;)
        if (events[i].kind == EventKind::Fence && is_release(events[i].mode)) return events[i].hb;
      return View();
    };
    e.msg = release_view(ref.index);
    for (std::uint32_t i = 0; i < ref.index; ++i) {
      const Event& h = events[i];
      if (h.kind == EventKind::Write && h.mode != Mode::NonAtomic && h.location == e.location &&
          h.role != WriteRole::kernel)
        e.msg.join(release_view(i));
    }
    if (e.rmw && ref.index > 0 && e.role == WriteRole::rmw) {
      const Event& read_part = events[ref.index - 1];
      if (read_part.rf != kNoEvent && is_write_like(at(read_part.rf))) e.msg.join(at(read_part.rf).msg);
    }
  }
}

void Graph::restrict_to(const View& keep) {
  for (std::uint32_t t = 0; t < threads_.size(); ++t) {
    auto& th = threads_[t];
    th.events.resize(std::min<std::size_t>(th.events.size(), keep.count(t)));
    if (t != 0 && th.events.empty() && th.spawned_by != kNoEvent && !keep.contains(th.spawned_by))
      th.spawned_by = kNoEvent;
  }
  while (threads_.size() > 1 && threads_.back().events.empty() && threads_.back().spawned_by == kNoEvent)
    threads_.pop_back();
  for (auto& l : locations_) {
    if (l.init != kNoEvent && !keep.contains(l.init)) {
      l.alive = false;
      l.co.clear();
      continue;
    }
    l.co.erase(std::remove_if(l.co.begin(), l.co.end(), [&](EventRef w) { return !keep.contains(w); }), l.co.end());
  }
  for (std::uint32_t l = 0; l < locations_.size(); ++l) number_co(l, 0);
  sc_fences_ = 0;
  for (const auto& th : threads_)
    for (const Event& e : th.events)
      if (e.kind == EventKind::Fence && e.mode == Mode::SeqCst) ++sc_fences_;
  // Locations created last by deleted events can be dropped outright, so the
  // next creation gets the same index in every replay of this graph.
  while (!locations_.empty() && !locations_.back().alive) locations_.pop_back();
}

Graph Graph::restricted(const View& keep) const {
  Graph g;
  g.threads_.resize(threads_.size());
  for (std::uint32_t t = 0; t < threads_.size(); ++t) {
    const auto& from = threads_[t].events;
    const std::size_t n = std::min<std::size_t>(from.size(), keep.count(t));
    g.threads_[t].copy_events(from, n);
    g.threads_[t].spawned_by = threads_[t].spawned_by;
  }
  g.locations_ = locations_;
  g.next_stamp_ = next_stamp_;
  g.restrict_to(keep);
  return g;
}

void Graph::remove_last_write(std::uint32_t thread) {
  auto& events = threads_[thread].events;
  erase_co(events.back().location, co_position({thread, static_cast<std::uint32_t>(events.size() - 1)}));
  events.pop_back();
  --next_stamp_;
}

// Each thread's events are in stamp order already (po is the order of
// addition within a thread): a merge of the threads.
void Graph::stamp_order(std::vector<EventRef>& order) const {
  order.clear();
  const auto n = static_cast<std::uint32_t>(threads_.size());
  constexpr std::uint32_t kDone = 0xFFFFFFFFU;  // above every stamp
  std::array<std::uint32_t, kMaxThreads + 1> head{}, head_stamp{};
  for (std::uint32_t t = 0; t < n; ++t)
    head_stamp[t] = threads_[t].events.empty() ? kDone : threads_[t].events[0].stamp;
  for (;;) {
    std::uint32_t best = 0;
    for (std::uint32_t t = 1; t < n; ++t)
      if (head_stamp[t] < head_stamp[best]) best = t;
    if (head_stamp[best] == kDone) return;
    // The thread's events up to the next thread's head come out in a run.
    std::uint32_t second = kDone;
    for (std::uint32_t t = 0; t < n; ++t)
      if (t != best) second = std::min(second, head_stamp[t]);
    const auto& events = threads_[best].events;
    std::uint32_t i = head[best];
    while (i < events.size() && events[i].stamp < second) order.push_back({best, i++});
    head[best] = i;
    head_stamp[best] = i < events.size() ? events[i].stamp : kDone;
  }
}

std::vector<EventRef> Graph::replay_order() const {
  std::vector<EventRef> order;
  replay_order(order);
  return order;
}

void Graph::replay_order(std::vector<EventRef>& order) const {
  // Stamp order already respects porf except for reads revisited by a later
  // write: those wait until their write (and everything porf-before them) is out.
  thread_local std::vector<EventRef> by_stamp, waiting;
  thread_local std::vector<std::uint32_t> next;
  stamp_order(by_stamp);
  order.clear();
  waiting.clear();
  next.assign(threads_.size(), 0);
  const auto done = [&](EventRef e) { return e.index < next[e.thread]; };
  const auto ready = [&](EventRef e) {
    if (e.index != next[e.thread]) return false;
    const Event& ev = at(e);
    const EventRef spawn = threads_[e.thread].spawned_by;
    if (e.index == 0 && spawn != kNoEvent && !done(spawn)) return false;
    if (ev.kind == EventKind::Read && ev.rf != kNoEvent && !done(ev.rf)) return false;
    if (ev.kind == EventKind::Join && next[ev.thread_arg] < threads_[ev.thread_arg].events.size()) return false;
    return true;
  };
  for (EventRef e : by_stamp) {
    if (!ready(e)) {
      waiting.push_back(e);
      continue;
    }
    order.push_back(e);
    ++next[e.thread];
    for (bool progress = true; progress && !waiting.empty();) {
      progress = false;
      for (std::size_t i = 0; i < waiting.size(); ++i) {
        if (!ready(waiting[i])) continue;
        order.push_back(waiting[i]);
        ++next[waiting[i].thread];
        waiting.erase(waiting.begin() + static_cast<std::ptrdiff_t>(i));
        progress = true;
        break;
      }
    }
  }
}

}  // namespace mh::check
