#include "tsan/report_log.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mh::tsan {
namespace {

namespace fs = std::filesystem;

// Enough of a report to see both stacks and where the memory came from.
constexpr std::size_t kReportCap = 8000;

void scan(const std::string& text, ReportLog& log) {
  std::istringstream in(text);
  std::string line;
  bool in_report = false;
  std::string report;
  while (std::getline(in, line)) {
    const auto warning = line.find("WARNING: ThreadSanitizer: ");
    if (warning != std::string::npos) {
      std::string kind = line.substr(warning + std::string("WARNING: ThreadSanitizer: ").size());
      if (const auto pid = kind.find(" (pid="); pid != std::string::npos) kind.erase(pid);
      log.warnings.push_back(kind);
      in_report = log.first_report.empty();
    }
    if (line.find("FATAL: ThreadSanitizer") != std::string::npos ||
        line.find("ThreadSanitizer: starting new threads after multi-threaded fork") != std::string::npos ||
        line.find("ThreadSanitizer: CHECK failed") != std::string::npos)
      log.fatal = true;
    if (in_report) {
      // The build id after every frame is noise for a reader.
      if (const auto build_id = line.find(" (BuildId: "); build_id != std::string::npos) line.erase(build_id);
      report += line + "\n";
      if (line.rfind("SUMMARY: ThreadSanitizer", 0) == 0 || report.size() > kReportCap) {
        in_report = false;
        log.first_report = report.substr(0, kReportCap);
        report.clear();
      }
    }
  }
  if (in_report && log.first_report.empty()) log.first_report = report.substr(0, kReportCap);
}

}  // namespace

bool ReportLog::has_race() const {
  return std::find(warnings.begin(), warnings.end(), "data race") != warnings.end();
}

bool ReportLog::has_other_warning() const {
  return std::any_of(warnings.begin(), warnings.end(), [](const std::string& w) { return w != "data race"; });
}

ReportLog read_report_logs(const std::string& prefix, const std::string& output) {
  ReportLog log;
  const fs::path base(prefix);
  std::vector<fs::path> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(base.parent_path(), error))
    if (entry.path().filename().string().rfind(base.filename().string() + ".", 0) == 0)
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    scan(text.str(), log);
  }
  scan(output, log);
  return log;
}

}  // namespace mh::tsan
