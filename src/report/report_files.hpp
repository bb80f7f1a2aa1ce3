// The three files of a report, written into one folder: index.html,
// summary.md and junit.xml. Each is written whole (temporary file + rename),
// and all three are rendered before the first is written, so a problem in
// rendering leaves the folder as it was.
#pragma once

#include <string>

#include "report/merged_results.hpp"

namespace mh::report {

struct ReportPaths {
  std::string html, markdown, junit;
};

// Creates the folder if needed; throws std::runtime_error naming the path.
ReportPaths write_report_files(const MergedResults& merged, const std::string& dir);

}  // namespace mh::report
