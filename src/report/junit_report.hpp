// junit.xml: one testcase per result, in one testsuite per kind and host,
// so CI systems that read JUnit (GitLab, Jenkins, GitHub test reporters)
// list memharness's verdicts. A failure carries its evidence: the forbidden
// states seen, the counterexample trace, the hang report, the TSan report.
// Unsettled results (no verdict established) are reported as skipped, with why.
#pragma once

#include <string>

#include "report/merged_results.hpp"

namespace mh::report {

std::string junit_report(const MergedResults& merged);

// Text for XML content and attribute values: escaped, and with the control
// characters XML 1.0 cannot carry replaced by U+FFFD.
std::string xml_escape(const std::string& text);

}  // namespace mh::report
