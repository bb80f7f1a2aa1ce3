// `memharness report RESULT.json... -o DIR`: merges results files (hosts,
// architectures, runs; docs/results.md) into index.html, summary.md and
// junit.xml (docs/reports.md). Exit 0 when every merged verdict is as
// expected, 1 when one differs, 2 when a file cannot be read or merged
// (nothing is written then).
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

// The one screen both `report` and `all` print: where the report is, the
// verdict, counts per kind (`all` prints its own per phase), the first failures.
void print_report_summary(const report::MergedResults& merged, const report::ReportPaths& paths,
                          std::ostream& out, bool with_counts = true);

}  // namespace mh::cli
