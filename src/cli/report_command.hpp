// `memharness report RESULT.json... -o DIR`: merges results files (hosts,
// architectures, runs; docs/results.md) into index.html, summary.md and
// junit.xml (docs/reports.md). Exit 0 when every merged verdict is as
// expected, 1 when one differs or was not established (budget, too large),
// 2 when a file cannot be read or merged (nothing is written then).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "report/merged_results.hpp"
#include "report/report_files.hpp"

namespace CLI {
class App;
}

namespace mh::cli {

struct ReportOptions {
  std::vector<std::string> files;
  std::string output_dir;
};

void add_report_options(CLI::App& command, ReportOptions& options);
int run_report_command(const ReportOptions& options);

// Where the report is and its verdict (both `report` and `all` print it).
void print_report_location(const report::MergedResults& merged, const report::ReportPaths& paths,
                           std::ostream& out);
// Counts per kind and the first failures (`all` prints its own, per phase).
void print_report_counts(const report::MergedResults& merged, const report::ReportPaths& paths,
                         std::ostream& out);

}  // namespace mh::cli
