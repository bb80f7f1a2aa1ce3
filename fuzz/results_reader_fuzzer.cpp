// Any bytes handed to `memharness report` (a results document, or with the
// first byte odd, the lines of a partial .jsonl file) are either refused with
// a ResultsError naming the file, or read, merged and rendered to all three
// outputs without any other exception, crash or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "report/html_report.hpp"
#include "report/junit_report.hpp"
#include "report/markdown_summary.hpp"
#include "report/merged_results.hpp"
#include "report/results_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool json_lines = (data[0] & 1) != 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string path = json_lines ? "fuzz.partial.jsonl" : "fuzz.json";
  mh::report::ResultsFile file;
  try {
    file = mh::report::parse_results_text(text, path, json_lines);
  } catch (const mh::report::ResultsError& e) {
    // Refusals name the file they refuse.
    if (std::string(e.what()).rfind(path, 0) != 0) {
      std::fprintf(stderr, "a refusal that does not start with the file name: %s\n", e.what());
      std::abort();
    }
    return 0;
  }
  const mh::report::MergedResults merged = mh::report::merge_results({file, file});
  const std::string html = mh::report::html_report(merged);
  const std::string markdown = mh::report::markdown_summary(merged);
  const std::string junit = mh::report::junit_report(merged);
  if (html.empty() || markdown.empty() || junit.empty()) std::abort();
  return 0;
}
