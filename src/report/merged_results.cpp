#include "report/merged_results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace mh::report {

namespace {

using nlohmann::json;

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

}  // namespace

std::string host_label(const json& host) {
  if (!host.is_object() || host.empty()) return "unknown host";
  std::string label = host.value("arch", "?");
  const std::string cpu = host.value("cpu_model", "");
  if (!cpu.empty()) label += " " + cpu;
  if (host.contains("cores")) label += fmt::format(", {} cores", host["cores"].dump());
  if (host.value("emulated", false)) label += ", emulated";
  const std::string flags = host.value("flags", "");
  if (!flags.empty() && flags != "optimized") label += ", " + flags;
  return label;
}

std::size_t MergedResults::count(Status status) const {
  return static_cast<std::size_t>(std::count_if(
      entries.begin(), entries.end(), [status](const ReportEntry& e) { return e.status == status; }));
}

bool MergedResults::as_expected() const {
  return count(Status::fail) == 0 && count(Status::unsettled) == 0;
}

std::string MergedResults::verdict() const {
  const std::size_t failures = count(Status::fail), unsettled = count(Status::unsettled);
  std::string text;
  if (failures > 0) text = fmt::format("{} failure{}", failures, failures == 1 ? "" : "s");
  if (unsettled > 0) text += fmt::format("{}{} not established", text.empty() ? "" : ", ", unsettled);
  return text.empty() ? "All as expected" : text;
}

KindCounts count_kind(const MergedResults& merged, std::string_view kind) {
  KindCounts counts;
  for (const ReportEntry& entry : merged.entries)
    if (entry.record["kind"] == kind) {
      ++counts.total;
      ++counts.by_status[entry.status];
    }
  return counts;
}

MergedResults merge_results(const std::vector<ResultsFile>& files) {
  MergedResults merged;
  std::map<std::string, std::size_t> host_index;       // host object, dumped (keys sorted) -> index
  std::set<std::pair<std::size_t, std::string>> seen;  // (host, record) already taken
  std::size_t duplicates = 0;
  std::map<std::string, std::vector<std::string>> files_by_version;

  const auto host_of = [&](const json& info, const ResultsFile& file) {
    // A partial file names no machine: each such file is a host of its own.
    const std::string key = info.empty() ? "partial:" + file.path : info.dump();
    auto found = host_index.find(key);
    std::size_t index;
    if (found == host_index.end()) {
      index = merged.hosts.size();
      host_index.emplace(key, index);
      ReportHost host;
      host.info = info;
      host.label = host_label(info);
      if (file.partial && info.empty()) host.label = "unknown host (partial run " + file.path + ")";
      merged.hosts.push_back(std::move(host));
    } else {
      index = found->second;
    }
    ReportHost& host = merged.hosts[index];
    add_unique(host.tool_versions, file.tool_version);
    if (!file.created.empty()) add_unique(host.created, file.created);
    add_unique(host.files, file.path);
    return index;
  };

  for (const ResultsFile& file : files) {
    merged.files.push_back(file.path);
    files_by_version[file.tool_version].push_back(file.path);
    if (file.partial)
      merged.notes.push_back(
          fmt::format("{} holds the records of a run that did not finish: what it did not reach "
                      "is missing, not passed",
                      file.path));
    for (const json& record : file.results) {
      // A stress record names its own machine: merged stress results keep theirs.
      const json& info = record.contains("host") && record["host"].is_object() && !record["host"].empty()
                             ? record["host"]
                             : file.host;
      const std::size_t host = host_of(info, file);
      if (!seen.emplace(host, record.dump()).second) {
        ++duplicates;
        continue;
      }
      merged.entries.push_back({record, host, record_status(record)});
    }
    if (file.results.empty()) host_of(file.host, file);
  }
  if (merged.entries.empty())
    throw ResultsError("no results to report: every file given has an empty results list");

  if (files_by_version.size() > 1) {
    std::string list;
    for (const auto& [version, paths] : files_by_version) {
      std::string names;
      for (const auto& path : paths) names += (names.empty() ? "" : ", ") + path;
      list += fmt::format("{}{} ({})", list.empty() ? "" : "; ", version, names);
    }
    merged.notes.push_back(fmt::format(
        "merged results of different memharness versions: {}. They share results schema version {}, so every "
        "record reads the same way; expectations may differ between versions",
        list, kResultsSchemaVersion));
  }
  if (duplicates > 0)
    merged.notes.push_back(
        fmt::format("{} record{} appeared more than once for the same host (a file given twice?) "
                    "and {} counted once",
                    duplicates, duplicates == 1 ? "" : "s", duplicates == 1 ? "is" : "are"));
  // Two different machines that print alike still get columns of their own.
  std::map<std::string, int> label_uses;
  for (auto& host : merged.hosts)
    if (++label_uses[host.label] > 1) host.label += fmt::format(" #{}", label_uses[host.label]);
  return merged;
}

}  // namespace mh::report
