// What a ThreadSanitizer run left in its log files (TSAN_OPTIONS log_path):
// the kind of every warning, and the text of the first report as evidence.
#pragma once

#include <string>
#include <vector>

namespace mh::tsan {

struct ReportLog {
  std::vector<std::string> warnings;  // "data race", "lock-order-inversion (potential deadlock)", ...
  std::string first_report;           // the first report, capped (empty: none)
  bool fatal = false;                 // TSan stopped the program for a reason of its own ("FATAL: ...")

  bool has_race() const;
  bool has_other_warning() const;  // a warning that is not a data race
};

// Reads every file `<prefix>.<pid>` (one per process of the run) and also
// `output`, the run's own stdout and stderr, for TSan's fatal messages.
ReportLog read_report_logs(const std::string& prefix, const std::string& output);

}  // namespace mh::tsan
