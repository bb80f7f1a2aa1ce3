#include "report/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "report/html_style.hpp"
#include "report/html_text.hpp"

namespace mh::report {

namespace {

using nlohmann::json;

std::string esc(const std::string& text) {
  return html_escape(text);
}

std::string text_of(const json& value, const std::string& fallback = "") {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return fallback;
  return value.dump();
}

// 1234567 -> "1.23M": rates and counts spanning orders of magnitude.
std::string compact(double value) {
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e9) return fmt::format("{:.3g}G", value / 1e9);
  if (magnitude >= 1e6) return fmt::format("{:.3g}M", value / 1e6);
  if (magnitude >= 1e4) return fmt::format("{:.3g}k", value / 1e3);
  if (value == std::floor(value)) return fmt::format("{:.0f}", value);
  return fmt::format("{:.3g}", value);
}

std::string seconds_text(double seconds) {
  if (seconds < 0.001) return fmt::format("{:.0f} µs", seconds * 1e6);
  if (seconds < 1) return fmt::format("{:.1f} ms", seconds * 1e3);
  return fmt::format("{:.2f} s", seconds);
}

std::string badge(Status status, const std::string& text) {
  return fmt::format("<span class=\"badge {}\">{}</span>", status_word(status), esc(text));
}

// The worst status first: what an item made of several records shows.
int severity(Status status) {
  switch (status) {
    case Status::fail:
      return 5;
    case Status::unsettled:
      return 4;
    case Status::warning:
      return 3;
    case Status::interesting:
      return 2;
    case Status::pass:
      return 1;
    case Status::skipped:
      return 0;
  }
  return 5;
}

Status worst(const std::vector<const ReportEntry*>& entries) {
  Status status = Status::skipped;
  for (const ReportEntry* entry : entries)
    if (severity(entry->status) > severity(status)) status = entry->status;
  return status;
}

std::vector<const ReportEntry*> of_kind(const MergedResults& merged, const std::string& kind) {
  std::vector<const ReportEntry*> entries;
  for (const ReportEntry& entry : merged.entries)
    if (entry.record["kind"] == kind) entries.push_back(&entry);
  return entries;
}

// ---- header ----------------------------------------------------------------

void write_header(std::string& out, const MergedResults& merged, const std::string& default_filter) {
  const std::size_t failures = merged.count(Status::fail);
  const std::size_t unsettled = merged.count(Status::unsettled);
  const std::size_t warnings = merged.count(Status::warning);
  out += "<header>\n<h1>memharness report</h1>\n";
  out += fmt::format("<p><span class=\"verdict {}\">{}</span></p>\n",
                     failures > 0    ? "fail"
                     : unsettled > 0 ? "unsettled"
                                     : "pass",
                     esc(merged.verdict()));
  out += fmt::format(
      "<p>{} results: {} as expected ({} of them interesting, {} with a warning), {} failed, {} not "
      "established "
      "(budget spent or too large), {} skipped. From {}.</p>\n",
      merged.entries.size(), merged.count(Status::pass) + merged.count(Status::interesting) + warnings,
      merged.count(Status::interesting), warnings, failures, unsettled, merged.count(Status::skipped), [&] {
        std::string list;
        for (const auto& file : merged.files)
          list += (list.empty() ? "" : ", ") + ("<code>" + esc(file) + "</code>");
        return list;
      }());
  out +=
      "<table class=\"hosts\"><thead><tr><th>host</th><th>arch</th><th>CPU</th><th>cores</th><th>kernel</th>"
      "<th>compiler</th><th>flags</th><th>emulated</th><th>memharness</th><th>written</th></tr></"
      "thead><tbody>\n";
  for (const ReportHost& host : merged.hosts) {
    const json& info = host.info;
    std::string versions, created;
    for (const auto& v : host.tool_versions) versions += (versions.empty() ? "" : ", ") + v;
    for (const auto& c : host.created) created += (created.empty() ? "" : ", ") + c;
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td "
        "class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td></tr>\n",
        esc(host.label), esc(text_of(info.value("arch", json()), "?")),
        esc(text_of(info.value("cpu_model", json()), "?")), esc(text_of(info.value("cores", json()), "?")),
        esc(text_of(info.value("kernel", json()), "?")), esc(text_of(info.value("compiler", json()), "?")),
        esc(text_of(info.value("flags", json()), "?")),
        info.contains("emulated")
            ? (info.value("emulated", false) ? "yes (qemu-user: the host's orderings)" : "no")
            : "?",
        esc(versions), esc(created));
  }
  out += "</tbody></table>\n";
  if (!merged.notes.empty()) {
    out += "<ul class=\"notes\">\n";
    for (const auto& note : merged.notes) out += "<li>" + esc(note) + "</li>\n";
    out += "</ul>\n";
  }
  // The script fills in how many items each button shows.
  out += "<nav class=\"filters\">show: ";
  for (const char* filter : {"failures", "interesting", "all"})
    out += fmt::format(
        "<button type=\"button\" data-filter=\"{}\" aria-pressed=\"{}\">{} <span "
        "class=\"count\"></span></button>",
        filter, default_filter == filter, filter);
  for (const auto& [id, title] : std::vector<std::pair<const char*, const char*>>{
           {"litmus", "litmus"}, {"model-check", "model checking"}, {"stress", "stress"}, {"tsan", "TSan"}})
    out += fmt::format("<a href=\"#{}\">{}</a>", id, title);
  out += "</nav>\n</header>\n";
}

void open_section(std::string& out, const char* id, const char* title, const std::string& intro) {
  out += fmt::format("<section class=\"kind\" id=\"{}\">\n<h2>{}</h2>\n<p class=\"muted\">{}</p>\n", id,
                     title, intro);
  out += "<p class=\"none-shown\" hidden>Nothing in this section matches the filter.</p>\n";
}

// ---- litmus ------------------------------------------------------------------

struct HostColumn {
  std::size_t host;
  std::string mode;
  bool operator<(const HostColumn& other) const {
    return std::tie(host, mode) < std::tie(other.host, other.mode);
  }
};

struct StateRow {
  json state;
  bool satisfies = false;
  std::map<std::string, bool> allowed_by_model;  // model -> allowed
  std::map<HostColumn, double> counts;
  std::map<HostColumn, std::string> cell_class;  // forbidden-observed / interesting
};

constexpr std::pair<const char*, const char*> kModels[] = {
    {"sc", "SC"}, {"tso", "x86-TSO"}, {"arm", "ARMv8"}, {"rc11", "RC11"}};

std::string histogram_svg(const StateRow& row, const std::vector<HostColumn>& columns, double max_count,
                          const MergedResults& merged) {
  if (columns.empty()) return "";
  constexpr int kWidth = 120, kBar = 7, kGap = 2;
  const int height = static_cast<int>(columns.size()) * (kBar + kGap);
  std::string svg = fmt::format(
      "<svg class=\"bars\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" "
      "aria-label=\"observed counts, log scale\">",
      kWidth, height, kWidth, height);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const auto found = row.counts.find(columns[i]);
    const double count = found == row.counts.end() ? 0 : found->second;
    // A log scale: one occurrence in a million must still show.
    const double fraction = max_count > 0 ? std::log10(count + 1) / std::log10(max_count + 1) : 0;
    const auto cls = row.cell_class.find(columns[i]);
    svg += fmt::format(
        "<rect class=\"bar {}\" x=\"0\" y=\"{}\" width=\"{:.1f}\" height=\"{}\"><title>{} ({}): "
        "{}</title></rect>",
        cls == row.cell_class.end() ? "" : cls->second, i * (kBar + kGap), kWidth * fraction, kBar,
        esc(merged.hosts[columns[i].host].label), esc(columns[i].mode), compact(count));
  }
  return svg + "</svg>";
}

void write_litmus(std::string& out, const MergedResults& merged) {
  const auto model_entries = of_kind(merged, "litmus-model");
  const auto hw_entries = of_kind(merged, "litmus-hw");
  open_section(
      out, "litmus", "Litmus tests",
      "Each test's final states: whether each axiomatic model allows them (a model that did not check the "
      "test shows –), and how often each host observed them. Green: allowed and observed; violet: a weak "
      "outcome (allowed, not by SC) observed; red: forbidden by the host's model and observed; grey: never "
      "observed. ★ marks the states the test's condition asks about. Bars are counts on a log scale.");
  if (model_entries.empty() && hw_entries.empty()) {
    out += "<p class=\"muted\">No litmus results in these files.</p>\n</section>\n";
    return;
  }
  // Tests by name and dialect, in the order first seen.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const ReportEntry*>> tests;
  for (const auto* list : {&model_entries, &hw_entries})
    for (const ReportEntry* entry : *list) {
      const std::string key =
          entry->record["arch"].get<std::string>() + "/" + entry->record["name"].get<std::string>();
      if (!tests.count(key)) order.push_back(key);
      tests[key].push_back(entry);
    }
  std::sort(order.begin(), order.end());
  for (const std::string& key : order) {
    const auto& entries = tests[key];
    const json& first = entries.front()->record;
    std::map<std::string, StateRow> rows;
    std::set<std::string> models_checked;
    std::set<HostColumn> column_set;
    std::string verdict_lines;
    double max_count = 0;
    for (const ReportEntry* entry : entries) {
      const json& record = entry->record;
      const json& evidence = record["evidence"];
      if (record["kind"] == "litmus-model") {
        const std::string model = record["model"].get<std::string>();
        if (record["verdict"] != "too-large") models_checked.insert(model);
        for (const auto& state : evidence.value("states", json::array())) {
          StateRow& row = rows[state_text(state["state"])];
          row.state = state["state"];
          row.satisfies = row.satisfies || state.value("satisfies", false);
          row.allowed_by_model[model] = state.value("executions", 0.0) > 0;
        }
        verdict_lines +=
            fmt::format("<li>{} {}: {}</li>", badge(entry->status, record["verdict"].get<std::string>()),
                        esc(model), esc(status_reason(record)));
      } else {
        verdict_lines +=
            fmt::format("<li>{} {}: {}</li>", badge(entry->status, record["verdict"].get<std::string>()),
                        esc(merged.hosts[entry->host].label), esc(status_reason(record)));
        if (record["verdict"] == "skipped") continue;
        const HostColumn column{entry->host, evidence["mode"].get<std::string>()};
        column_set.insert(column);
        for (const auto& observed : evidence["histogram"]) {
          StateRow& row = rows[state_text(observed["state"])];
          row.state = observed["state"];
          row.satisfies = row.satisfies || observed.value("satisfies", false);
          const double count = observed["count"].get<double>();
          row.counts[column] += count;
          max_count = std::max(max_count, row.counts[column]);
          if (count > 0 && observed["allowed"] == false)
            row.cell_class[column] = "forbidden-observed";
          else if (count > 0 && observed["allowed"] == true && observed["allowed_by_sc"] == false &&
                   row.cell_class[column] != "forbidden-observed")
            row.cell_class[column] = "interesting";
        }
      }
    }
    const std::vector<HostColumn> columns(column_set.begin(), column_set.end());
    const Status status = worst(entries);
    out += fmt::format("<div class=\"item litmus-test\" data-status=\"{}\" id=\"litmus-{}\">\n",
                       status_word(status), esc(key));
    out += fmt::format("<h3>{} <span class=\"muted\">{} {}</span> {}</h3>\n",
                       esc(first["name"].get<std::string>()), esc(first["arch"].get<std::string>()),
                       esc(text_of(first.value("file", json()))), badge(status, status_word(status)));
    out += fmt::format("<p class=\"mono\">{}</p>\n", esc(text_of(first.value("condition", json()))));
    out += "<table class=\"outcomes\"><thead><tr><th>final state</th>";
    for (const auto& [model, title] : kModels) out += fmt::format("<th>{}</th>", title);
    for (const HostColumn& column : columns)
      out += fmt::format("<th>{}<br><span class=\"muted\">{}</span></th>",
                         esc(merged.hosts[column.host].label), esc(column.mode));
    if (!columns.empty()) out += "<th>histogram</th>";
    out += "</tr></thead><tbody>\n";
    for (const auto& [text, row] : rows) {
      bool observed = false, forbidden_observed = false, weak = false;
      for (const auto& [column, count] : row.counts) observed = observed || count > 0;
      for (const auto& [column, cls] : row.cell_class) {
        forbidden_observed = forbidden_observed || cls == "forbidden-observed";
        weak = weak || cls == "interesting";
      }
      bool allowed_somewhere = row.allowed_by_model.empty();
      for (const auto& [model, allowed] : row.allowed_by_model)
        allowed_somewhere = allowed_somewhere || allowed;
      const char* row_class = forbidden_observed  ? "forbidden-observed"
                              : weak              ? "interesting"
                              : observed          ? "acceptable"
                              : allowed_somewhere ? "zero"
                                                  : "forbidden";
      out += fmt::format(
          "<tr class=\"{}\"><td class=\"state mono\">{}{}</td>", row_class,
          row.satisfies ? "<span class=\"target\" title=\"satisfies the condition\">★ </span>" : "",
          esc(text));
      for (const auto& [model, title] : kModels) {
        if (!models_checked.count(model)) {
          out += "<td class=\"unknown\" title=\"not checked under this model\">–</td>";
        } else {
          const auto found = row.allowed_by_model.find(model);
          const bool allowed = found != row.allowed_by_model.end() && found->second;
          out += allowed ? "<td class=\"allowed\">allowed</td>" : "<td class=\"forbidden\">forbidden</td>";
        }
      }
      for (const HostColumn& column : columns) {
        const auto found = row.counts.find(column);
        const double count = found == row.counts.end() ? 0 : found->second;
        const auto cls = row.cell_class.find(column);
        out += fmt::format("<td class=\"count num {}\">{}</td>",
                           count == 0                    ? "zero"
                           : cls == row.cell_class.end() ? ""
                                                         : cls->second,
                           compact(count));
      }
      if (!columns.empty()) out += "<td>" + histogram_svg(row, columns, max_count, merged) + "</td>";
      out += "</tr>\n";
    }
    out += "</tbody></table>\n<ul class=\"verdicts\">" + verdict_lines + "</ul>\n</div>\n";
  }
  out += "</section>\n";
}

// ---- model checking ----------------------------------------------------------

std::string trace_html(const json& trace) {
  const json& events = trace["events"];
  std::string html =
      fmt::format("<details class=\"trace\"><summary>{} trace: {} events{}</summary>\n",
                  trace.value("error", json()).is_string() ? "counterexample" : "replayed", events.size(),
                  trace.contains("replay_id") && trace["replay_id"].is_string()
                      ? " (replay id " + esc(trace["replay_id"].get<std::string>()) + ")"
                      : "");
  if (trace.contains("message") && trace["message"].is_string())
    html += "<p>" + esc(trace["message"].get<std::string>()) + "</p>\n";
  html +=
      "<table class=\"events\"><thead><tr><th>#</th><th>thread</th><th>operation</th><th>order</th>"
      "<th>location</th><th>value</th><th>reads from</th><th>source</th></tr></thead><tbody>\n";
  for (const json& event : events)
    html += fmt::format(
        "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td "
        "class=\"mono\">{}</td>"
        "<td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td></tr>\n",
        event["number"].dump(), event["thread"].dump(), esc(event["operation"].get<std::string>()),
        esc(event["order"].get<std::string>()), esc(event["location"].get<std::string>()),
        esc(event["value"].get<std::string>()), esc(event["read_from"].get<std::string>()),
        esc(event["source"].get<std::string>()));
  html += "</tbody></table>\n";
  if (trace.contains("relations") && !trace["relations"].empty()) {
    html += "<p>Per location: modification order (oldest first) and reads-from.</p><ul class=\"mono\">\n";
    for (const json& relation : trace["relations"]) {
      std::string mo, rf;
      for (const auto& w : relation.value("modification_order", json::array()))
        mo += (mo.empty() ? "" : " → ") + text_of(w);
      for (const auto& r : relation.value("reads_from", json::array()))
        rf += (rf.empty() ? "" : ", ") + text_of(r);
      html += fmt::format("<li>{}: mo {}{}</li>\n", esc(text_of(relation.value("location", json()))), esc(mo),
                          rf.empty() ? "" : "; rf " + esc(rf));
    }
    html += "</ul>\n";
  }
  return html + "</details>\n";
}

void write_model_check(std::string& out, const MergedResults& merged) {
  const auto entries = of_kind(merged, "model-check");
  open_section(
      out, "model-check", "Model checking",
      "The protocol models of models/, each explored under its memory model: the verdict registered with "
      "the model, the one found, and the execution that shows an error (folded; click to unfold).");
  if (entries.empty()) {
    out += "<p class=\"muted\">No model-checking results in these files.</p>\n</section>\n";
    return;
  }
  out +=
      "<table class=\"models\"><thead><tr><th>model</th><th>memory model</th><th>mode</th><th>expected</th>"
      "<th>found</th><th>verdict</th><th>executions</th><th>blocked</th><th>time</th>";
  if (merged.hosts.size() > 1) out += "<th>host</th>";
  out += "</tr></thead>\n";
  const int columns = merged.hosts.size() > 1 ? 10 : 9;
  for (const ReportEntry* entry : entries) {
    const json& r = entry->record;
    const std::string found = r["verdict"] == "error" ? text_of(r["error"]) : r["verdict"].get<std::string>();
    out += fmt::format("<tbody class=\"item\" data-status=\"{}\">\n", status_word(entry->status));
    out += fmt::format(
        "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td "
        "class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
        esc(r["name"].get<std::string>()), esc(r["model"].get<std::string>()),
        esc(r["mode"].get<std::string>()), esc(r["expected"].get<std::string>()), esc(found),
        badge(entry->status, r["meets"].get<bool>()      ? "as expected"
                             : r["verdict"] == "not-run" ? "not run"
                                                         : "differs"),
        compact(r["executions"].get<double>()), esc(text_of(r.value("blocked", json()), "")),
        seconds_text(r["seconds"].get<double>()));
    if (merged.hosts.size() > 1) out += "<td>" + esc(merged.hosts[entry->host].label) + "</td>";
    out += "</tr>\n";
    if (r["message"].is_string() || r["trace"].is_object()) {
      out += fmt::format("<tr class=\"detail\"><td colspan=\"{}\">", columns);
      if (r["message"].is_string() && !r["trace"].is_object()) out += esc(r["message"].get<std::string>());
      if (r["trace"].is_object()) out += trace_html(r["trace"]);
      out += "</td></tr>\n";
    }
    out += "</tbody>\n";
  }
  out += "</table>\n</section>\n";
}

// ---- stress ------------------------------------------------------------------

void write_stress(std::string& out, const MergedResults& merged) {
  const auto entries = of_kind(merged, "stress");
  open_section(
      out, "stress", "Stress",
      "The protocols run on real cores, per host: the verdict, the rate, the violations and how soon the "
      "first one was seen. A hunted variant carries a deliberate bug: found is the expected outcome where "
      "the host can show it, clean where it cannot (an MP reordering on x86-TSO).");
  if (entries.empty()) {
    out += "<p class=\"muted\">No stress results in these files.</p>\n</section>\n";
    return;
  }
  std::vector<std::size_t> hosts;
  std::vector<std::string> order;
  std::map<std::string, std::map<std::size_t, std::vector<const ReportEntry*>>> variants;
  for (const ReportEntry* entry : entries) {
    const std::string name = entry->record["name"].get<std::string>();
    if (!variants.count(name)) order.push_back(name);
    variants[name][entry->host].push_back(entry);
    if (std::find(hosts.begin(), hosts.end(), entry->host) == hosts.end()) hosts.push_back(entry->host);
  }
  out += "<table class=\"stress\"><thead><tr><th>variant</th><th>expected</th>";
  for (std::size_t host : hosts) out += "<th>" + esc(merged.hosts[host].label) + "</th>";
  out += "</tr></thead>\n";
  for (const std::string& name : order) {
    std::vector<const ReportEntry*> all;
    for (const auto& [host, list] : variants[name]) all.insert(all.end(), list.begin(), list.end());
    const json& first = all.front()->record;
    out += fmt::format("<tbody class=\"item\" data-status=\"{}\"><tr><td class=\"mono\">{}</td><td>{}</td>",
                       status_word(worst(all)), esc(name), esc(first["expected"].get<std::string>()));
    for (std::size_t host : hosts) {
      out += "<td>";
      const auto found = variants[name].find(host);
      if (found == variants[name].end()) {
        out += "<span class=\"muted\">not run here</span>";
      } else {
        for (const ReportEntry* entry : found->second) {
          const json& r = entry->record;
          out += badge(entry->status, r["verdict"].get<std::string>());
          out +=
              fmt::format(" {} ops/s, {} violation{}, {}", compact(r["operations_per_second"].get<double>()),
                          compact(r["violations"].get<double>()), r["violations"] == 1 ? "" : "s",
                          seconds_text(r["seconds"].get<double>()));
          if (r["first_failure"].is_object()) {
            const json& first_failure = r["first_failure"];
            out += fmt::format("<br>first {} after {}", esc(first_failure["kind"].get<std::string>()),
                               seconds_text(first_failure["at_seconds"].get<double>()));
            out += "<details><summary>details</summary><pre>" +
                   esc(first_failure["details"].get<std::string>()) + "</pre></details>";
          }
          if (r["error"].is_string()) out += "<br>error: " + esc(r["error"].get<std::string>());
          if (found->second.size() > 1) out += "<br>";
        }
      }
      out += "</td>";
    }
    out += "</tr></tbody>\n";
  }
  out += "</table>\n</section>\n";
}

// ---- TSan --------------------------------------------------------------------

void write_tsan(std::string& out, const MergedResults& merged) {
  const auto entries = of_kind(merged, "tsan");
  open_section(out, "tsan", "ThreadSanitizer",
               "Each test built with -fsanitize=thread: the model's verdict, the TSan verdict expected (the "
               "model's, or the one a known blind spot gives instead) and what TSan reported.");
  if (entries.empty()) {
    out +=
        "<p class=\"muted\">No TSan results in these files (run <code>memharness tsan --json FILE</code> in "
        "the "
        "tsan preset's build, or <code>memharness all</code> with that build present).</p>\n</section>\n";
    return;
  }
  out +=
      "<table class=\"tsan\"><thead><tr><th>test</th><th>kind</th><th>model</th><th>expected</th>"
      "<th>TSan</th><th>blind spot or feature</th><th>verdict</th><th>runs</th><th>time</th></tr></thead>\n";
  std::map<std::string, std::vector<const ReportEntry*>> blind_spots;
  for (const ReportEntry* entry : entries) {
    const json& r = entry->record;
    if (r["differs_from_model"].get<bool>()) blind_spots[text_of(r["blind_spot"])].push_back(entry);
    out += fmt::format(
        "<tbody class=\"item\" data-status=\"{}\"><tr><td "
        "class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
        status_word(entry->status), esc(r["name"].get<std::string>()), esc(r["test_kind"].get<std::string>()),
        esc(r["model"].get<std::string>()), esc(r["expected"].get<std::string>()),
        esc(r["observed"].get<std::string>()), esc(text_of(r["blind_spot"])),
        badge(entry->status, r["verdict"].get<std::string>()), r["runs"].dump(),
        seconds_text(r["seconds"].get<double>()));
    if (r["report"].is_string() || r["error"].is_string()) {
      out += "<tr class=\"detail\"><td colspan=\"9\"><details><summary>";
      out += r["report"].is_string() ? "TSan report" : "error";
      out += "</summary><pre>" + esc(r["report"].is_string() ? r["report"].get<std::string>() : "") +
             esc(r["error"].is_string() ? r["error"].get<std::string>() : "") +
             "</pre></details></td></tr>\n";
    }
    out += "</tbody>\n";
  }
  out += "</table>\n";
  out += "<h3>Blind spots: where TSan and the model disagree</h3>\n";
  if (blind_spots.empty()) {
    out += "<p class=\"muted\">No test in these results has a blind spot.</p>\n";
  } else {
    out +=
        "<table class=\"blind-spots\"><thead><tr><th>blind spot</th><th>test</th><th>model</th><th>TSan</th>"
        "<th>why</th></tr></thead>\n";
    for (const auto& [spot, list] : blind_spots)
      for (const ReportEntry* entry : list) {
        const json& r = entry->record;
        out += fmt::format(
            "<tbody class=\"item repeat\" data-status=\"{}\"><tr><td>{}</td><td "
            "class=\"mono\">{}</td><td>{}</td><td>{} "
            "(expected {})</td><td class=\"reason\">{}</td></tr></tbody>\n",
            status_word(entry->status), esc(spot), esc(r["name"].get<std::string>()),
            esc(r["model"].get<std::string>()), esc(r["observed"].get<std::string>()),
            esc(r["expected"].get<std::string>()), esc(r["reason"].get<std::string>()));
      }
    out += "</table>\n";
  }
  out += "</section>\n";
}

}  // namespace

std::string html_report(const MergedResults& merged) {
  // A report with failures opens on them; the buttons show the rest.
  const std::string default_filter = merged.count(Status::fail) > 0 ? "failures" : "all";
  std::string out;
  out.reserve(1 << 20);
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>memharness "
      "report</title>\n"
      "<style>";
  out += kReportStyle;
  out += "</style>\n</head>\n";
  out += fmt::format("<body data-filter=\"{}\">\n", default_filter);
  write_header(out, merged, default_filter);
  write_litmus(out, merged);
  write_model_check(out, merged);
  write_stress(out, merged);
  write_tsan(out, merged);
  out += "<script>";
  out += kReportScript;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace mh::report
