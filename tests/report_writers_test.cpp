// The three files of `memharness report`: junit.xml for CI test views,
// summary.md for CI job summaries, index.html (self-contained, filterable),
// and their writing into a folder. Built from small merged result sets.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "report/html_report.hpp"
#include "report/html_text.hpp"
#include "report/junit_report.hpp"
#include "report/markdown_summary.hpp"
#include "report/merged_results.hpp"
#include "report/report_files.hpp"
#include "report/results_reader.hpp"
#include "report_fixtures.hpp"

namespace {

namespace fs = std::filesystem;
using mh::report::MergedResults;
using mh::report::ResultsFile;
using mh::testing::kHwSbWeak;
using mh::testing::kModelCheckTrace;
using nlohmann::json;

// ---- fixtures, shaped as docs/results.md shows the records ----

constexpr const char* kHostX86 =
    R"json({"arch": "x86_64", "cpu_model": "AMD EPYC", "cores": 2, "kernel": "Linux 6.1.0",
            "compiler": "g++ 12.2.0", "flags": "optimized", "emulated": false})json";
constexpr const char* kHostX86Label = "x86_64 AMD EPYC, 2 cores";
constexpr const char* kHostArm =
    R"json({"arch": "aarch64", "cpu_model": "Neoverse-N1", "cores": 4, "kernel": "Linux 6.1.0",
            "compiler": "g++ 12.2.0", "flags": "optimized", "emulated": false})json";
constexpr const char* kHostArmLabel = "aarch64 Neoverse-N1, 4 cores";

// SB under x86-TSO: the weak outcome (both loads 0) allowed.
constexpr const char* kModelSbTso = R"json({
  "kind": "litmus-model", "name": "SB", "file": "x86/SB.litmus", "arch": "X86", "model": "tso",
  "condition": "exists (0:EAX=0 /\\ 1:EAX=0)", "verdict": "pass",
  "expectation": { "observation": "Sometimes", "undefined": false, "source": "Intel SDM Vol. 3A 8.2.3.4" },
  "evidence": { "observation": "Sometimes", "ok": true, "positive": 1, "negative": 3, "undefined": false,
    "states": [ { "state": { "0:EAX": "0", "1:EAX": "0" }, "executions": 1, "satisfies": true },
                { "state": { "0:EAX": "0", "1:EAX": "1" }, "executions": 1, "satisfies": false },
                { "state": { "0:EAX": "1", "1:EAX": "0" }, "executions": 1, "satisfies": false },
                { "state": { "0:EAX": "1", "1:EAX": "1" }, "executions": 1, "satisfies": false } ],
    "candidates": 4, "seconds": 0.0001 } })json";

// SB under SC: the weak outcome is not among the states.
constexpr const char* kModelSbSc = R"json({
  "kind": "litmus-model", "name": "SB", "file": "x86/SB.litmus", "arch": "X86", "model": "sc",
  "condition": "exists (0:EAX=0 /\\ 1:EAX=0)", "verdict": "pass",
  "expectation": { "observation": "Never", "undefined": false, "source": "SC interleavings" },
  "evidence": { "observation": "Never", "ok": false, "positive": 0, "negative": 3, "undefined": false,
    "states": [ { "state": { "0:EAX": "0", "1:EAX": "1" }, "executions": 1, "satisfies": false },
                { "state": { "0:EAX": "1", "1:EAX": "0" }, "executions": 1, "satisfies": false },
                { "state": { "0:EAX": "1", "1:EAX": "1" }, "executions": 1, "satisfies": false } ],
    "candidates": 4, "seconds": 0.0001 } })json";

// MP on the cores: a state x86-TSO forbids observed 3 times (fail).
constexpr const char* kHwMpFail = R"json({
  "kind": "litmus-hw", "name": "MP", "file": "x86/MP.litmus", "arch": "X86",
  "condition": "exists (1:EAX=1 /\\ 1:EBX=0)", "model": "tso", "verdict": "fail",
  "expectation": { "forbidden_states_observed": 0, "source": "every observed state allowed by the host's model" },
  "evidence": { "mode": "barrier", "seconds": 0.5, "iterations": 1000, "positive": 3, "negative": 997,
    "histogram": [
      { "state": { "1:EAX": "1", "1:EBX": "0" }, "count": 3, "satisfies": true, "allowed": false, "allowed_by_sc": false },
      { "state": { "1:EAX": "1", "1:EBX": "1" }, "count": 997, "satisfies": false, "allowed": true, "allowed_by_sc": true }
    ] } })json";

// A hunted bug found (interesting).
constexpr const char* kStressFound = R"json({
  "kind": "stress", "name": "futex_mutex/take3-unlock-never-wakes", "protocol": "futex_mutex",
  "variant": "take3-unlock-never-wakes", "expected": "hunted", "reordering": false, "hunted_here": true,
  "verdict": "found", "budget_seconds": 0.4, "seconds": 0.27, "workers": 2,
  "operations": 9581, "operations_per_second": 35486.0, "violations": 1,
  "first_failure": { "at_seconds": 0.265, "kind": "hang", "details": "every live worker blocked for 0.25 s" },
  "hang": "every live worker blocked for 0.25 s", "left_blocked": false, "error": null })json";

// A hunted bug not seen here (unsettled).
constexpr const char* kStressNotFound = R"json({
  "kind": "stress", "name": "pipe_handoff/wakeup-flag-no-fence", "protocol": "pipe_handoff",
  "variant": "wakeup-flag-no-fence", "expected": "hunted", "reordering": true, "hunted_here": true,
  "verdict": "not-found", "budget_seconds": 0.5, "seconds": 0.5, "workers": 2,
  "operations": 1000, "operations_per_second": 2000.0, "violations": 0,
  "first_failure": null, "hang": null, "left_blocked": false, "error": null })json";

// A correct variant that hung (fail).
constexpr const char* kStressHang = R"json({
  "kind": "stress", "name": "futex_mutex/take1", "protocol": "futex_mutex", "variant": "take1",
  "expected": "correct", "reordering": false, "hunted_here": false, "verdict": "fail",
  "budget_seconds": 0.5, "seconds": 0.3, "workers": 2, "operations": 4790, "operations_per_second": 15966.0,
  "violations": 1,
  "first_failure": { "at_seconds": 0.3, "kind": "hang",
                     "details": "worker 1 (pid 7605): blocked in futex_wait(lock, 2) for 0.26 s" },
  "hang": "worker 1 (pid 7605): blocked in futex_wait(lock, 2) for 0.26 s", "left_blocked": false,
  "error": null })json";

// TSan misses a race the fences hide from it, as its blind spot says (interesting).
constexpr const char* kTsanBlindSpot = R"json({
  "kind": "tsan", "name": "litmus/c/MP+na.fencerel+fenceacq.na", "test_kind": "litmus", "verdict": "pass",
  "expected": "race", "observed": "race", "model": "ok", "model_source": "litmus/expected.tsv",
  "blind_spot": "fence", "differs_from_model": true, "reason": "rc11: the fences synchronize through the flag",
  "runs": 1, "seconds": 0.7, "report": "WARNING: ThreadSanitizer: data race (pid=4241)", "error": null })json";

// Clean as expected (pass).
constexpr const char* kTsanPass = R"json({
  "kind": "tsan", "name": "probe/relaxed-counter", "test_kind": "probe", "verdict": "pass",
  "expected": "clean", "observed": "clean", "model": "ok", "model_source": "probes",
  "blind_spot": null, "differs_from_model": false, "reason": "atomic accesses only",
  "runs": 1, "seconds": 0.2, "report": null, "error": null })json";

// A race reported where the model expects none (fail).
constexpr const char* kTsanFail = R"json({
  "kind": "tsan", "name": "litmus/c/MP+rel+acq", "test_kind": "litmus", "verdict": "fail",
  "expected": "clean", "observed": "race", "model": "ok", "model_source": "litmus/expected.tsv",
  "blind_spot": null, "differs_from_model": false, "reason": "rc11: release/acquire orders the accesses",
  "runs": 1, "seconds": 0.4,
  "report": "WARNING: ThreadSanitizer: data race (pid=4242)\n  Read of size 4 at 0x7b0400000010 by thread T2",
  "error": null })json";

std::string document(const std::vector<const char*>& records, const std::string& host = kHostX86) {
  std::string list;
  for (const char* record : records) list += (list.empty() ? "" : ",") + std::string(record);
  return R"json({"schema": "memharness-results", "schema_version": 1,
    "tool": {"name": "memharness", "version": "0.1.0"}, "host": )json" +
         host + R"json(, "created": "2026-11-23T10:00:00Z", "results": [)json" + list + "]}";
}

ResultsFile file_of(const std::vector<const char*>& records, const std::string& path = "run/results.json",
                    const std::string& host = kHostX86) {
  return mh::report::parse_results_text(document(records, host), path, false);
}

MergedResults merged_of(const std::vector<const char*>& records, const std::string& host = kHostX86) {
  return mh::report::merge_results({file_of(records, "run/results.json", host)});
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
  return count;
}

// The opening tag that starts at the first occurrence of `start` (which must begin with '<').
std::string tag_at(const std::string& text, const std::string& start) {
  const auto at = text.find(start);
  if (at == std::string::npos) return "";
  return text.substr(at, text.find('>', at) - at + 1);
}

// From `from` (exclusive) to `to` (exclusive), "" when either is missing.
std::string between(const std::string& text, const std::string& from, const std::string& to,
                    std::size_t start = 0) {
  const auto begin = text.find(from, start);
  if (begin == std::string::npos) return "";
  const auto end = text.find(to, begin + from.size());
  if (end == std::string::npos) return "";
  return text.substr(begin + from.size(), end - begin - from.size());
}

// ---- JUnit -----------------------------------------------------------------------

// One failure, one unsettled (reported as skipped), two passes.
const std::vector<const char*> kMixed{kHwMpFail, kStressNotFound, kModelSbTso, kTsanPass};

TEST(JunitReport, CountsMatchTheStatuses) {
  const std::string xml = mh::report::junit_report(merged_of(kMixed));
  const std::string root = tag_at(xml, "<testsuites ");
  ASSERT_FALSE(root.empty()) << xml;
  EXPECT_TRUE(contains(root, " tests=\"4\"")) << root;
  EXPECT_TRUE(contains(root, " failures=\"1\"")) << root;
  EXPECT_TRUE(contains(root, " skipped=\"1\"")) << root;
  EXPECT_TRUE(contains(root, " errors=\"0\"")) << root;
  EXPECT_EQ(occurrences(xml, "<testcase "), 4u);
  EXPECT_EQ(occurrences(xml, "<failure "), 1u);
  EXPECT_EQ(occurrences(xml, "<skipped "), 1u);
  // Each kind is its own suite here (one host): the failure is counted in the litmus-hw one.
  const std::string hw = tag_at(xml, std::string("<testsuite name=\"litmus-hw on ") + kHostX86Label);
  ASSERT_FALSE(hw.empty()) << xml;
  EXPECT_TRUE(contains(hw, " tests=\"1\" failures=\"1\"")) << hw;
  const std::string stress = tag_at(xml, std::string("<testsuite name=\"stress on ") + kHostX86Label);
  ASSERT_FALSE(stress.empty()) << xml;
  EXPECT_TRUE(contains(stress, " failures=\"0\"")) << stress;
  EXPECT_TRUE(contains(stress, " skipped=\"1\"")) << stress;
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u);
}

TEST(JunitReport, OneSuitePerKindAndHost) {
  const MergedResults merged =
      mh::report::merge_results({file_of({kModelSbTso, kModelSbSc, kStressFound}, "x86/results.json"),
                                 file_of({kModelSbTso}, "arm/results.json", kHostArm)});
  const std::string xml = mh::report::junit_report(merged);
  // (litmus-model, x86), (stress, x86), (litmus-model, arm).
  EXPECT_EQ(occurrences(xml, "<testsuite "), 3u) << xml;
  const std::string x86 =
      tag_at(xml, std::string("<testsuite name=\"litmus-model on ") + kHostX86Label + "\"");
  const std::string arm =
      tag_at(xml, std::string("<testsuite name=\"litmus-model on ") + kHostArmLabel + "\"");
  ASSERT_FALSE(x86.empty()) << xml;
  ASSERT_FALSE(arm.empty()) << xml;
  EXPECT_TRUE(contains(x86, " tests=\"2\"")) << x86;
  EXPECT_TRUE(contains(arm, " tests=\"1\"")) << arm;
  EXPECT_TRUE(contains(arm, std::string(" hostname=\"") + kHostArmLabel + "\"")) << arm;
  EXPECT_EQ(occurrences(xml, std::string("<testsuite name=\"stress on ")), 1u);
  EXPECT_TRUE(contains(tag_at(xml, "<testsuites "), " tests=\"4\"")) << xml;
}

// The <failure> element of the testcase named `name`.
std::string failure_of(const std::string& xml, const std::string& name) {
  const auto testcase = xml.find("name=\"" + name + "\" time=");
  if (testcase == std::string::npos) return "";
  const auto end = xml.find("</testcase>", testcase);
  const auto failure = xml.find("<failure ", testcase);
  if (failure == std::string::npos || failure > end) return "";
  return xml.substr(failure, xml.find("</failure>", failure) - failure);
}

TEST(JunitReport, FailuresCarryTheirEvidence) {
  const std::string xml = mh::report::junit_report(merged_of({kHwMpFail, kStressHang, kTsanFail}));
  EXPECT_TRUE(contains(tag_at(xml, "<testsuites "), " failures=\"3\"")) << xml;

  const std::string hw = failure_of(xml, "MP");
  ASSERT_FALSE(hw.empty()) << xml;
  EXPECT_TRUE(contains(hw, "1:EAX=1; 1:EBX=0")) << hw;  // the forbidden state, as state_text writes it
  EXPECT_TRUE(contains(hw, "FORBIDDEN")) << hw;
  EXPECT_TRUE(contains(hw, " type=\"fail\"")) << hw;

  const std::string stress = failure_of(xml, "futex_mutex/take1");
  ASSERT_FALSE(stress.empty()) << xml;
  EXPECT_TRUE(contains(stress, "worker 1 (pid 7605): blocked in futex_wait(lock, 2) for 0.26 s")) << stress;

  const std::string tsan = failure_of(xml, "litmus/c/MP+rel+acq");
  ASSERT_FALSE(tsan.empty()) << xml;
  EXPECT_TRUE(contains(tsan, "WARNING: ThreadSanitizer: data race (pid=4242)")) << tsan;
  EXPECT_TRUE(contains(tsan, "Read of size 4 at 0x7b0400000010 by thread T2")) << tsan;
}

TEST(JunitReport, PassesHaveNoFailureElement) {
  const std::string xml = mh::report::junit_report(merged_of({kModelSbTso, kTsanPass}));
  EXPECT_EQ(occurrences(xml, "<failure"), 0u);
  EXPECT_EQ(occurrences(xml, "<skipped"), 0u);
  EXPECT_TRUE(contains(tag_at(xml, "<testsuites "), " failures=\"0\"")) << xml;
}

TEST(JunitReport, XmlEscape) {
  EXPECT_EQ(mh::report::xml_escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  // XML 1.0 cannot carry most control characters: U+FFFD (EF BF BD in UTF-8) stands in.
  EXPECT_EQ(mh::report::xml_escape(std::string("x\x01") + "y"), "x\xEF\xBF\xBDy");
  EXPECT_EQ(mh::report::xml_escape(std::string("nul\0here", 8)), "nul\xEF\xBF\xBDhere");
  // Tab, newline and carriage return are allowed as they are.
  EXPECT_EQ(mh::report::xml_escape("a\tb\nc\rd"), "a\tb\nc\rd");
  EXPECT_EQ(mh::report::xml_escape("plain"), "plain");
  // U+FFFE and U+FFFF are outside XML's Char production too; U+FFFD itself and
  // other three-byte characters pass.
  EXPECT_EQ(mh::report::xml_escape("a\xEF\xBF\xBF"
                                   "b\xEF\xBF\xBE"),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
  EXPECT_EQ(mh::report::xml_escape("\xEF\xBF\xBD \xE2\x86\x92"), "\xEF\xBF\xBD \xE2\x86\x92");
}

TEST(JunitReport, NamesAreEscapedInAttributes) {
  json tsan = json::parse(kTsanPass);
  tsan["name"] = "probe/<vector>&\"x\"";
  const std::string record = tsan.dump();
  const std::string xml = mh::report::junit_report(merged_of({record.c_str()}));
  EXPECT_TRUE(contains(xml, "name=\"probe/&lt;vector&gt;&amp;&quot;x&quot;\"")) << xml;
  EXPECT_FALSE(contains(xml, "<vector>")) << xml;
  // No raw '<' inside any attribute value ('"' is escaped in values, so this finds each whole value).
  const std::regex attribute("=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), attribute); it != std::sregex_iterator(); ++it)
    EXPECT_EQ((*it)[1].str().find('<'), std::string::npos) << (*it)[0].str();
}

// ---- Markdown ------------------------------------------------------------------------

TEST(MarkdownSummary, AllAsExpectedWithoutFailures) {
  const std::string md = mh::report::markdown_summary(merged_of({kModelSbTso, kStressFound, kTsanPass}));
  EXPECT_TRUE(contains(md, "**All as expected** (3 results)")) << md;
  EXPECT_FALSE(contains(md, "## Failures")) << md;
  EXPECT_FALSE(contains(md, "## Not established")) << md;
  EXPECT_FALSE(contains(md, "## Warnings")) << md;
}

TEST(MarkdownSummary, OneFailureIsListedWithItsReason) {
  const std::string md = mh::report::markdown_summary(merged_of(kMixed));
  EXPECT_TRUE(contains(md, "**1 failure** (4 results)")) << md;
  EXPECT_FALSE(contains(md, "All as expected")) << md;
  const std::string failures = between(md, "\n## Failures (1)\n", "\n## ");
  ASSERT_FALSE(failures.empty()) << md;
  EXPECT_TRUE(contains(failures, "MP")) << failures;
  EXPECT_TRUE(contains(failures, "1:EAX=1; 1:EBX=0")) << failures;  // the forbidden state seen
  EXPECT_TRUE(contains(failures, "forbidden")) << failures;
  EXPECT_FALSE(contains(failures, "pipe_handoff")) << failures;  // a hunted bug not seen is a warning
  EXPECT_FALSE(contains(failures, "probe/relaxed-counter")) << failures;
  // The warning has its own section.
  const auto warnings = md.find("## Warnings (1)");
  ASSERT_NE(warnings, std::string::npos) << md;
  EXPECT_TRUE(contains(md.substr(warnings), "pipe_handoff/wakeup-flag-no-fence")) << md;
  // Per kind: litmus, hardware: 1 result, 0 as expected, 0 interesting, 1 failed, 0 not established,
  // 0 warnings, 0 skipped.
  EXPECT_TRUE(contains(md, "| litmus, hardware (1) | 0 | 0 | 1 | 0 | 0 | 0 |")) << md;
}

TEST(MarkdownSummary, PipeInAHostLabelIsEscapedInTableCells) {
  const std::string host =
      R"json({"arch": "x86_64", "cpu_model": "EPYC | 7B13", "cores": 2, "kernel": "Linux",
      "compiler": "g++ 12.2.0", "flags": "optimized", "emulated": false})json";
  const std::string md = mh::report::markdown_summary(merged_of({kModelSbTso}, host));
  EXPECT_TRUE(contains(md, "EPYC \\| 7B13")) << md;
  EXPECT_FALSE(contains(md, "EPYC | 7B13")) << md;
}

// ---- HTML ------------------------------------------------------------------------------

const std::vector<const char*> kEverything{kModelSbSc,      kModelSbTso,      kHwSbWeak,
                                           kHwMpFail,       kModelCheckTrace, kStressFound,
                                           kStressNotFound, kTsanBlindSpot,   kTsanPass};
const std::vector<const char*> kNoFailure{kModelSbSc,   kModelSbTso,     kHwSbWeak,      kModelCheckTrace,
                                          kStressFound, kStressNotFound, kTsanBlindSpot, kTsanPass};

TEST(HtmlReport, IsSelfContained) {
  const std::string html = mh::report::html_report(merged_of(kEverything));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* outside : {"http://", "https://", "<link", "src="})
    EXPECT_FALSE(contains(html, outside)) << outside;
}

TEST(HtmlReport, HasTheThreeFilterButtons) {
  const std::string html = mh::report::html_report(merged_of(kEverything));
  for (const char* filter : {"failures", "interesting", "all"})
    EXPECT_TRUE(
        std::regex_search(html, std::regex(std::string("<button[^>]*data-filter=\"") + filter + "\"")))
        << filter;
}

TEST(HtmlReport, OpensOnFailuresWhenThereAreAny) {
  const std::regex body_filter("<body[^>]*data-filter=\"([a-z]+)\"");
  std::smatch match;
  const std::string failing = mh::report::html_report(merged_of(kEverything));
  ASSERT_TRUE(std::regex_search(failing, match, body_filter));
  EXPECT_EQ(match[1].str(), "failures");
  const std::string passing = mh::report::html_report(merged_of(kNoFailure));
  ASSERT_TRUE(std::regex_search(passing, match, body_filter));
  EXPECT_EQ(match[1].str(), "all");
}

// The data-status of the item element that holds the first occurrence of `marker`.
std::string item_status(const std::string& html, const std::string& marker) {
  const auto at = html.find(marker);
  if (at == std::string::npos) return "(marker not found)";
  const auto item = html.rfind("class=\"item", at);
  const auto status = html.rfind("data-status=\"", at);
  if (item == std::string::npos || status == std::string::npos || status < item) return "(no data-status)";
  const auto begin = status + std::string("data-status=\"").size();
  return html.substr(begin, html.find('"', begin) - begin);
}

TEST(HtmlReport, EachItemCarriesItsStatus) {
  const std::string html = mh::report::html_report(merged_of(kEverything));
  EXPECT_EQ(item_status(html, "<td class=\"mono\">peterson_acq_rel</td>"), "interesting");
  EXPECT_EQ(item_status(html, "<td class=\"mono\">futex_mutex/take3-unlock-never-wakes</td>"), "interesting");
  EXPECT_EQ(item_status(html, "<td class=\"mono\">pipe_handoff/wakeup-flag-no-fence</td>"), "warning");
  EXPECT_EQ(item_status(html, "<td class=\"mono\">litmus/c/MP+na.fencerel+fenceacq.na</td>"), "interesting");
  EXPECT_EQ(item_status(html, "<td class=\"mono\">probe/relaxed-counter</td>"), "pass");
  // A litmus test is one item for all its records, showing the worst: SB's
  // two model passes and its weak outcome on the cores; MP's forbidden state.
  EXPECT_EQ(item_status(html, "id=\"litmus-X86/SB\""), "interesting");
  EXPECT_EQ(item_status(html, "id=\"litmus-X86/MP\""), "fail");
  // Every item element has a data-status with a status word.
  const std::regex with_status(
      "class=\"item[^\"]*\"[^>]*data-status=\"(fail|unsettled|warning|skipped|interesting|pass)\"");
  const auto with = static_cast<std::size_t>(
      std::distance(std::sregex_iterator(html.begin(), html.end(), with_status), std::sregex_iterator()));
  EXPECT_EQ(with, occurrences(html, "class=\"item"));
  // 2 litmus tests, 1 model, 2 stress variants, 2 TSan tests, and the blind-spot row of the one that
  // differs from the model.
  EXPECT_EQ(with, 8u);
}

TEST(HtmlReport, TraceIsFolded) {
  const std::string html = mh::report::html_report(merged_of(kEverything));
  const auto event = html.find("peterson.cpp:40");
  ASSERT_NE(event, std::string::npos);
  const auto open = html.rfind("<details", event);
  const auto closed_before = html.rfind("</details>", event);
  ASSERT_NE(open, std::string::npos);
  EXPECT_TRUE(closed_before == std::string::npos || closed_before < open);
  EXPECT_NE(html.find("</details>", event), std::string::npos);
}

// The <tr> of the outcomes table in `item` whose state text is `state`.
std::string row_of(const std::string& item, const std::string& state) {
  const auto at = item.find(state + "</td>");
  if (at == std::string::npos) return "";
  const auto begin = item.rfind("<tr", at);
  return item.substr(begin, item.find("</tr>", at) - begin);
}

std::vector<std::string> cell_classes(const std::string& row) {
  std::vector<std::string> classes;
  const std::regex cell("<td class=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(row.begin(), row.end(), cell); it != std::sregex_iterator(); ++it)
    classes.push_back((*it)[1].str());
  return classes;
}

std::string count_cell(const std::string& row) {
  std::smatch match;
  const std::regex count("<td class=\"count num[^\"]*\">([^<]*)</td>");
  return std::regex_search(row, match, count) ? match[1].str() : "(none)";
}

TEST(HtmlReport, LitmusTableHasTheModelsAndTheHostCounts) {
  const std::string html = mh::report::html_report(merged_of(kEverything));
  const std::string sb = between(html, "id=\"litmus-X86/SB\"", "</div>");
  ASSERT_FALSE(sb.empty()) << html;
  // Columns: the four models in order, then this host's barrier run.
  const auto sc = sb.find("<th>SC</th>"), tso = sb.find("<th>x86-TSO</th>"), arm = sb.find("<th>ARMv8</th>"),
             rc11 = sb.find("<th>RC11</th>"), host = sb.find(std::string("<th>") + kHostX86Label);
  ASSERT_NE(sc, std::string::npos);
  ASSERT_NE(tso, std::string::npos);
  ASSERT_NE(arm, std::string::npos);
  ASSERT_NE(rc11, std::string::npos);
  ASSERT_NE(host, std::string::npos) << sb;
  EXPECT_LT(sc, tso);
  EXPECT_LT(tso, arm);
  EXPECT_LT(arm, rc11);
  EXPECT_LT(rc11, host);
  EXPECT_TRUE(contains(sb.substr(host, sb.find("</th>", host) - host), "barrier"));

  // The weak outcome: SC's states lack it (forbidden), TSO's have it (allowed),
  // ARMv8 and RC11 were not checked; the host saw it 7 times, a weak outcome.
  const std::string weak = row_of(sb, "0:EAX=0; 1:EAX=0");
  ASSERT_FALSE(weak.empty()) << sb;
  const std::vector<std::string> weak_classes = cell_classes(weak);
  ASSERT_GE(weak_classes.size(), 6u) << weak;
  EXPECT_EQ(weak_classes[1], "forbidden") << weak;
  EXPECT_EQ(weak_classes[2], "allowed") << weak;
  EXPECT_EQ(weak_classes[3], "unknown") << weak;
  EXPECT_EQ(weak_classes[4], "unknown") << weak;
  EXPECT_EQ(count_cell(weak), "7") << weak;
  EXPECT_TRUE(contains(weak_classes[5], "interesting")) << weak;

  // Both loads 1: allowed by both models checked, seen 993 times.
  const std::string sequential = row_of(sb, "0:EAX=1; 1:EAX=1");
  const std::vector<std::string> sequential_classes = cell_classes(sequential);
  ASSERT_GE(sequential_classes.size(), 6u) << sequential;
  EXPECT_EQ(sequential_classes[1], "allowed");
  EXPECT_EQ(sequential_classes[2], "allowed");
  EXPECT_EQ(count_cell(sequential), "993") << sequential;
  EXPECT_FALSE(contains(sequential, "forbidden-observed")) << sequential;
  EXPECT_FALSE(contains(sequential, "interesting")) << sequential;

  // Allowed by both models, never observed on the host: count 0.
  EXPECT_EQ(count_cell(row_of(sb, "0:EAX=0; 1:EAX=1")), "0");
}

TEST(HtmlReport, ForbiddenObservedStateIsMarked) {
  const std::string html = mh::report::html_report(merged_of(kEverything));
  const std::string mp = between(html, "id=\"litmus-X86/MP\"", "</div>");
  ASSERT_FALSE(mp.empty()) << html;
  const std::string forbidden = row_of(mp, "1:EAX=1; 1:EBX=0");
  ASSERT_FALSE(forbidden.empty()) << mp;
  EXPECT_EQ(forbidden.rfind("<tr class=\"forbidden-observed\"", 0), 0u) << forbidden;
  EXPECT_EQ(count_cell(forbidden), "3") << forbidden;
  EXPECT_TRUE(contains(forbidden, "<td class=\"count num forbidden-observed\">3</td>")) << forbidden;
  const std::string allowed = row_of(mp, "1:EAX=1; 1:EBX=1");
  ASSERT_FALSE(allowed.empty()) << mp;
  EXPECT_FALSE(contains(allowed, "forbidden-observed")) << allowed;
}

TEST(HtmlReport, RecordTextIsEscaped) {
  json stress = json::parse(kStressFound);
  stress["name"] = "evil/<script>alert(1)</script>";
  stress["variant"] = "<script>alert(1)</script>";
  stress["first_failure"]["details"] = "<b>bold</b> & more";
  const std::string record = stress.dump();
  const std::string html = mh::report::html_report(merged_of({kModelSbTso, record.c_str()}));
  EXPECT_FALSE(contains(html, "<script>alert(1)")) << "a record's text reached the page as markup";
  EXPECT_TRUE(contains(html, "evil/&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_FALSE(contains(html, "<b>bold</b>"));
  EXPECT_TRUE(contains(html, "&lt;b&gt;bold&lt;/b&gt; &amp; more"));
}

TEST(HtmlReport, HtmlEscape) {
  EXPECT_EQ(mh::report::html_escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
  EXPECT_EQ(mh::report::html_escape("plain text"), "plain text");
  EXPECT_EQ(mh::report::html_escape(""), "");
}

// ---- writing the files -------------------------------------------------------------------

class ReportFiles : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::path(testing::TempDir()) / "memharness-report-files-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << pattern;
    base_ = pattern;
  }
  void TearDown() override {
    std::error_code error;
    if (!base_.empty()) fs::remove_all(base_, error);
  }
  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  fs::path base_;
};

TEST_F(ReportFiles, WritesTheThreeFilesIntoANewFolder) {
  const MergedResults merged = merged_of(kMixed);
  const fs::path dir = base_ / "new" / "report";  // neither exists yet
  const mh::report::ReportPaths paths = mh::report::write_report_files(merged, dir.string());
  EXPECT_EQ(fs::path(paths.html), dir / "index.html");
  EXPECT_EQ(fs::path(paths.markdown), dir / "summary.md");
  EXPECT_EQ(fs::path(paths.junit), dir / "junit.xml");
  EXPECT_EQ(read(dir / "index.html"), mh::report::html_report(merged));
  EXPECT_EQ(read(dir / "summary.md"), mh::report::markdown_summary(merged));
  EXPECT_EQ(read(dir / "junit.xml"), mh::report::junit_report(merged));
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  EXPECT_EQ(names.size(), 3u);
  for (const auto& name : names) EXPECT_EQ(name.find(".tmp."), std::string::npos) << name;
}

TEST_F(ReportFiles, OverwritesAnEarlierReport) {
  const fs::path dir = base_ / "report";
  mh::report::write_report_files(merged_of({kModelSbTso}), dir.string());
  const MergedResults second = merged_of(kMixed);
  mh::report::write_report_files(second, dir.string());
  EXPECT_EQ(read(dir / "summary.md"), mh::report::markdown_summary(second));
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    ++files;
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
  }
  EXPECT_EQ(files, 3u);
}

TEST_F(ReportFiles, FolderThatCannotBeCreatedIsNamed) {
  std::ofstream(base_ / "plain-file") << "not a folder\n";
  const std::string dir = (base_ / "plain-file" / "report").string();
  try {
    mh::report::write_report_files(merged_of({kModelSbTso}), dir);
    ADD_FAILURE() << "no error for a folder under a regular file";
  } catch (const std::runtime_error& error) {
    EXPECT_TRUE(contains(error.what(), dir)) << error.what();
  }
  EXPECT_FALSE(fs::exists(dir));
}

}  // namespace
