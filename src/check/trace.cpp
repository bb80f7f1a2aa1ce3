// Counterexample traces: the graph's events in the order a replay runs them
// (the order the explorer added them, except that a revisited read comes
// after the write it reads), with the relations of the locations involved.
#include <fmt/format.h>

#include <map>

#include "explorer.hpp"

namespace mh::check {

namespace {

std::string format_value(const LocationInfo& info, Value v) {
  if (info.format != nullptr) return info.format(v);
  if (info.type != nullptr && std::string_view(info.type) == "bool") return v != 0 ? "true" : "false";
  if (info.type != nullptr && std::string_view(info.type) == "pointer") return v == 0 ? "nullptr" : fmt::format("{:#x}", v);
  if (info.is_signed && info.bytes < 8) {
    const int shift = 64 - 8 * info.bytes;
    return std::to_string(static_cast<std::int64_t>(v << shift) >> shift);
  }
  if (info.is_signed) return std::to_string(static_cast<std::int64_t>(v));
  return std::to_string(v);
}

std::string source_of(const check::source_location& where) {
  if (where.file_name() == nullptr || where.line() == 0) return "";
  std::string file = where.file_name();
  if (const auto slash = file.rfind('/'); slash != std::string::npos) file = file.substr(slash + 1);
  return fmt::format("{}:{}", file, where.line());
}

}  // namespace

Trace Explorer::build_trace(error kind, const std::string& message) const {
  Trace trace;
  trace.kind = kind;
  trace.message = message;
  trace.replay_id = run_id(runs_);
  std::map<std::pair<std::uint32_t, std::uint32_t>, int> number;
  const auto order = graph_.replay_order();
  for (EventRef ref : order) number[{ref.thread, ref.index}] = static_cast<int>(number.size()) + 1;
  const auto name_of = [&](EventRef ref) -> std::string {
    const Event& e = graph_.at(ref);
    if (e.kind == EventKind::Init) return fmt::format("init#{}", number[{ref.thread, ref.index}]);
    return fmt::format("#{}", number[{ref.thread, ref.index}]);
  };
  std::vector<bool> involved(graph_.location_count(), false);
  for (EventRef ref : order) {
    const Event& e = graph_.at(ref);
    TraceEvent te;
    te.number = number[{ref.thread, ref.index}];
    te.thread = ref.thread;
    const char* label = event_extra(e.extra).label;
    te.operation = label != nullptr ? label : to_string(e.operation);
    te.source = source_of(e.where);
    if (e.kind == EventKind::Read || e.kind == EventKind::Write || e.kind == EventKind::Init) {
      const Location& l = graph_.location(e.location);
      te.location = graph_.location_name(e.location);
      te.value = format_value(l.info, e.value);
      if (e.kind != EventKind::Init) te.order = e.mode == Mode::NonAtomic ? "plain" : to_string(e.mode);
      if (e.kind == EventKind::Read) {
        te.read_from = e.rf == kNoEvent ? "?" : name_of(e.rf);
        if (e.compare) te.operation += e.rmw ? " (succeeds)" : (e.spurious ? " (fails spuriously)" : " (fails)");
      }
      if (e.kind == EventKind::Write && e.rmw) te.operation += " (write)";
      if (e.kind != EventKind::Init) involved[e.location] = true;
    } else if (e.kind == EventKind::Fence) {
      te.order = to_string(e.mode);
    } else if (e.kind == EventKind::Choice) {
      te.value = fmt::format("{} of {}", e.value, e.expected);
    } else if (e.kind == EventKind::Spawn || e.kind == EventKind::Join) {
      te.value = fmt::format("thread {}", e.thread_arg);
    }
    trace.events.push_back(std::move(te));
  }
  for (std::uint32_t l = 0; l < graph_.location_count(); ++l) {
    const Location& loc = graph_.location(l);
    if (!involved[l] || !loc.alive) continue;
    LocationRelations rel;
    rel.location = graph_.location_name(l);
    for (EventRef w : loc.co) rel.modification_order.push_back(name_of(w));
    for (EventRef ref : order) {
      const Event& e = graph_.at(ref);
      if (e.kind == EventKind::Read && e.location == l && e.rf != kNoEvent)
        rel.reads_from.push_back(fmt::format("{} reads {}", name_of(ref), name_of(e.rf)));
    }
    trace.relations.push_back(std::move(rel));
  }
  return trace;
}

std::string format_trace(const Trace& trace) {
  std::string out;
  if (trace.kind != error::none)
    out += fmt::format("error: {}: {}\n", to_string(trace.kind), trace.message);
  else
    out += fmt::format("{}\n", trace.message);
  out += fmt::format("execution {} (replay: --replay {})\n", trace.replay_id, trace.replay_id);
  out += fmt::format("  {:>4}  {:>6}  {:<36} {:<8} {:<22} {:>10}  {:<8} {}\n", "#", "thread", "operation", "order",
                     "location", "value", "reads", "source");
  for (const TraceEvent& e : trace.events)
    out += fmt::format("  {:>4}  {:>6}  {:<36} {:<8} {:<22} {:>10}  {:<8} {}\n", e.number, e.thread, e.operation,
                       e.order, e.location, e.value, e.read_from, e.source);
  if (!trace.relations.empty()) out += "relations:\n";
  for (const LocationRelations& r : trace.relations) {
    std::string co;
    for (const auto& w : r.modification_order) co += (co.empty() ? "" : " -> ") + w;
    out += fmt::format("  {}: co {}\n", r.location, co);
    for (const auto& rf : r.reads_from) out += fmt::format("    rf {}\n", rf);
  }
  return out;
}

}  // namespace mh::check
