// summary.md: the report's verdicts in Markdown, short enough for a CI job
// summary ($GITHUB_STEP_SUMMARY and the like): counts per kind, then every
// failure and unsettled result with its one-line reason.
#pragma once

#include <string>

#include "report/merged_results.hpp"

namespace mh::report {

std::string markdown_summary(const MergedResults& merged);

}  // namespace mh::report
