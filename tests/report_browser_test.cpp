// index.html as a person sees it: rendered by headless Chromium (Debian's
// `chromium`, installed by scripts/install-deps.sh), it loads with nothing on
// the console, the filter buttons show and hide what they say, and a folded
// trace unfolds when its summary is clicked.
//
// The checks run in the page: a copy of index.html gets a probe script at the
// top of <head> that records errors from the first moment, then clicks the
// page's own buttons and summaries after load and writes what it saw into
// the DOM, which Chromium's --dump-dom prints.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "command_run.hpp"

namespace {

namespace fs = std::filesystem;

// Results with one of each status the filters tell apart: a forbidden state
// observed (fail), a weak outcome observed (interesting), a model that
// finds its registered data race with a trace (interesting), a stress
// variant that passes (pass).
constexpr const char* kResults = R"json({
  "schema": "memharness-results", "schema_version": 1,
  "tool": {"name": "memharness", "version": "0.1.0"},
  "host": {"arch": "x86_64", "cpu_model": "Test CPU", "cores": 2, "kernel": "Linux 6.1", "compiler": "g++ 12.2.0",
           "flags": "optimized", "emulated": false},
  "created": "2026-12-04T10:00:00Z",
  "results": [
    {"kind": "litmus-hw", "name": "MP", "file": "x86/MP.litmus", "arch": "X86", "model": "tso",
     "condition": "exists (1:EAX=1 /\\ 1:EBX=0)", "verdict": "fail",
     "expectation": {"forbidden_states_observed": 0, "source": "every observed state allowed by the host's model"},
     "evidence": {"mode": "barrier", "iterations": 1000, "seconds": 0.5,
                  "histogram": [{"state": {"1:EAX": "1", "1:EBX": "0"}, "count": 3, "satisfies": true,
                                 "allowed": false, "allowed_by_sc": false},
                                {"state": {"1:EAX": "1", "1:EBX": "1"}, "count": 997, "satisfies": false,
                                 "allowed": true, "allowed_by_sc": true}]}},
    {"kind": "litmus-hw", "name": "SB", "file": "x86/SB.litmus", "arch": "X86", "model": "tso",
     "condition": "exists (0:EAX=0 /\\ 1:EAX=0)", "verdict": "pass",
     "expectation": {"forbidden_states_observed": 0, "source": "every observed state allowed by the host's model"},
     "evidence": {"mode": "barrier", "iterations": 1000, "seconds": 0.5,
                  "histogram": [{"state": {"0:EAX": "0", "1:EAX": "0"}, "count": 40, "satisfies": true,
                                 "allowed": true, "allowed_by_sc": false},
                                {"state": {"0:EAX": "1", "1:EAX": "1"}, "count": 960, "satisfies": false,
                                 "allowed": true, "allowed_by_sc": true}]}},
    {"kind": "model-check", "name": "peterson_acq_rel", "model": "rc11", "mode": "optimal", "expected": "data_race",
     "verdict": "error", "error": "data_race", "message": "data race on entries", "executions": 1, "blocked": 0,
     "seconds": 0.001, "replay_id": "o:2", "meets": true,
     "trace": {"error": "data_race", "message": "data race on entries", "replay_id": "o:2",
               "events": [{"number": 1, "thread": 1, "operation": "store", "order": "plain", "location": "entries",
                           "value": "1", "read_from": "", "source": "peterson.cpp:66"},
                          {"number": 2, "thread": 2, "operation": "load", "order": "plain", "location": "entries",
                           "value": "0", "read_from": "init#1", "source": "peterson.cpp:66"}],
               "relations": [{"location": "entries", "modification_order": ["init#1", "#1"],
                              "reads_from": ["#2 reads init#1"]}]}},
    {"kind": "stress", "name": "futex_mutex/take3", "protocol": "futex_mutex", "variant": "take3",
     "expected": "correct", "verdict": "pass", "seconds": 1.0, "operations": 5000, "operations_per_second": 5000.0,
     "violations": 0, "first_failure": null, "hang": null, "error": null}
  ]})json";

// A second machine that never saw SB's weak outcome: in the merged table that
// row is violet for the first host and must stay grey (zero) for this one.
constexpr const char* kSecondHost = R"json({
  "schema": "memharness-results", "schema_version": 1,
  "tool": {"name": "memharness", "version": "0.1.0"},
  "host": {"arch": "aarch64", "cpu_model": "Board CPU", "cores": 4, "kernel": "Linux 6.1", "compiler": "g++ 12.2.0",
           "flags": "optimized", "emulated": false},
  "created": "2026-12-04T11:00:00Z",
  "results": [
    {"kind": "litmus-hw", "name": "SB", "file": "x86/SB.litmus", "arch": "X86", "model": "tso",
     "condition": "exists (0:EAX=0 /\\ 1:EAX=0)", "verdict": "pass",
     "expectation": {"forbidden_states_observed": 0, "source": "every observed state allowed by the host's model"},
     "evidence": {"mode": "barrier", "iterations": 500, "seconds": 0.5,
                  "histogram": [{"state": {"0:EAX": "1", "1:EAX": "1"}, "count": 500, "satisfies": false,
                                 "allowed": true, "allowed_by_sc": true}]}}
  ]})json";

// Runs in the page before its own script; reports into <pre id="probe">.
constexpr const char* kProbe = R"js(<script>
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); });
window.addEventListener('unhandledrejection', function (e) { window.__errors.push('rejection: ' + e.reason); });
['error', 'warn', 'log', 'info'].forEach(function (level) {
  var original = console[level];
  console[level] = function () { window.__errors.push('console.' + level + ': ' + Array.prototype.join.call(arguments, ' ')); original.apply(console, arguments); };
});
window.addEventListener('load', function () {
  var seen = {};
  // checkVisibility also sees the contents of a closed <details>, which
  // Chromium keeps laid out but skipped (content-visibility: hidden).
  function visible(el) { return el.checkVisibility ? el.checkVisibility() : el.getClientRects().length > 0; }
  function shown(status) {
    return Array.prototype.filter.call(document.querySelectorAll('.item[data-status="' + status + '"]'), visible).length;
  }
  function snapshot(name) {
    seen[name] = { filter: document.body.getAttribute('data-filter'), fail: shown('fail'),
                   interesting: shown('interesting'), pass: shown('pass'),
                   pressed: (document.querySelector('.filters button[aria-pressed="true"]') || {}).textContent || null };
  }
  function click(filter) { document.querySelector('.filters button[data-filter="' + filter + '"]').click(); }
  function buttonText(filter) { return document.querySelector('.filters button[data-filter="' + filter + '"]').textContent; }
  try {
    seen.buttons = { failures: buttonText('failures'), interesting: buttonText('interesting'), all: buttonText('all') };
    var weakRow = document.getElementById('litmus-X86/SB').querySelector('tr.interesting');
    var cells = weakRow.querySelectorAll('td.count');
    seen.weakRow = [];
    for (var i = 0; i < cells.length; i++)
      seen.weakRow.push({ text: cells[i].textContent, background: window.getComputedStyle(cells[i]).backgroundColor });
    snapshot('initial');
    click('all'); snapshot('all');
    click('interesting'); snapshot('interesting');
    click('failures'); snapshot('failures');
    click('all');
    var details = document.querySelector('details.trace');
    var table = details.querySelector('table.events');
    seen.trace = { openBefore: details.open, tableVisibleBefore: visible(table) };
    details.querySelector('summary').click();
    seen.trace.openAfter = details.open;
    seen.trace.tableVisibleAfter = visible(table);
    seen.trace.rows = table.querySelectorAll(':scope > tbody > tr').length;
  } catch (e) {
    window.__errors.push('probe: ' + e);
  }
  seen.errors = window.__errors;
  var out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify(seen);
  document.body.appendChild(out);
});
</script>)js";

std::string chromium() {
  for (const char* name : {"chromium", "chromium-browser"}) {
    const std::string command = std::string("command -v ") + name + " > /dev/null 2>&1";
    if (std::system(command.c_str()) == 0) return name;
  }
  return "";
}

std::string read(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Chromium's --dump-dom of a page, its stderr in `log`.
std::string render(const std::string& browser, const fs::path& page, const fs::path& log) {
  const std::string command = browser +
                              " --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir=" +
                              (page.parent_path() / "profile").string() +
                              " --enable-logging=stderr --v=0 --virtual-time-budget=5000 --dump-dom file://" +
                              page.string() + " 2> " + log.string();
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

class ReportBrowserTest : public testing::Test {
 protected:
  void SetUp() override {
    browser_ = chromium();
    if (browser_.empty()) {
      // CI installs it (scripts/install-deps.sh) and sets MEMHARNESS_REQUIRE_BROWSER.
      if (std::getenv("MEMHARNESS_REQUIRE_BROWSER") != nullptr) FAIL() << "chromium is not installed";
      GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh installs it)";
    }
    dir_ = fs::temp_directory_path() / "memharness-report-browser";
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "results.json") << kResults;
    std::ofstream(dir_ / "board.json") << kSecondHost;
    const auto r = mh::testing::run("report " + (dir_ / "results.json").string() + " " +
                                    (dir_ / "board.json").string() + " -o " + (dir_ / "report").string());
    ASSERT_EQ(r.exit_code, 1) << r.output;  // the report holds a failure
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  std::string browser_;
  fs::path dir_;
};

// The page as written: it loads (its last section is in the DOM) and prints
// nothing on the console (the report's script logs nothing, so any console
// line is an error or a warning).
TEST_F(ReportBrowserTest, LoadsWithoutConsoleMessages) {
  const std::string dom = render(browser_, dir_ / "report" / "index.html", dir_ / "chromium.log");
  EXPECT_NE(dom.find("id=\"tsan\""), std::string::npos) << "the page did not render:\n"
                                                        << dom.substr(0, 2000);
  const std::string log = read(dir_ / "chromium.log");
  EXPECT_EQ(log.find(":CONSOLE"), std::string::npos) << log;
}

// Two items fail or interest (MP's failure; SB's weak outcome and the
// model's expected race), one passes: each filter shows exactly its share,
// and the report opens on the failures because there is one.
TEST_F(ReportBrowserTest, FiltersAndFoldedTracesWork) {
  std::string page = read(dir_ / "report" / "index.html");
  const std::size_t head = page.find("<head>");
  ASSERT_NE(head, std::string::npos);
  page.insert(head + 6, kProbe);
  std::ofstream(dir_ / "report" / "probed.html") << page;
  const std::string dom = render(browser_, dir_ / "report" / "probed.html", dir_ / "chromium.log");
  const std::size_t start = dom.find("<pre id=\"probe\">");
  ASSERT_NE(start, std::string::npos) << "the probe did not report; DOM:\n"
                                      << dom.substr(0, 2000) << "\nlog:\n"
                                      << read(dir_ / "chromium.log");
  std::string text = dom.substr(start + 16, dom.find("</pre>", start) - start - 16);
  // --dump-dom escapes the text node.
  for (const auto& [entity, plain] : std::vector<std::pair<std::string, std::string>>{
           {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}})
    for (std::size_t at = text.find(entity); at != std::string::npos; at = text.find(entity, at))
      text.replace(at, entity.size(), plain);
  const auto seen = nlohmann::json::parse(text);
  EXPECT_TRUE(seen["errors"].empty()) << seen["errors"];

  EXPECT_EQ(seen["initial"]["filter"], "failures");
  EXPECT_EQ(seen["initial"]["fail"], 1);
  EXPECT_EQ(seen["initial"]["interesting"], 0);
  EXPECT_EQ(seen["initial"]["pass"], 0);

  EXPECT_EQ(seen["all"]["fail"], 1);
  EXPECT_EQ(seen["all"]["interesting"], 2);
  EXPECT_EQ(seen["all"]["pass"], 1);
  EXPECT_NE(seen["all"]["pressed"].get<std::string>().find("all"), std::string::npos) << seen["all"];

  EXPECT_EQ(seen["interesting"]["fail"], 1);
  EXPECT_EQ(seen["interesting"]["interesting"], 2);
  EXPECT_EQ(seen["interesting"]["pass"], 0);

  EXPECT_EQ(seen["failures"]["fail"], 1);
  EXPECT_EQ(seen["failures"]["interesting"], 0);
  EXPECT_NE(seen["failures"]["pressed"].get<std::string>().find("failures"), std::string::npos)
      << seen["failures"];

  // Each button counts the items it shows: MP fails; SB (a weak outcome) and
  // the model's expected race are interesting; the stress variant passes.
  EXPECT_EQ(seen["buttons"]["failures"], "failures (1)");
  EXPECT_EQ(seen["buttons"]["interesting"], "interesting (3)");
  EXPECT_EQ(seen["buttons"]["all"], "all (4)");

  // SB's weak outcome: 40 on the first host in violet (#e8e2fb), never on the
  // board, whose cell stays grey (#f4f4f4) although the row is violet.
  ASSERT_EQ(seen["weakRow"].size(), 2u) << seen["weakRow"];
  EXPECT_EQ(seen["weakRow"][0]["text"], "40");
  EXPECT_EQ(seen["weakRow"][0]["background"], "rgb(232, 226, 251)");
  EXPECT_EQ(seen["weakRow"][1]["text"], "0");
  EXPECT_EQ(seen["weakRow"][1]["background"], "rgb(244, 244, 244)");

  // Folded until its summary is clicked; then both events show.
  EXPECT_EQ(seen["trace"]["openBefore"], false);
  EXPECT_EQ(seen["trace"]["tableVisibleBefore"], false);
  EXPECT_EQ(seen["trace"]["openAfter"], true);
  EXPECT_EQ(seen["trace"]["tableVisibleAfter"], true);
  EXPECT_EQ(seen["trace"]["rows"], 2);
}

}  // namespace
