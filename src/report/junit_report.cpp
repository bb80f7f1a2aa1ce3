#include "report/junit_report.hpp"

#include <fmt/format.h>

#include <map>

#include "report/html_text.hpp"

namespace mh::report {

namespace {

using nlohmann::json;

double record_seconds(const json& record) {
  if (record.contains("seconds") && record["seconds"].is_number()) return record["seconds"].get<double>();
  if (record.contains("evidence") && record["evidence"].is_object() &&
      record["evidence"].contains("seconds") && record["evidence"]["seconds"].is_number())
    return record["evidence"]["seconds"].get<double>();
  return 0;
}

std::string class_name(const json& record) {
  const std::string kind = record["kind"].get<std::string>();
  if (kind == "stress") return kind + "." + record["protocol"].get<std::string>();
  if (kind == "tsan") return kind + "." + record["test_kind"].get<std::string>();
  if (kind == "litmus-hw")
    return kind + "." + record["model"].get<std::string>() + "." +
           record["evidence"].value("mode", "skipped");
  return kind + "." + record["model"].get<std::string>();
}

// The evidence a failure shows in the CI's test view, as plain text.
std::string evidence_text(const json& record) {
  const std::string kind = record["kind"].get<std::string>();
  std::string text = status_reason(record) + "\n";
  if (kind == "litmus-model") {
    text += "condition: " + record.value("condition", std::string()) + "\nstates (" +
            record["model"].get<std::string>() + "):\n";
    for (const auto& state : record["evidence"].value("states", json::array()))
      text += fmt::format("  {}{}\n", state_text(state["state"]),
                          state.value("satisfies", false) ? "  (satisfies)" : "");
  } else if (kind == "litmus-hw") {
    text += "condition: " + record.value("condition", std::string()) + "\nhistogram:\n";
    for (const auto& entry : record["evidence"].value("histogram", json::array()))
      text += fmt::format(
          "  {:>12}  {}{}\n", entry["count"].dump(), state_text(entry["state"]),
          entry["allowed"] == false ? "  FORBIDDEN by " + record["model"].get<std::string>() : "");
    for (const char* key : {"hang", "coherence_violation"})
      if (record["evidence"].contains(key))
        text += std::string(key) + ": " + record["evidence"][key].dump(2) + "\n";
  } else if (kind == "model-check" && record["trace"].is_object()) {
    text += "trace (replay id " + record.value("replay_id", json("?")).dump() + "):\n";
    for (const auto& e : record["trace"]["events"])
      text += fmt::format(
          "  #{} T{} {} {} {} {}{}{}\n", e["number"].dump(), e["thread"].dump(),
          e["operation"].get<std::string>(), e["order"].get<std::string>(), e["location"].get<std::string>(),
          e["value"].get<std::string>(),
          e["read_from"].get<std::string>().empty() ? "" : " rf " + e["read_from"].get<std::string>(),
          e["source"].get<std::string>().empty() ? "" : "  at " + e["source"].get<std::string>());
  } else if (kind == "stress") {
    if (record["first_failure"].is_object())
      text += record["first_failure"]["details"].get<std::string>() + "\n";
    if (record.contains("hang") && record["hang"].is_string())
      text += "hang: " + record["hang"].get<std::string>() + "\n";
  } else if (kind == "tsan") {
    text += "expected because: " + record["reason"].get<std::string>() + "\n";
    if (record["report"].is_string()) text += record["report"].get<std::string>() + "\n";
    if (record["error"].is_string()) text += record["error"].get<std::string>() + "\n";
    if (record.contains("command") && record["command"].is_string())
      text += "command: " + record["command"].get<std::string>() + "\n";
  }
  return text;
}

}  // namespace

std::string xml_escape(const std::string& text) {
  static const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string allowed;
  allowed.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not XML characters either.
    if (c == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(text[i + 2]) == 0xBE ||
         static_cast<unsigned char>(text[i + 2]) == 0xBF)) {
      allowed += kReplacement;
      i += 2;
    } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      allowed += kReplacement;
    } else {
      allowed += static_cast<char>(c);
    }
  }
  // The five markup characters are escaped as in HTML (&#39; is XML too).
  return html_escape(allowed);
}

std::string junit_report(const MergedResults& merged) {
  // Suites by kind and host, in the order first met.
  std::vector<std::pair<std::string, std::size_t>> order;
  std::map<std::pair<std::string, std::size_t>, std::vector<const ReportEntry*>> suites;
  for (const ReportEntry& entry : merged.entries) {
    const auto key = std::make_pair(entry.record["kind"].get<std::string>(), entry.host);
    if (!suites.count(key)) order.push_back(key);
    suites[key].push_back(&entry);
  }
  std::size_t total_failures = 0, total_skipped = 0;
  double total_time = 0;
  std::string body;
  for (const auto& key : order) {
    const auto& entries = suites[key];
    const ReportHost& host = merged.hosts[key.second];
    std::size_t failures = 0, skipped = 0;
    double time = 0;
    std::string cases;
    for (const ReportEntry* entry : entries) {
      const json& r = entry->record;
      const double seconds = record_seconds(r);
      time += seconds;
      cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.6f}\"",
                           xml_escape(class_name(r)), xml_escape(r["name"].get<std::string>()), seconds);
      if (entry->status == Status::fail) {
        ++failures;
        cases += fmt::format(">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                             xml_escape(status_reason(r)), xml_escape(r["verdict"].get<std::string>()),
                             xml_escape(evidence_text(r)));
      } else if (entry->status == Status::unsettled || entry->status == Status::warning ||
                 entry->status == Status::skipped) {
        ++skipped;
        cases += fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                             xml_escape(status_reason(r)));
      } else {
        cases += fmt::format(">\n      <system-out>{}</system-out>\n    </testcase>\n",
                             xml_escape(status_reason(r)));
      }
    }
    total_failures += failures;
    total_skipped += skipped;
    total_time += time;
    body += fmt::format(
        "  <testsuite name=\"{}\" hostname=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
        "time=\"{:.6f}\"{}>\n",
        xml_escape(key.first + " on " + host.label), xml_escape(host.label), entries.size(), failures,
        skipped, time,
        host.created.empty() ? "" : fmt::format(" timestamp=\"{}\"", xml_escape(host.created.front())));
    body += "    <properties>\n";
    for (const auto& [name, value] : host.info.items())
      body += fmt::format("      <property name=\"host.{}\" value=\"{}\"/>\n", xml_escape(name),
                          xml_escape(value.is_string() ? value.get<std::string>() : value.dump()));
    for (const auto& version : host.tool_versions)
      body +=
          fmt::format("      <property name=\"memharness.version\" value=\"{}\"/>\n", xml_escape(version));
    body += "    </properties>\n" + cases + "  </testsuite>\n";
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"memharness\" tests=\"{}\" "
      "failures=\"{}\" "
      "errors=\"0\" skipped=\"{}\" time=\"{:.6f}\">\n{}</testsuites>\n",
      merged.entries.size(), total_failures, total_skipped, total_time, body);
}

}  // namespace mh::report
