#include "cli/report_command.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "report/results_reader.hpp"

namespace mh::cli {

void add_report_options(CLI::App& command, ReportOptions& options) {
  command
      .add_option(
          "files", options.files,
          "Results files (results.json of `all`, --json of the other commands, results.partial.jsonl of "
          "an unfinished run, or a folder holding results.json)")
      ->required();
  command.add_option("-o,--output", options.output_dir, "Folder for index.html, summary.md and junit.xml")
      ->required();
}

void print_report_location(const report::MergedResults& merged, const report::ReportPaths& paths,
                           std::ostream& out) {
  out << fmt::format("report: {} ({} results, {} host{}): {}\n", paths.html, merged.entries.size(),
                     merged.hosts.size(), merged.hosts.size() == 1 ? "" : "s", merged.verdict());
  out << fmt::format("        {} (CI job summary), {} (JUnit)\n", paths.markdown, paths.junit);
  for (const auto& note : merged.notes) out << "  note: " << note << "\n";
}

void print_report_counts(const report::MergedResults& merged, const report::ReportPaths& paths,
                         std::ostream& out) {
  using report::Status;
  for (const auto& [kind, title] : report::kRecordKinds) {
    const report::KindCounts counts = report::count_kind(merged, kind);
    if (counts.total == 0) continue;
    out << fmt::format(
        "  {:<17} {:>4}: {} as expected ({} interesting), {} failed, {} not established, {} warnings, {} "
        "skipped\n",
        title, counts.total, counts[Status::pass] + counts[Status::interesting] + counts[Status::warning],
        counts[Status::interesting], counts[Status::fail], counts[Status::unsettled], counts[Status::warning],
        counts[Status::skipped]);
  }
  const std::size_t failures = merged.count(Status::fail);
  std::size_t shown = 0;
  for (const auto& entry : merged.entries) {
    if (entry.status != Status::fail) continue;
    if (++shown > 10) {
      out << fmt::format("  ... {} more failures in {}\n", failures - 10, paths.markdown);
      break;
    }
    out << fmt::format("  FAIL {} {}: {}\n", entry.record["kind"].get<std::string>(),
                       entry.record["name"].get<std::string>(), report::status_reason(entry.record));
  }
}

int run_report_command(const ReportOptions& options) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::exists(options.output_dir, error) && !fs::is_directory(options.output_dir, error)) {
    std::cerr << "memharness: -o " << options.output_dir << " is not a folder\n";
    return 2;
  }
  std::vector<report::ResultsFile> files;
  report::MergedResults merged;
  try {
    for (const auto& path : options.files) files.push_back(report::read_results_file(path));
    merged = report::merge_results(files);
  } catch (const report::ResultsError& failure) {
    std::cerr << "memharness: " << failure.what() << "\n";
    return 2;
  }
  report::ReportPaths paths;
  try {
    paths = report::write_report_files(merged, options.output_dir);
  } catch (const std::exception& failure) {
    std::cerr << "memharness: " << failure.what() << "\n";
    return 2;
  }
  print_report_location(merged, paths, std::cout);
  print_report_counts(merged, paths, std::cout);
  return merged.as_expected() ? 0 : 1;
}

}  // namespace mh::cli
