// The three files of a report, written into one folder: index.html,
// summary.md and junit.xml, as a set: all three are rendered, then written to
// temporary files, then renamed into place, so a problem on the way leaves
// the folder as it was.
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
