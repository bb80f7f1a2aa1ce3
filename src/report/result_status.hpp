// How a report judges one record, the same way on every page it writes:
// the HTML filters, the Markdown summary and the JUnit verdicts agree.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mh::report {

enum class Status {
  fail,         // a verdict differs from its expectation: the run's exit code is 1 for it
  unsettled,    // no verdict established: the budget ran out first, or the check was too large
  warning,      // as expected as far as it goes, with a caveat: states counted but not judged by
                // the model, a hunted bug this hardware did not show within the budget
  skipped,      // this host or mode cannot run it: nothing to judge
  interesting,  // as expected, and what it shows is worth a look: a weak outcome observed,
                // a hunted bug found, a TSan blind spot confirmed
  pass,         // as expected
};

Status record_status(const nlohmann::json& record);
// "fail", "unsettled", "warning", "skipped", "interesting", "pass": the HTML class and filter key.
const char* status_word(Status status);
// One line saying why, for the summaries ("forbidden state observed: x=1; y=0", "hang", ...).
std::string status_reason(const nlohmann::json& record);
// The state of a histogram or states entry as one line, locations sorted: "0:r0=1; x=2".
std::string state_text(const nlohmann::json& state);

}  // namespace mh::report
