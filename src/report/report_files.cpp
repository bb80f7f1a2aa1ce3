#include "report/report_files.hpp"

#include <filesystem>
#include <stdexcept>

#include "report/atomic_file.hpp"
#include "report/html_report.hpp"
#include "report/junit_report.hpp"
#include "report/markdown_summary.hpp"

namespace mh::report {

ReportPaths write_report_files(const MergedResults& merged, const std::string& dir) {
  namespace fs = std::filesystem;
  const std::string html = html_report(merged);
  const std::string markdown = markdown_summary(merged);
  const std::string junit = junit_report(merged);
  std::error_code error;
  fs::create_directories(dir, error);
  if (!fs::is_directory(dir, error))
    throw std::runtime_error(dir + ": cannot create the report folder" +
                             (error ? ": " + error.message() : ""));
  const ReportPaths paths{(fs::path(dir) / "index.html").string(), (fs::path(dir) / "summary.md").string(),
                          (fs::path(dir) / "junit.xml").string()};
  write_files_atomically({{paths.html, html}, {paths.markdown, markdown}, {paths.junit, junit}});
  return paths;
}

}  // namespace mh::report
