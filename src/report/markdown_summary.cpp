#include "report/markdown_summary.hpp"

#include <fmt/format.h>

#include <array>
#include <map>

namespace mh::report {

namespace {

using nlohmann::json;

// Table cells cannot hold a raw '|' or a line break.
std::string cell(std::string text) {
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

constexpr std::array<std::pair<const char*, const char*>, 5> kKinds{{{"litmus-model", "litmus, models"},
                                                                     {"litmus-hw", "litmus, hardware"},
                                                                     {"model-check", "model checking"},
                                                                     {"stress", "stress"},
                                                                     {"tsan", "TSan"}}};

}  // namespace

std::string markdown_summary(const MergedResults& merged) {
  const std::size_t failures = merged.count(Status::fail);
  std::string out = "# memharness report\n\n";
  out += failures > 0 ? fmt::format("**{} failure{}** in {} results.\n\n", failures, failures == 1 ? "" : "s",
                                    merged.entries.size())
                      : fmt::format("**All as expected** ({} results).\n\n", merged.entries.size());
  out +=
      "| host | arch | CPU | cores | kernel | compiler | emulated | memharness "
      "|\n|---|---|---|---|---|---|---|---|\n";
  for (const ReportHost& host : merged.hosts) {
    const json& info = host.info;
    std::string versions;
    for (const auto& v : host.tool_versions) versions += (versions.empty() ? "" : ", ") + v;
    out += fmt::format(
        "| {} | {} | {} | {} | {} | {} | {} | {} |\n", cell(host.label), cell(info.value("arch", "?")),
        cell(info.value("cpu_model", "?")), info.contains("cores") ? info["cores"].dump() : std::string("?"),
        cell(info.value("kernel", "?")), cell(info.value("compiler", "?") + " " + info.value("flags", "")),
        info.contains("emulated") ? (info.value("emulated", false) ? "yes" : "no") : "?", cell(versions));
  }
  out +=
      "\n| results | as expected | of them interesting | failed | unsettled | skipped "
      "|\n|---|---|---|---|---|---|\n";
  for (const auto& [kind, title] : kKinds) {
    std::map<Status, std::size_t> counts;
    std::size_t total = 0;
    for (const ReportEntry& entry : merged.entries)
      if (entry.record["kind"] == kind) {
        ++counts[entry.status];
        ++total;
      }
    if (total == 0) continue;
    out += fmt::format("| {} ({}) | {} | {} | {} | {} | {} |\n", title, total,
                       counts[Status::pass] + counts[Status::interesting], counts[Status::interesting],
                       counts[Status::fail], counts[Status::unsettled], counts[Status::skipped]);
  }
  for (const Status status : {Status::fail, Status::unsettled}) {
    std::string lines;
    std::size_t shown = 0, total = 0;
    for (const ReportEntry& entry : merged.entries) {
      if (entry.status != status) continue;
      ++total;
      // A CI summary has a size limit; the HTML page has everything.
      if (++shown > 50) continue;
      const json& r = entry.record;
      std::string label = r["name"].get<std::string>();
      if (r.contains("model") && r["kind"] != "tsan") label += " (" + r["model"].get<std::string>() + ")";
      lines += fmt::format("- `{}` {}{}: {}\n", r["kind"].get<std::string>(), label,
                           merged.hosts.size() > 1 ? " on " + merged.hosts[entry.host].label : "",
                           status_reason(r));
    }
    if (total == 0) continue;
    out += fmt::format("\n## {} ({})\n\n",
                       status == Status::fail ? "Failures" : "Unsettled: no verdict established", total);
    out += lines;
    if (total > 50) out += fmt::format("- … and {} more: see index.html\n", total - 50);
  }
  if (!merged.notes.empty()) {
    out += "\n## Notes\n\n";
    for (const auto& note : merged.notes) out += "- " + note + "\n";
  }
  return out;
}

}  // namespace mh::report
