// Reading results files back for `memharness report` (docs/results.md):
// documents and partial .jsonl files, the messages that refuse malformed or
// foreign ones, merging several files by host, and how each record is judged.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "report/merged_results.hpp"
#include "report/result_status.hpp"
#include "report/results_reader.hpp"
#include "report_fixtures.hpp"

namespace {

namespace fs = std::filesystem;
using mh::report::merge_results;
using mh::report::MergedResults;
using mh::report::parse_results_text;
using mh::report::read_results_file;
using mh::report::record_status;
using mh::report::ResultsError;
using mh::report::ResultsFile;
using mh::report::Status;
using mh::report::validate_record;
using nlohmann::json;

// ---- fixtures: one record of each kind, shaped as docs/results.md shows them ----

constexpr const char* kHostX86 =
    R"json({"arch": "x86_64", "cpu_model": "AMD EPYC", "cores": 2, "kernel": "Linux 6.1.0",
            "compiler": "g++ 12.2.0", "flags": "optimized", "emulated": false})json";
// The same machine kind with another kernel: a different host that prints alike.
constexpr const char* kHostX86OtherKernel =
    R"json({"arch": "x86_64", "cpu_model": "AMD EPYC", "cores": 2, "kernel": "Linux 6.5.0",
            "compiler": "g++ 12.2.0", "flags": "optimized", "emulated": false})json";
constexpr const char* kHostArm =
    R"json({"arch": "aarch64", "cpu_model": "Neoverse-N1", "cores": 4, "kernel": "Linux 6.1.0",
            "compiler": "g++ 12.2.0", "flags": "optimized", "emulated": false})json";

constexpr const char* kLitmusModel = R"json({
  "kind": "litmus-model", "name": "SB", "file": "x86/SB.litmus", "arch": "X86", "model": "tso",
  "condition": "exists (0:EAX=0 /\\ 1:EAX=0)", "verdict": "pass",
  "expectation": { "observation": "Sometimes", "undefined": false, "source": "Intel SDM Vol. 3A 8.2.3.4" },
  "evidence": { "observation": "Sometimes", "ok": true, "positive": 1, "negative": 3, "undefined": false,
    "states": [ { "state": { "0:EAX": "0", "1:EAX": "0" }, "executions": 1, "satisfies": true },
                { "state": { "0:EAX": "1", "1:EAX": "1" }, "executions": 1, "satisfies": false } ],
    "candidates": 4, "seconds": 0.0001 } })json";

constexpr const char* kLitmusHw = mh::testing::kHwSbWeak;

constexpr const char* kModelCheck = mh::testing::kModelCheckTrace;

constexpr const char* kStress = R"json({
  "kind": "stress", "name": "futex_mutex/take3-unlock-never-wakes", "protocol": "futex_mutex",
  "variant": "take3-unlock-never-wakes", "expected": "hunted", "reordering": false, "hunted_here": true,
  "verdict": "found", "budget_seconds": 0.4, "seconds": 0.27, "workers": 2, "cpus": [0, 1],
  "operations": 9581, "operations_per_second": 35486.0, "violations": 1,
  "first_failure": { "at_seconds": 0.265, "kind": "hang", "details": "every live worker blocked for 0.25 s" },
  "hang": "every live worker blocked for 0.25 s", "left_blocked": false, "metrics": {}, "notes": [],
  "error": null })json";

constexpr const char* kTsan = R"json({
  "kind": "tsan", "name": "litmus/c/MP+na.fencerel+fenceacq.na", "test_kind": "litmus", "verdict": "pass",
  "expected": "race", "observed": "race", "model": "ok", "model_source": "litmus/expected.tsv",
  "blind_spot": "fence", "differs_from_model": true, "reason": "rc11: the fences synchronize through the flag",
  "runs": 1, "seconds": 0.7, "warnings": ["data race"], "report": "WARNING: ThreadSanitizer: data race (pid=4242)",
  "error": null, "command": "memharness litmus run litmus/c/MP+na.fencerel+fenceacq.na.litmus" })json";

std::string document(const std::string& records, const std::string& host = kHostX86,
                     const std::string& version = "0.1.0", const std::string& schema_version = "1") {
  return R"json({"schema": "memharness-results", "schema_version": )json" + schema_version +
         R"json(, "tool": {"name": "memharness", "version": ")json" + version + R"json("}, "host": )json" +
         host + R"json(, "created": "2026-11-23T10:00:00Z", "results": [)json" + records + "]}";
}

// One record per line, as `all` appends them to results.partial.jsonl.
std::string one_line(const char* record) {
  return json::parse(record).dump();
}

// The message of the ResultsError the action throws ("" and a test failure when none).
template <typename Action>
std::string error_of(Action&& action) {
  try {
    action();
  } catch (const ResultsError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no ResultsError thrown";
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A fresh folder under the test temp dir, removed with everything in it.
class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (fs::path(testing::TempDir()) / "memharness-report-reader-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp " + pattern);
    path_ = pattern;
  }
  ~TempFolder() {
    std::error_code error;
    fs::remove_all(path_, error);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const fs::path& path() const { return path_; }
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }

 private:
  fs::path path_;
};

// ---- documents -----------------------------------------------------------------

TEST(ResultsReader, OneRecordOfEachKindParsesAndFieldsSurvive) {
  const std::string records =
      std::string(kLitmusModel) + "," + kLitmusHw + "," + kModelCheck + "," + kStress + "," + kTsan;
  const ResultsFile file =
      parse_results_text(document(records, kHostX86, "0.1.0"), "run/results.json", false);
  EXPECT_EQ(file.path, "run/results.json");
  EXPECT_EQ(file.schema_version, 1);
  EXPECT_EQ(file.tool_version, "0.1.0");
  EXPECT_EQ(file.created, "2026-11-23T10:00:00Z");
  EXPECT_FALSE(file.partial);
  EXPECT_EQ(file.host["arch"], "x86_64");
  EXPECT_EQ(file.host["cores"], 2);
  ASSERT_EQ(file.results.size(), 5u);
  EXPECT_EQ(file.results[0]["kind"], "litmus-model");
  EXPECT_EQ(file.results[0]["condition"], "exists (0:EAX=0 /\\ 1:EAX=0)");
  EXPECT_EQ(file.results[0]["evidence"]["states"][0]["state"]["1:EAX"], "0");
  EXPECT_EQ(file.results[1]["kind"], "litmus-hw");
  EXPECT_EQ(file.results[1]["evidence"]["histogram"][0]["count"], 7);
  EXPECT_EQ(file.results[1]["evidence"]["histogram"][0]["allowed_by_sc"], false);
  EXPECT_EQ(file.results[2]["kind"], "model-check");
  EXPECT_EQ(file.results[2]["trace"]["events"][1]["location"], "flag");
  EXPECT_EQ(file.results[2]["trace"]["events"][1]["source"], "peterson.cpp:40");
  EXPECT_EQ(file.results[3]["kind"], "stress");
  EXPECT_EQ(file.results[3]["first_failure"]["kind"], "hang");
  EXPECT_TRUE(file.results[3]["error"].is_null());
  EXPECT_EQ(file.results[4]["kind"], "tsan");
  EXPECT_EQ(file.results[4]["blind_spot"], "fence");
  EXPECT_EQ(file.results[4]["differs_from_model"], true);
}

TEST(ResultsReader, JsonSyntaxErrorNamesLineAndColumn) {
  // Line 3 lacks the comma between the two array elements: the parser meets
  // the second '{' where it wanted ',' or ']'. Line 3 is
  //   `  "results": [{"kind": "stress"} {"kind": "tsan"}]`
  // two spaces (1-2), "results" (3-11), ':' (12), ' ' (13), '[' (14),
  // {"kind": "stress"} (15-32), ' ' (33): the stray '{' is column 34.
  const std::string text = R"json({
  "schema": "memharness-results",
  "results": [{"kind": "stress"} {"kind": "tsan"}]
})json";
  {
    // The fixture is what the comment says.
    std::istringstream lines(text);
    std::string line;
    for (int i = 0; i < 3; ++i) std::getline(lines, line);
    ASSERT_GE(line.size(), 34u);
    ASSERT_EQ(line[33], '{');
  }
  const std::string message = error_of([&] { parse_results_text(text, "a/results.json", false); });
  EXPECT_EQ(message.rfind("a/results.json:3:34: not valid JSON", 0), 0u) << message;
}

TEST(ResultsReader, MissingCommaAtLineEndIsReportedOnTheNextLine) {
  // The comma missing after `1` on line 3 shows when the key "tool" on line 4
  // (columns 3 to 8) arrives instead.
  const std::string text = R"json({
  "schema": "memharness-results",
  "schema_version": 1
  "tool": {"name": "memharness", "version": "0.1.0"}
})json";
  const std::string message = error_of([&] { parse_results_text(text, "r.json", false); });
  ASSERT_EQ(message.rfind("r.json:4:", 0), 0u) << message;
  EXPECT_TRUE(contains(message, "not valid JSON")) << message;
  const int column = std::atoi(message.c_str() + std::string("r.json:4:").size());
  EXPECT_GE(column, 3) << message;
  EXPECT_LE(column, 8) << message;
}

TEST(ResultsReader, ForeignJsonIsNotAResultsFile) {
  for (const std::string& text : {std::string(R"([1, 2, 3])"), std::string(R"({"name": "x", "results": []})"),
                                  std::string(R"("just a string")")}) {
    const std::string message = error_of([&] { parse_results_text(text, "other/data.json", false); });
    EXPECT_TRUE(contains(message, "other/data.json")) << message;
    EXPECT_TRUE(contains(message, "not a memharness results file")) << message;
  }
  const std::string message = error_of(
      [] { parse_results_text(R"({"schema": "other-results", "schema_version": 1})", "x.json", false); });
  EXPECT_TRUE(contains(message, "x.json")) << message;
  EXPECT_TRUE(contains(message, "not a memharness results file")) << message;
  EXPECT_TRUE(contains(message, "other-results")) << message;
}

TEST(ResultsReader, NewerSchemaVersionIsRefusedNamingTheVersions) {
  const std::string text = document(kStress, kHostX86, "0.3.0", "2");
  const std::string message = error_of([&] { parse_results_text(text, "new/results.json", false); });
  EXPECT_EQ(message.rfind("new/results.json: ", 0), 0u) << message;
  EXPECT_TRUE(contains(message, "memharness 0.3.0")) << message;
  EXPECT_TRUE(contains(message, "version 2")) << message;
  EXPECT_TRUE(contains(message, std::string("this memharness (") + MEMHARNESS_VERSION + ")")) << message;
  EXPECT_TRUE(contains(message, "reads version 1")) << message;
}

TEST(ResultsReader, SchemaVersionZeroOrTextIsRefused) {
  const std::string zero =
      error_of([] { parse_results_text(document(kStress, kHostX86, "0.1.0", "0"), "z.json", false); });
  EXPECT_EQ(zero.rfind("z.json: schema_version: ", 0), 0u) << zero;
  const std::string text =
      error_of([] { parse_results_text(document(kStress, kHostX86, "0.1.0", R"("1")"), "s.json", false); });
  EXPECT_EQ(text, "s.json: schema_version: is a string, expected a number");
  const std::string fraction =
      error_of([] { parse_results_text(document(kStress, kHostX86, "0.1.0", "1.5"), "f.json", false); });
  EXPECT_EQ(fraction.rfind("f.json: schema_version: ", 0), 0u) << fraction;
}

TEST(ResultsReader, DocumentHostFieldsAreChecked) {
  const std::string message = error_of([] {
    parse_results_text(document(kStress, R"json({"arch": "x86_64", "cpu_model": "AMD EPYC", "cores": "two",
        "kernel": "Linux", "compiler": "g++", "flags": "optimized", "emulated": false})json"),
                       "h.json", false);
  });
  EXPECT_EQ(message, "h.json: host.cores: is a string, expected a number");
}

// ---- records -------------------------------------------------------------------

TEST(ResultsReader, WrongTypeDeepInARecordNamesIndexKindNameAndField) {
  json hw = json::parse(kLitmusHw);
  hw["evidence"]["histogram"][0]["count"] = "7";
  const std::string message =
      error_of([&] { parse_results_text(document(hw.dump()), "run/results.json", false); });
  EXPECT_EQ(message,
            "run/results.json: results[0] (litmus-hw SB): evidence.histogram[0].count: is a string, "
            "expected a number");
}

TEST(ResultsReader, MissingFieldNamesIndexAndField) {
  json model = json::parse(kLitmusModel);
  model.erase("evidence");
  const std::string message = error_of(
      [&] { parse_results_text(document(std::string(kStress) + "," + model.dump()), "r.json", false); });
  EXPECT_EQ(message, "r.json: results[1] (litmus-model SB): evidence: missing");

  json check = json::parse(kModelCheck);
  check["trace"]["events"][1].erase("read_from");
  EXPECT_EQ(error_of([&] { validate_record(check, "W"); }),
            "W (model-check peterson_acq_rel): trace.events[1].read_from: missing");

  json state = json::parse(kLitmusModel);
  state["evidence"]["states"][0]["state"]["0:EAX"] = 0;
  EXPECT_EQ(error_of([&] { validate_record(state, "W"); }),
            "W (litmus-model SB): evidence.states[0].state.0:EAX: is a number, expected a string");

  json stress = json::parse(kStress);
  stress.erase("name");
  EXPECT_EQ(error_of([&] { validate_record(stress, "W"); }), "W: name: missing");

  EXPECT_EQ(error_of([] { validate_record(json::array(), "W"); }), "W: is an array, expected an object");
}

TEST(ResultsReader, NullableFieldsAcceptNullAndRefuseOtherTypes) {
  json stress = json::parse(kStress);
  stress["first_failure"] = nullptr;
  stress["hang"] = nullptr;
  EXPECT_NO_THROW(validate_record(stress, "W"));
  stress["error"] = 3;
  EXPECT_EQ(error_of([&] { validate_record(stress, "W"); }),
            "W (stress futex_mutex/take3-unlock-never-wakes): error: is a number, expected a string or null");
}

TEST(ResultsReader, UnknownKindIsRefused) {
  json record = json::parse(kStress);
  record["kind"] = "benchmark";
  const std::string message = error_of([&] { parse_results_text(document(record.dump()), "k.json", false); });
  EXPECT_TRUE(
      contains(message, "k.json: results[0] (benchmark futex_mutex/take3-unlock-never-wakes): kind: "))
      << message;
  EXPECT_TRUE(contains(message, "'benchmark'")) << message;
  for (const char* kind : {"litmus-model", "litmus-hw", "model-check", "stress", "tsan"})
    EXPECT_TRUE(contains(message, kind)) << message;
}

TEST(ResultsReader, BadVerdictListsTheAllowedWords) {
  json stress = json::parse(kStress);
  stress["verdict"] = "maybe";
  EXPECT_EQ(
      error_of([&] { validate_record(stress, "W"); }),
      "W (stress futex_mutex/take3-unlock-never-wakes): verdict: 'maybe' is not one of: pass, fail, found, "
      "not-found, clean, not-run");
  json hw = json::parse(kLitmusHw);
  hw["verdict"] = "ok";
  EXPECT_EQ(error_of([&] { validate_record(hw, "W"); }),
            "W (litmus-hw SB): verdict: 'ok' is not one of: pass, fail, unjudged, skipped");
}

TEST(ResultsReader, SkippedHardwareRecordNeedsOnlyItsReason) {
  // docs/results.md: a skipped litmus-hw record has the reason in evidence.skipped and nothing else.
  const json skipped = json::parse(R"json({"kind": "litmus-hw", "name": "IRIW", "arch": "X86", "model": "tso",
      "verdict": "skipped", "evidence": {"skipped": "needs 4 cores"}})json");
  EXPECT_NO_THROW(validate_record(skipped, "W"));
  json without_reason = skipped;
  without_reason["evidence"].erase("skipped");
  EXPECT_EQ(error_of([&] { validate_record(without_reason, "W"); }),
            "W (litmus-hw IRIW): evidence.skipped: missing");
}

// results_reader.hpp: "every field the report shows is checked". The HTML
// report shows trace.error (a counterexample or a replayed execution), and
// docs/results.md gives the trace an `error` field (a name or null), so a
// trace without it must be refused here rather than reach the report.
TEST(ResultsReader, ModelCheckTraceWithoutErrorFieldIsRefused) {
  json check = json::parse(kModelCheck);
  check["trace"].erase("error");
  const std::string message = error_of([&] { validate_record(check, "W"); });
  EXPECT_TRUE(contains(message, "trace.error")) << message;
}

// docs/results.md: a stress record's `host` is "as in the document's host";
// the report prints its fields (host labels, the hosts table), so a host
// object with a field of the wrong type must be refused with its path.
TEST(ResultsReader, StressRecordHostFieldsAreChecked) {
  json stress = json::parse(kStress);
  stress["host"] = json::parse(kHostArm);
  EXPECT_NO_THROW(validate_record(stress, "W"));
  stress["host"]["arch"] = 64;
  const std::string message = error_of([&] { validate_record(stress, "W"); });
  EXPECT_TRUE(contains(message, "host.arch")) << message;
}

// ---- partial files (.jsonl) --------------------------------------------------------

TEST(ResultsReader, JsonLinesAreRecordsOfAPartialRun) {
  // Line 1 a record, line 2 blank, line 3 whitespace only, line 4 a record.
  const std::string text = one_line(kStress) + "\n\n   \t\n" + one_line(kTsan) + "\n";
  const ResultsFile file = parse_results_text(text, "out/results.partial.jsonl", true);
  EXPECT_TRUE(file.partial);
  EXPECT_EQ(file.path, "out/results.partial.jsonl");
  EXPECT_EQ(file.tool_version, "unknown");
  EXPECT_EQ(file.created, "");
  EXPECT_TRUE(file.host.is_object());
  EXPECT_TRUE(file.host.empty());
  ASSERT_EQ(file.results.size(), 2u);
  EXPECT_EQ(file.results[0]["kind"], "stress");
  EXPECT_EQ(file.results[1]["kind"], "tsan");
}

TEST(ResultsReader, JsonLinesErrorsNameTheLine) {
  // Line 2: `{"kind": }` — '{' (1), "kind" (2-7), ':' (8), ' ' (9), '}' (10).
  const std::string syntax =
      error_of([] { parse_results_text(one_line(kStress) + "\n{\"kind\": }\n", "p.jsonl", true); });
  EXPECT_EQ(syntax.rfind("p.jsonl:2:10: not valid JSON", 0), 0u) << syntax;

  json bad = json::parse(kTsan);
  bad["expected"] = "maybe";
  // Line 3 after a blank line 2: blank lines still count.
  const std::string invalid =
      error_of([&] { parse_results_text(one_line(kStress) + "\n\n" + bad.dump() + "\n", "p.jsonl", true); });
  EXPECT_EQ(invalid,
            "p.jsonl:3 (tsan litmus/c/MP+na.fencerel+fenceacq.na): expected: 'maybe' is not one of: "
            "race, clean");
}

TEST(ResultsReader, EmptyPartialFileIsRefused) {
  for (const std::string& text : {std::string(), std::string("\n\n  \n")}) {
    const std::string message = error_of([&] { parse_results_text(text, "e.jsonl", true); });
    EXPECT_EQ(message.rfind("e.jsonl: ", 0), 0u) << message;
    EXPECT_TRUE(contains(message, "no records")) << message;
  }
}

// ---- files on disk -------------------------------------------------------------------

TEST(ResultsFiles, EmptyFileIsRefused) {
  const TempFolder folder;
  const std::string path = folder.write("results.json", "  \n\t\n");
  const std::string message = error_of([&] { read_results_file(path); });
  EXPECT_EQ(message, path + ": empty file");
}

TEST(ResultsFiles, FolderStandsForTheResultsJsonInIt) {
  const TempFolder folder;
  folder.write("results.json", document(kStress));
  const ResultsFile file = read_results_file(folder.path().string());
  EXPECT_EQ(fs::path(file.path), folder.path() / "results.json");
  ASSERT_EQ(file.results.size(), 1u);
  EXPECT_EQ(file.results[0]["name"], "futex_mutex/take3-unlock-never-wakes");
}

TEST(ResultsFiles, FolderWithoutResultsJsonIsRefused) {
  const TempFolder folder;
  folder.write("results.partial.jsonl", one_line(kStress) + "\n");
  const std::string message = error_of([&] { read_results_file(folder.path().string()); });
  EXPECT_EQ(message.rfind(folder.path().string() + ": ", 0), 0u) << message;
  EXPECT_TRUE(contains(message, "without results.json")) << message;
}

TEST(ResultsFiles, MissingFileIsRefusedWithItsPath) {
  const TempFolder folder;
  const std::string path = (folder.path() / "nothing-here.json").string();
  const std::string message = error_of([&] { read_results_file(path); });
  EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
}

TEST(ResultsFiles, JsonlNameReadsAsAPartialFile) {
  const TempFolder folder;
  const std::string path =
      folder.write("results.partial.jsonl", one_line(kTsan) + "\n" + one_line(kStress) + "\n");
  const ResultsFile file = read_results_file(path);
  EXPECT_TRUE(file.partial);
  EXPECT_EQ(file.path, path);
  EXPECT_EQ(file.results.size(), 2u);
}

// ---- merging ---------------------------------------------------------------------------

ResultsFile parsed(const std::string& records, const std::string& path, const std::string& host = kHostX86,
                   const std::string& version = "0.1.0") {
  return parse_results_text(document(records, host, version), path, false);
}

TEST(MergeResults, FilesFromTwoHostsGiveTwoHosts) {
  const MergedResults merged =
      merge_results({parsed(std::string(kLitmusModel) + "," + kStress, "x86/results.json"),
                     parsed(kTsan, "arm/results.json", kHostArm)});
  ASSERT_EQ(merged.hosts.size(), 2u);
  EXPECT_EQ(merged.hosts[0].info["arch"], "x86_64");
  EXPECT_EQ(merged.hosts[1].info["arch"], "aarch64");
  EXPECT_NE(merged.hosts[0].label, merged.hosts[1].label);
  EXPECT_TRUE(contains(merged.hosts[1].label, "aarch64")) << merged.hosts[1].label;
  EXPECT_EQ(merged.hosts[0].files, std::vector<std::string>{"x86/results.json"});
  EXPECT_EQ(merged.hosts[1].files, std::vector<std::string>{"arm/results.json"});
  ASSERT_EQ(merged.entries.size(), 3u);
  EXPECT_EQ(merged.entries[0].record["kind"], "litmus-model");
  EXPECT_EQ(merged.entries[0].host, 0u);
  EXPECT_EQ(merged.entries[1].record["kind"], "stress");
  EXPECT_EQ(merged.entries[1].host, 0u);
  EXPECT_EQ(merged.entries[2].record["kind"], "tsan");
  EXPECT_EQ(merged.entries[2].host, 1u);
  EXPECT_EQ(merged.files, (std::vector<std::string>{"x86/results.json", "arm/results.json"}));
  // Statuses come with the entries: litmus-model pass, stress found, tsan blind spot.
  EXPECT_EQ(merged.entries[0].status, Status::pass);
  EXPECT_EQ(merged.entries[1].status, Status::interesting);
  EXPECT_EQ(merged.entries[2].status, Status::interesting);
  EXPECT_EQ(merged.count(Status::interesting), 2u);
  EXPECT_EQ(merged.count(Status::pass), 1u);
  EXPECT_EQ(merged.count(Status::fail), 0u);
}

TEST(MergeResults, SameFileTwiceCountsEachRecordOnce) {
  const ResultsFile file = parsed(std::string(kLitmusModel) + "," + kStress, "run/results.json");
  const MergedResults merged = merge_results({file, file});
  EXPECT_EQ(merged.hosts.size(), 1u);
  ASSERT_EQ(merged.entries.size(), 2u);
  EXPECT_EQ(merged.entries[0].record["kind"], "litmus-model");
  EXPECT_EQ(merged.entries[1].record["kind"], "stress");
  bool noted = false;
  for (const auto& note : merged.notes) noted = noted || contains(note, "more than once");
  EXPECT_TRUE(noted) << "no note about the duplicates";
}

TEST(MergeResults, DifferentToolVersionsMergeWithANote) {
  const MergedResults merged = merge_results({parsed(kLitmusModel, "old/results.json", kHostX86, "0.1.0"),
                                              parsed(kStress, "new/results.json", kHostX86, "0.2.0")});
  ASSERT_EQ(merged.hosts.size(), 1u);
  EXPECT_EQ(merged.entries.size(), 2u);
  EXPECT_EQ(merged.hosts[0].tool_versions, (std::vector<std::string>{"0.1.0", "0.2.0"}));
  bool noted = false;
  for (const auto& note : merged.notes) noted = noted || (contains(note, "0.1.0") && contains(note, "0.2.0"));
  EXPECT_TRUE(noted) << "no note naming both versions";
}

TEST(MergeResults, SameToolVersionGivesNoVersionNote) {
  const MergedResults merged =
      merge_results({parsed(kLitmusModel, "a/results.json"), parsed(kStress, "b/results.json")});
  for (const auto& note : merged.notes) EXPECT_FALSE(contains(note, "0.1.0")) << note;
}

TEST(MergeResults, StressRecordWithItsOwnHostGoesToThatHost) {
  json stress = json::parse(kStress);
  stress["host"] = json::parse(kHostArm);
  const MergedResults merged =
      merge_results({parsed(std::string(kLitmusModel) + "," + stress.dump(), "r.json")});
  ASSERT_EQ(merged.hosts.size(), 2u);
  ASSERT_EQ(merged.entries.size(), 2u);
  EXPECT_EQ(merged.hosts[merged.entries[0].host].info["arch"], "x86_64");
  EXPECT_EQ(merged.hosts[merged.entries[1].host].info["arch"], "aarch64");
  EXPECT_NE(merged.entries[0].host, merged.entries[1].host);
}

TEST(MergeResults, StressRecordWithTheFileHostStaysOnIt) {
  json stress = json::parse(kStress);
  stress["host"] = json::parse(kHostX86);  // what `all` writes: its own host, the same as the document's
  const MergedResults merged =
      merge_results({parsed(std::string(kLitmusModel) + "," + stress.dump(), "r.json")});
  ASSERT_EQ(merged.hosts.size(), 1u);
  EXPECT_EQ(merged.entries[1].host, 0u);
}

TEST(MergeResults, DifferentHostsThatPrintAlikeGetDistinctLabels) {
  const MergedResults merged = merge_results(
      {parsed(kLitmusModel, "a/results.json"), parsed(kLitmusModel, "b/results.json", kHostX86OtherKernel)});
  ASSERT_EQ(merged.hosts.size(), 2u);
  // The same record on two different hosts is two results, not a duplicate.
  ASSERT_EQ(merged.entries.size(), 2u);
  EXPECT_EQ(merged.entries[0].host, 0u);
  EXPECT_EQ(merged.entries[1].host, 1u);
  EXPECT_NE(merged.hosts[0].label, merged.hosts[1].label);
  // Both labels still describe the machine (neither kernel is part of the label).
  const std::string base = mh::report::host_label(json::parse(kHostX86));
  EXPECT_EQ(base, mh::report::host_label(json::parse(kHostX86OtherKernel)));
  EXPECT_EQ(merged.hosts[0].label.rfind(base, 0), 0u) << merged.hosts[0].label;
  EXPECT_EQ(merged.hosts[1].label.rfind(base, 0), 0u) << merged.hosts[1].label;
}

TEST(MergeResults, NothingToReportIsAnError) {
  EXPECT_THROW(merge_results({parsed("", "a/results.json")}), ResultsError);
  EXPECT_THROW(merge_results({parsed("", "a/results.json"), parsed("", "b/results.json", kHostArm)}),
               ResultsError);
  EXPECT_THROW(merge_results({}), ResultsError);
}

TEST(MergeResults, PartialFileIsNotedAndItsHostUnknown) {
  const ResultsFile partial = parse_results_text(one_line(kStress) + "\n", "out/results.partial.jsonl", true);
  const MergedResults merged = merge_results({partial});
  ASSERT_EQ(merged.hosts.size(), 1u);
  EXPECT_TRUE(contains(merged.hosts[0].label, "out/results.partial.jsonl")) << merged.hosts[0].label;
  bool noted = false;
  for (const auto& note : merged.notes) noted = noted || contains(note, "out/results.partial.jsonl");
  EXPECT_TRUE(noted);
}

// ---- found by review: input that once crashed or misled the writers ----------

TEST(ResultsReader, DeepNestingIsRefusedWhereItStarts) {
  // The document's '{' is level 1, so the 64th '[' is level 65, one too
  // deep; the 44 characters before the first '[' put it at column 44 + 64.
  std::string text = R"json({"schema": "memharness-results", "results": )json";
  for (int i = 0; i < 100; ++i) text += "[";
  const std::string message = error_of([&] { parse_results_text(text, "deep.json", false); });
  EXPECT_EQ(message.rfind("deep.json:1:108: ", 0), 0u) << message;
  EXPECT_TRUE(contains(message, "nested more than 64 levels deep")) << message;
}

TEST(ResultsReader, HugeSchemaVersionIsNewerNotWrapped) {
  // 2^32 + 1 would read as 1 through a 32-bit cast.
  const std::string message = error_of(
      [] { parse_results_text(document(kStress, kHostX86, "0.1.0", "4294967297"), "big.json", false); });
  EXPECT_TRUE(contains(message, "big.json: written by memharness 0.1.0 in results schema version 4294967297"))
      << message;
}

TEST(ResultsReader, NegativeCountsAreRefused) {
  json hw = json::parse(kLitmusHw);
  hw["evidence"]["histogram"][0]["count"] = -3;
  EXPECT_EQ(error_of([&] { validate_record(hw, "W"); }),
            "W (litmus-hw SB): evidence.histogram[0].count: is -3, which cannot be negative");
}

TEST(ResultsReader, FieldsTheWritersReadAreChecked) {
  json hw = json::parse(kLitmusHw);
  hw["evidence"]["histogram"][0]["satisfies"] = "yes";
  EXPECT_EQ(error_of([&] { validate_record(hw, "W"); }),
            "W (litmus-hw SB): evidence.histogram[0].satisfies: is a string, expected a boolean");
  json model = json::parse(kLitmusModel);
  model["condition"] = 7;
  EXPECT_TRUE(
      contains(error_of([&] { validate_record(model, "W"); }), "condition: is a number, expected a string"));
  model = json::parse(kLitmusModel);
  model["expectation"].erase("source");
  EXPECT_TRUE(contains(error_of([&] { validate_record(model, "W"); }), "expectation.source: missing"));
}

TEST(MergeResults, EachPartialFileIsAHostOfItsOwn) {
  // Neither file names its machine: they may come from two.
  const ResultsFile a = parse_results_text(one_line(kStress) + "\n", "a/results.partial.jsonl", true);
  json other = json::parse(kStress);
  other["name"] = "futex_mutex/take1";
  const ResultsFile b = parse_results_text(other.dump() + "\n", "b/results.partial.jsonl", true);
  const MergedResults merged = merge_results({a, b});
  ASSERT_EQ(merged.hosts.size(), 2u);
  EXPECT_NE(merged.entries[0].host, merged.entries[1].host);
}

// ---- record_status ---------------------------------------------------------------------
// The expected statuses follow the definitions in result_status.hpp's
// comments (fail / unsettled / warning / skipped / interesting / pass) and
// the verdict meanings of docs/results.md: a weak outcome observed (allowed,
// not by SC), a hunted bug found or a TSan blind spot confirmed is
// interesting; a verdict differing from its expectation fails; no verdict
// established (budget ran out, too large) is unsettled; states counted but
// not judged, or a hunted bug this hardware did not show, is a warning.

TEST(RecordStatus, HardwareWeakOutcomeObservedIsInteresting) {
  EXPECT_EQ(record_status(json::parse(kLitmusHw)), Status::interesting);
}

TEST(RecordStatus, HardwareWeakOutcomeNotObservedIsPass) {
  json hw = json::parse(kLitmusHw);
  hw["evidence"]["histogram"][0]["count"] = 0;
  EXPECT_EQ(record_status(hw), Status::pass);
  hw = json::parse(kLitmusHw);
  hw["evidence"]["histogram"][0]["allowed_by_sc"] = true;  // allowed by SC too: nothing weak
  EXPECT_EQ(record_status(hw), Status::pass);
}

TEST(RecordStatus, HardwareForbiddenStateObservedFails) {
  json hw = json::parse(kLitmusHw);
  hw["evidence"]["histogram"][0]["allowed"] = false;
  hw["verdict"] = "fail";  // docs/results.md: a forbidden state observed is a fail verdict
  EXPECT_EQ(record_status(hw), Status::fail);
}

TEST(RecordStatus, HardwareUnjudgedAndSkipped) {
  json hw = json::parse(kLitmusHw);
  hw["verdict"] = "unjudged";  // counted, not judged: a caveat, not a verdict that differs
  EXPECT_EQ(record_status(hw), Status::warning);
  const json skipped = json::parse(R"json({"kind": "litmus-hw", "name": "IRIW", "arch": "X86", "model": "tso",
      "verdict": "skipped", "evidence": {"skipped": "needs 4 cores"}})json");
  EXPECT_EQ(record_status(skipped), Status::skipped);
}

TEST(RecordStatus, ModelCheck) {
  json check = json::parse(kModelCheck);
  EXPECT_EQ(record_status(check), Status::interesting);  // error found, as registered

  json differs = json::parse(kModelCheck);
  differs["verdict"] = "ok";
  differs["error"] = nullptr;
  differs["trace"] = nullptr;
  differs["meets"] = false;  // expected data_race, found none
  EXPECT_EQ(record_status(differs), Status::fail);

  json not_run = json::parse(kModelCheck);
  not_run["verdict"] = "not-run";
  not_run["meets"] = false;  // "a model not run never meets", yet it is no failure
  EXPECT_EQ(record_status(not_run), Status::unsettled);

  json ok = json::parse(kModelCheck);
  ok["expected"] = "ok";
  ok["verdict"] = "ok";
  ok["error"] = nullptr;
  ok["trace"] = nullptr;
  EXPECT_EQ(record_status(ok), Status::pass);
}

TEST(RecordStatus, Stress) {
  json stress = json::parse(kStress);
  EXPECT_EQ(record_status(stress), Status::interesting);  // found
  stress["verdict"] = "not-found";                        // docs/results.md: "a warning, not a failure"
  EXPECT_EQ(record_status(stress), Status::warning);
  stress["verdict"] = "not-run";
  EXPECT_EQ(record_status(stress), Status::unsettled);
  stress["verdict"] = "fail";
  EXPECT_EQ(record_status(stress), Status::fail);
  stress["verdict"] = "clean";
  EXPECT_EQ(record_status(stress), Status::pass);
  stress["verdict"] = "pass";
  EXPECT_EQ(record_status(stress), Status::pass);
}

TEST(RecordStatus, Tsan) {
  json tsan = json::parse(kTsan);
  EXPECT_EQ(record_status(tsan), Status::interesting);  // blind spot confirmed
  tsan["differs_from_model"] = false;
  tsan["blind_spot"] = nullptr;
  EXPECT_EQ(record_status(tsan), Status::pass);
  tsan["verdict"] = "fail";
  EXPECT_EQ(record_status(tsan), Status::fail);
}

TEST(RecordStatus, LitmusModel) {
  json model = json::parse(kLitmusModel);
  EXPECT_EQ(record_status(model), Status::pass);
  model["verdict"] = "checked";
  EXPECT_EQ(record_status(model), Status::pass);
  model["verdict"] = "fail";
  EXPECT_EQ(record_status(model), Status::fail);
  model["verdict"] = "too-large";
  model["evidence"] = json::parse(R"({"too_large": "more than 1000000 candidate executions"})");
  EXPECT_EQ(record_status(model), Status::unsettled);
}

TEST(RecordStatus, StatusWords) {
  EXPECT_STREQ(mh::report::status_word(Status::fail), "fail");
  EXPECT_STREQ(mh::report::status_word(Status::unsettled), "unsettled");
  EXPECT_STREQ(mh::report::status_word(Status::skipped), "skipped");
  EXPECT_STREQ(mh::report::status_word(Status::interesting), "interesting");
  EXPECT_STREQ(mh::report::status_word(Status::pass), "pass");
}

}  // namespace
