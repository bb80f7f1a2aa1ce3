// Results of several files (hosts, architectures, runs) put together for one
// report: each record tagged with the machine that produced it.
#pragma once

#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "report/result_status.hpp"
#include "report/results_reader.hpp"

namespace mh::report {

struct ReportHost {
  nlohmann::json info;                     // arch, cpu_model, cores, kernel, compiler, flags, emulated
  std::string label;                       // "x86_64 AMD EPYC, 2 cores", unique within the report
  std::vector<std::string> tool_versions;  // of the files that ran on it
  std::vector<std::string> created;        // when those files were written
  std::vector<std::string> files;
};

struct ReportEntry {
  nlohmann::json record;
  std::size_t host = 0;  // index into hosts
  Status status = Status::pass;
};

struct MergedResults {
  std::vector<ReportHost> hosts;
  std::vector<ReportEntry> entries;  // in file order, then record order
  std::vector<std::string> notes;    // what the merge did that a reader should know
  std::vector<std::string> files;

  std::size_t count(Status status) const;
  // No failure and every verdict established (warnings allowed): what exit 0 means.
  bool as_expected() const;
  // "2 failures, 1 not established", "1 not established", "All as expected".
  std::string verdict() const;
};

// The record kinds in the order every summary lists them, with their titles.
inline constexpr std::array<std::pair<const char*, const char*>, 5> kRecordKinds{
    {{"litmus-model", "litmus, models"},
     {"litmus-hw", "litmus, hardware"},
     {"model-check", "model checking"},
     {"stress", "stress"},
     {"tsan", "TSan"}}};

struct KindCounts {
  std::size_t total = 0;
  std::map<Status, std::size_t> by_status;
  std::size_t operator[](Status status) const {
    const auto found = by_status.find(status);
    return found == by_status.end() ? 0 : found->second;
  }
};
KindCounts count_kind(const MergedResults& merged, std::string_view kind);

// Files of the same schema version merge whatever their tool versions (a
// note says so); a newer schema is refused by the reader already. Records
// that appear twice for the same host (the same file given twice) are kept
// once. Throws ResultsError when there is nothing to report.
MergedResults merge_results(const std::vector<ResultsFile>& files);

// The one-line label of a host object.
std::string host_label(const nlohmann::json& host);

}  // namespace mh::report
