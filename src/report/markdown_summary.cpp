#include "report/markdown_summary.hpp"

#include <fmt/format.h>

namespace mh::report {

namespace {

using nlohmann::json;

// Table cells cannot hold a raw '|' or a line break.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

// A CI job summary has a size limit; the HTML page has everything.
constexpr std::size_t kListed = 50;

std::string record_label(const json& record) {
  std::string label = record["name"].get<std::string>();
  const std::string kind = record["kind"].get<std::string>();
  if (kind == "litmus-model" || kind == "litmus-hw" || kind == "model-check")
    label += " (" + record["model"].get<std::string>() + ")";
  return label;
}

}  // namespace

std::string markdown_summary(const MergedResults& merged) {
  std::string out = "# memharness report\n\n";
  out += fmt::format("**{}** ({} results).\n\n", merged.verdict(), merged.entries.size());
  out += "| host | arch | CPU | cores | kernel | compiler | emulated | memharness |\n";
  out += "|---|---|---|---|---|---|---|---|\n";
  for (const ReportHost& host : merged.hosts) {
    const json& info = host.info;
    std::string versions;
    for (const auto& v : host.tool_versions) versions += (versions.empty() ? "" : ", ") + v;
    // Host fields are checked strings, numbers and booleans (or absent, for a partial file).
    const auto field = [&info](const char* key) {
      return info.contains(key) ? (info[key].is_string() ? info[key].get<std::string>() : info[key].dump())
                                : std::string("?");
    };
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", cell(host.label), cell(field("arch")),
                       cell(field("cpu_model")), cell(field("cores")), cell(field("kernel")),
                       cell(field("compiler") + " " + (info.contains("flags") ? field("flags") : "")),
                       info.contains("emulated") ? (info["emulated"] == true ? "yes" : "no") : "?",
                       cell(versions));
  }
  out +=
      "\n| results | as expected | of them interesting | failed | not established | warnings | skipped |\n";
  out += "|---|---|---|---|---|---|---|\n";
  for (const auto& [kind, title] : kRecordKinds) {
    const KindCounts counts = count_kind(merged, kind);
    if (counts.total == 0) continue;
    out += fmt::format("| {} ({}) | {} | {} | {} | {} | {} | {} |\n", title, counts.total,
                       counts[Status::pass] + counts[Status::interesting] + counts[Status::warning],
                       counts[Status::interesting], counts[Status::fail], counts[Status::unsettled],
                       counts[Status::warning], counts[Status::skipped]);
  }
  const std::pair<Status, const char*> sections[] = {
      {Status::fail, "Failures"},
      {Status::unsettled, "Not established (budget spent or too large)"},
      {Status::warning, "Warnings"}};
  for (const auto& [status, title] : sections) {
    std::string lines;
    std::size_t total = 0;
    for (const ReportEntry& entry : merged.entries) {
      if (entry.status != status) continue;
      if (++total > kListed) continue;
      const json& r = entry.record;
      lines += fmt::format("- `{}` {}{}: {}\n", r["kind"].get<std::string>(), record_label(r),
                           merged.hosts.size() > 1 ? " on " + merged.hosts[entry.host].label : "",
                           status_reason(r));
    }
    if (total == 0) continue;
    out += fmt::format("\n## {} ({})\n\n", title, total);
    out += lines;
    if (total > kListed) out += fmt::format("- … and {} more: see index.html\n", total - kListed);
  }
  if (!merged.notes.empty()) {
    out += "\n## Notes\n\n";
    for (const auto& note : merged.notes) out += "- " + note + "\n";
  }
  return out;
}

}  // namespace mh::report
