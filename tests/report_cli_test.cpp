// `memharness report` as a user runs it: merging files from two hosts,
// the exit code following the merged verdicts, and refusals of malformed or
// foreign files that name the file and the problem and write nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "command_run.hpp"

namespace {

namespace fs = std::filesystem;

using mh::testing::CommandRun;
using mh::testing::run;

// A results document as docs/results.md describes it, with one record per
// kind; `arch` and `verdict` vary so two files can come from two hosts.
std::string document(const std::string& arch, const std::string& hw_verdict,
                     const std::string& version = "0.1.0") {
  nlohmann::json doc = nlohmann::json::parse(R"json({
    "schema": "memharness-results", "schema_version": 1,
    "tool": {"name": "memharness", "version": "0.1.0"},
    "host": {"arch": "x86_64", "cpu_model": "Test CPU", "cores": 4, "kernel": "Linux 6.1", "compiler": "g++ 12.2.0",
             "flags": "optimized", "emulated": false},
    "created": "2026-12-04T10:00:00Z",
    "results": [
      {"kind": "litmus-model", "name": "SB", "file": "x86/SB.litmus", "arch": "X86", "model": "tso",
       "condition": "exists (0:EAX=0 /\\ 1:EAX=0)", "verdict": "pass",
       "expectation": {"observation": "Sometimes", "undefined": false, "source": "Intel SDM 8.2.3.4"},
       "evidence": {"observation": "Sometimes", "ok": true, "positive": 1, "negative": 3, "undefined": false,
                    "states": [{"state": {"0:EAX": "0", "1:EAX": "0"}, "executions": 1, "satisfies": true},
                               {"state": {"0:EAX": "1", "1:EAX": "1"}, "executions": 1, "satisfies": false}],
                    "candidates": 4, "seconds": 0.0001}},
      {"kind": "litmus-hw", "name": "SB", "file": "x86/SB.litmus", "arch": "X86", "model": "tso",
       "condition": "exists (0:EAX=0 /\\ 1:EAX=0)", "verdict": "pass",
       "expectation": {"forbidden_states_observed": 0, "source": "every observed state allowed by the host's model"},
       "evidence": {"mode": "barrier", "iterations": 1000, "seconds": 0.5, "positive": 10, "negative": 990,
                    "histogram": [{"state": {"0:EAX": "0", "1:EAX": "0"}, "count": 10, "satisfies": true,
                                   "allowed": true, "allowed_by_sc": false},
                                  {"state": {"0:EAX": "1", "1:EAX": "1"}, "count": 990, "satisfies": false,
                                   "allowed": true, "allowed_by_sc": true}]}},
      {"kind": "stress", "name": "futex_mutex/take3", "protocol": "futex_mutex", "variant": "take3",
       "expected": "correct", "verdict": "pass", "seconds": 1.0, "operations": 5000, "operations_per_second": 5000.0,
       "violations": 0, "first_failure": null, "hang": null, "error": null}
    ]})json");
  doc["host"]["arch"] = arch;
  doc["tool"]["version"] = version;
  doc["results"][1]["verdict"] = hw_verdict;
  if (hw_verdict == "fail") doc["results"][1]["evidence"]["histogram"][0]["allowed"] = false;
  return doc.dump(2);
}

class ReportCliTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("memharness-report-" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    out_ = dir_ / "report";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& content) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << content;
    return path.string();
  }
  std::string read(const fs::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  CommandRun report(const std::string& files) { return run("report " + files + " -o " + out_.string()); }
  fs::path dir_, out_;
};

TEST_F(ReportCliTest, MergesTwoHostsIntoThreeFiles) {
  const CommandRun r = report(write("x86.json", document("x86_64", "pass")) + " " +
                              write("arm.json", document("aarch64", "pass")));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("report: " + (out_ / "index.html").string()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("(6 results, 2 hosts): All as expected"), std::string::npos) << r.output;
  const std::string html = read(out_ / "index.html");
  // One count column per host: both machines' labels head the SB table.
  EXPECT_NE(html.find("x86_64 Test CPU, 4 cores"), std::string::npos);
  EXPECT_NE(html.find("aarch64 Test CPU, 4 cores"), std::string::npos);
  EXPECT_NE(read(out_ / "summary.md").find("**All as expected** (6 results)"), std::string::npos);
  const std::string junit = read(out_ / "junit.xml");
  EXPECT_NE(junit.find("<testsuites name=\"memharness\" tests=\"6\" failures=\"0\""), std::string::npos)
      << junit;
  for (const auto& entry : fs::directory_iterator(out_))
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
}

// A forbidden state observed on one host fails the merged report: exit 1,
// and every output names it.
TEST_F(ReportCliTest, AFailureAnywhereExitsOneAndIsListed) {
  const CommandRun r = report(write("x86.json", document("x86_64", "pass")) + " " +
                              write("arm.json", document("aarch64", "fail")));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("1 failure"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("FAIL litmus-hw SB: forbidden by tso and observed: 0:EAX=0; 1:EAX=0"),
            std::string::npos)
      << r.output;
  EXPECT_NE(read(out_ / "summary.md").find("## Failures (1)"), std::string::npos);
  EXPECT_NE(read(out_ / "junit.xml").find("failures=\"1\""), std::string::npos);
  EXPECT_NE(read(out_ / "index.html").find("<body data-filter=\"failures\">"), std::string::npos);
}

TEST_F(ReportCliTest, DifferentToolVersionsMergeWithANote) {
  const CommandRun r = report(write("old.json", document("x86_64", "pass", "0.1.0")) + " " +
                              write("new.json", document("aarch64", "pass", "0.2.0")));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("note: merged results of different memharness versions: 0.1.0"), std::string::npos)
      << r.output;
}

TEST_F(ReportCliTest, ARunFolderStandsForItsResultsFile) {
  fs::create_directories(dir_ / "run");
  std::ofstream(dir_ / "run" / "results.json") << document("x86_64", "pass");
  const CommandRun r = report((dir_ / "run").string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(out_ / "index.html"));
}

// Each refusal: exit 2, one line naming the file and the problem, and no
// report folder made.
TEST_F(ReportCliTest, MalformedJsonIsPositioned) {
  const std::string path = write("broken.json", "{\n  \"schema\": \"memharness-results\"\n  \"x\": 1\n}\n");
  const CommandRun r = report(path);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  // Line 3 holds the string "x" (columns 3 to 5) where a ',' or '}' was due;
  // the parser notices at the token's last character.
  EXPECT_NE(r.output.find(path + ":3:5: not valid JSON"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out_));
}

TEST_F(ReportCliTest, ForeignJsonIsRefused) {
  const std::string path = write("package.json", R"({"name": "left-pad", "version": "1.3.0"})");
  const CommandRun r = report(write("ok.json", document("x86_64", "pass")) + " " + path);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(path + ": not a memharness results file"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out_));
}

TEST_F(ReportCliTest, ANewerSchemaSaysWhyItCannotMerge) {
  nlohmann::json doc = nlohmann::json::parse(document("x86_64", "pass"));
  doc["schema_version"] = 2;
  doc["tool"]["version"] = "0.9.0";
  const std::string path = write("future.json", doc.dump());
  const CommandRun r = report(path);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(path + ": written by memharness 0.9.0 in results schema version 2"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("0.9.0 or newer"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out_));
}

TEST_F(ReportCliTest, ARecordMissingAFieldNamesIt) {
  nlohmann::json doc = nlohmann::json::parse(document("x86_64", "pass"));
  doc["results"][2].erase("operations_per_second");
  const std::string path = write("cut.json", doc.dump());
  const CommandRun r = report(path);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(path + ": results[2] (stress futex_mutex/take3): operations_per_second: missing"),
            std::string::npos)
      << r.output;
}

TEST_F(ReportCliTest, BadUsageExitsTwo) {
  EXPECT_EQ(run("report " + write("a.json", document("x86_64", "pass"))).exit_code, 2);  // no -o
  EXPECT_EQ(run("report -o " + out_.string()).exit_code, 2);                             // no files
  const CommandRun missing = report((dir_ / "nowhere.json").string());
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("nowhere.json: cannot be read"), std::string::npos) << missing.output;
  const std::string file = write("plain-file", "x");
  const CommandRun into_file = run("report " + write("b.json", document("x86_64", "pass")) + " -o " + file);
  EXPECT_EQ(into_file.exit_code, 2) << into_file.output;
  EXPECT_NE(into_file.output.find("is not a folder"), std::string::npos) << into_file.output;
}

// A result whose verdict the budget left unestablished makes the report
// exit 1, as `all` does for the same records; the page says so.
TEST_F(ReportCliTest, AVerdictNotEstablishedExitsOne) {
  nlohmann::json doc = nlohmann::json::parse(document("x86_64", "pass"));
  doc["results"][2]["verdict"] = "not-run";
  const CommandRun r = report(write("short.json", doc.dump()));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("(3 results, 1 host): 1 not established"), std::string::npos) << r.output;
  EXPECT_NE(read(out_ / "summary.md").find("**1 not established**"), std::string::npos);
}

// The three files are a set: when one cannot be written (here junit.xml is a
// folder), an earlier report in the folder stays whole and unchanged.
TEST_F(ReportCliTest, TheThreeFilesAreWrittenAsASet) {
  fs::create_directories(out_ / "junit.xml");
  std::ofstream(out_ / "index.html") << "earlier";
  const CommandRun r = report(write("x86.json", document("x86_64", "pass")));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("junit.xml: exists and is not a regular file"), std::string::npos) << r.output;
  EXPECT_EQ(read(out_ / "index.html"), "earlier");
  EXPECT_FALSE(fs::exists(out_ / "summary.md"));
  for (const auto& entry : fs::directory_iterator(out_))
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
}

// Fields no writer reads may hold anything (a stress record's "model", say).
TEST_F(ReportCliTest, UnreadFieldsOfAnyTypeAreLeftAlone) {
  nlohmann::json doc = nlohmann::json::parse(document("x86_64", "pass"));
  doc["results"][2]["model"] = 5;
  doc["results"][2]["notes"] = {{"deep", {1, 2, 3}}};
  const CommandRun r = report(write("extra.json", doc.dump()));
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

#if !defined(__SANITIZE_ADDRESS__)
// The main job takes the TSan suite's results from the tsan preset's build
// when it sits beside this one (as CI builds it): every test of the suite
// as expected, recorded with the TSan build as their host, and in the report.
TEST_F(ReportCliTest, AllRunsTheTsanSuiteOfTheTsanBuild) {
  const fs::path tsan = fs::path(MEMHARNESS_BINARY).parent_path().parent_path() / "tsan" / "memharness";
  if (!fs::exists(tsan)) GTEST_SKIP() << "no TSan build at " << tsan << " (cmake --workflow --preset tsan)";
  const CommandRun r = run("all --budget 90s --skip hardware,stress -o " + out_.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("TSan (" + tsan.string() + "): "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" 0 differ"), std::string::npos) << r.output;
  const auto doc = nlohmann::json::parse(std::ifstream(out_ / "results.json"));
  std::size_t tsan_records = 0;
  for (const auto& record : doc["results"]) {
    if (record["kind"] != "tsan") continue;
    ++tsan_records;
    EXPECT_EQ(record["verdict"], "pass") << record.dump();
    EXPECT_NE(record["host"]["flags"].get<std::string>().find("tsan"), std::string::npos) << record["host"];
  }
  // Every C litmus test (59), stress variant (28) and probe case (6).
  EXPECT_GE(tsan_records, 90U);
  EXPECT_NE(read(out_ / "index.html").find("probe/pipe-fcntl-dupfd"), std::string::npos);
}
#endif

}  // namespace
