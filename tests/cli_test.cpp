// The `memharness` command as a user runs it: exit codes, herd7's output
// shape, the results file, and that bad input writes nothing.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "command_run.hpp"

namespace {

namespace fs = std::filesystem;

using mh::testing::CommandRun;
using mh::testing::run;

const std::string kSuite = std::string(MEMHARNESS_SOURCE_DIR) + "/litmus";

class CliTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("memharness-cli-" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& content) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << content;
    return path.string();
  }
  fs::path dir_;
};

// SB on x86-TSO: each load reads the initial value or the other thread's
// store, four executions, and exactly one has both loads reading 0, which
// TSO's store buffers allow (Intel SDM 8.2.3.4).
TEST_F(CliTest, LitmusCheckPrintsHerdShape) {
  const CommandRun r = run("litmus check " + kSuite + "/x86/SB.litmus");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Test SB Allowed\nStates 4\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("0:EAX=0; 1:EAX=0;\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Ok\nWitnesses\nPositive: 1 Negative: 3\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Condition exists (0:EAX=0 /\\ 1:EAX=0)\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Observation SB Sometimes 1 3\n"), std::string::npos) << r.output;
}

// Under SC the same outcome is impossible: 3 executions remain, none positive.
TEST_F(CliTest, ModelOptionSelectsTheModel) {
  const CommandRun r = run("litmus check --model sc " + kSuite + "/x86/SB.litmus");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("No\nWitnesses\nPositive: 0 Negative: 3\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Observation SB Never 0 3\n"), std::string::npos) << r.output;
}

// herd counts witnesses of the condition: for ~exists (x=1) after two
// in-order stores (x=1 then x=2, coherence keeps x=2 last) the single
// execution is a positive witness, while Observation counts the proposition.
TEST_F(CliTest, NotExistsCountsWitnessesOfTheNegation) {
  const CommandRun r = run("litmus check " + kSuite + "/x86/CoWW.litmus");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Test CoWW Forbidden\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Ok\nWitnesses\nPositive: 1 Negative: 0\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Observation CoWW Never 0 1\n"), std::string::npos) << r.output;
}

TEST_F(CliTest, RacyCTestIsFlaggedUndefined) {
  const CommandRun r = run("litmus check " + kSuite + "/c/MP+na.rlx+rlx.na.litmus");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Flag undefined\n"), std::string::npos) << r.output;
}

TEST_F(CliTest, BadInputIsPositionedExitsTwoAndWritesNothing) {
  const std::string good = kSuite + "/x86/SB.litmus";
  const std::string bad = write("bad.litmus", "X86 T\n{ x=0; }\n P0 ;\n FOO [x] ;\nexists (x=1)\n");
  const std::string json = (dir_ / "out.json").string();
  const CommandRun r = run("litmus check " + good + " " + bad + " --json " + json);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find(bad + ":4:2: unsupported instruction 'FOO [x]'"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Test SB"), std::string::npos) << "nothing runs when an input is bad";
  EXPECT_FALSE(fs::exists(json));
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(run("").exit_code, 2);
  EXPECT_EQ(run("litmus check").exit_code, 2);
  EXPECT_EQ(run("frobnicate").exit_code, 2);
  EXPECT_EQ(run("litmus check --model nope " + kSuite + "/x86/SB.litmus").exit_code, 2);
  EXPECT_EQ(run("litmus check --model arm " + kSuite + "/x86/SB.litmus").exit_code, 2);
  EXPECT_EQ(run("litmus check " + (dir_ / "missing.litmus").string()).exit_code, 2);
  EXPECT_EQ(run("all").exit_code, 2);
  EXPECT_EQ(run("all -o " + dir_.string() + " --budget soon").exit_code, 2);
}

TEST_F(CliTest, HelpOnEveryCommandExitsZero) {
  for (const char* command : {"--help", "litmus --help", "litmus check --help", "all --help"}) {
    const CommandRun r = run(command);
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.output.find("Usage:"), std::string::npos) << command;
  }
}

// A wrong expectation (SB under tso said to be Never) makes the run fail.
TEST_F(CliTest, ExpectationMismatchExitsOne) {
  fs::create_directories(dir_ / "x86");
  fs::copy_file(kSuite + "/x86/SB.litmus", dir_ / "x86" / "SB.litmus");
  const std::string manifest = write("expected.tsv",
                                     "file\tmodel\tobservation\tflags\tsource\n"
                                     "x86/SB.litmus\ttso\tNever\t-\ta deliberately wrong row\n");
  const CommandRun r = run("litmus check --expected " + manifest + " " + (dir_ / "x86" / "SB.litmus").string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("expected Never under tso, got Sometimes"), std::string::npos) << r.output;
}

// Eight threads each storing three values to one location: 24 writes have
// 24!/(3!^8) coherence orders — far beyond the candidate limit, so the
// verdict must be "too large", quickly, not a hang.
TEST_F(CliTest, ExplosionOfCandidatesIsTooLargeNotAHang) {
  std::string text = "C Huge\n{ x = 0; }\n";
  for (int t = 0; t < 8; ++t)
    text += "P" + std::to_string(t) +
            " (atomic_int* x) {\n  atomic_store_explicit(x, 1, memory_order_relaxed);\n"
            "  atomic_store_explicit(x, 2, memory_order_relaxed);\n"
            "  atomic_store_explicit(x, 3, memory_order_relaxed);\n}\n";
  text += "exists (x=1)\n";
  const CommandRun r = run("litmus check " + write("huge.litmus", text));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("Too large: "), std::string::npos) << r.output;
}

#if defined(__SANITIZE_ADDRESS__)
// Unoptimised and instrumented, the checker is about 26 times slower: the
// models need some five minutes, beyond the default budget of two. The
// stress variants would take all that is left: the default build runs them.
constexpr const char* kAllBudget = " --budget 10m --skip stress,tsan";
constexpr bool kAllRunsStress = false;
#else
// Not the default two minutes: the stress variants fill whatever the budget
// leaves, and ctest allows a test 120 s. The TSan phase has a test of its own
// (AllRunsTheTsanSuiteOfTheTsanBuild): with its share of 60 s it could not
// finish the suite.
constexpr const char* kAllBudget = " --budget 60s --skip tsan";
constexpr bool kAllRunsStress = true;
#endif

TEST_F(CliTest, AllWritesTheResultsFile) {
  const CommandRun r = run(std::string("all") + kAllBudget + " -o " + dir_.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("0 failed, 0 too large"), std::string::npos) << r.output;
  ASSERT_TRUE(fs::exists(dir_ / "results.json"));
  EXPECT_FALSE(fs::exists(dir_ / "results.partial.jsonl"));
  // The report of those results, and where it is, on the one screen.
  for (const char* file : {"index.html", "summary.md", "junit.xml"})
    EXPECT_GT(fs::file_size(dir_ / file), 0U) << file;
  EXPECT_NE(r.output.find("report: " + (dir_ / "index.html").string()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("TSan: skipped (--skip tsan)"), std::string::npos) << r.output;
  const auto doc = nlohmann::json::parse(std::ifstream(dir_ / "results.json"));
  EXPECT_EQ(doc["schema"], "memharness-results");
  EXPECT_FALSE(doc["host"]["arch"].get<std::string>().empty());
  ASSERT_GE(doc["results"].size(), 160U);
  std::size_t litmus_records = 0, hardware_records = 0, stress_records = 0;
  for (const auto& record : doc["results"]) {
    if (record["kind"] == "stress") {  // and the protocols' stress variants with the rest
      ++stress_records;
      EXPECT_NE(record["verdict"], "fail") << record["name"] << ": " << record.dump();
      continue;
    }
    if (record["kind"] == "model-check") {  // the registered models follow the litmus suite
      EXPECT_EQ(record["meets"], true) << record["name"] << ": " << record["verdict"];
      continue;
    }
    if (record["kind"] == "litmus-hw") {  // then the suite on this machine's cores
      ++hardware_records;
      EXPECT_EQ(record["verdict"], "pass") << record["file"] << " " << record["evidence"].dump();
      continue;
    }
    ++litmus_records;
    EXPECT_EQ(record["kind"], "litmus-model");
    EXPECT_EQ(record["verdict"], "pass") << record["file"] << " " << record["model"];
    EXPECT_FALSE(record["expectation"]["source"].get<std::string>().empty());
  }
  EXPECT_GE(litmus_records, 160U);
  // Every suite test this host can run, in the barrier mode at least.
  EXPECT_GE(hardware_records, 56U);
  if (kAllRunsStress) {
    EXPECT_GE(stress_records, 20U);
    EXPECT_NE(r.output.find("stress: "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(" 0 failed, "), std::string::npos) << r.output;
  } else {
    EXPECT_NE(r.output.find("stress: skipped (--skip stress)"), std::string::npos) << r.output;
  }
}

TEST_F(CliTest, AllRefusesAnUnknownPhaseToSkip) {
  const CommandRun r = run("all -o " + dir_.string() + " --skip lunch");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--skip 'lunch' is not a phase"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "results.json"));
}

}  // namespace

namespace {

// With no time at all, nothing can be checked: the run must say so and not
// claim that everything is as expected.
TEST_F(CliTest, ExhaustedBudgetIsReportedAndNotAPass) {
  const CommandRun r = run("all -o " + dir_.string() + " --budget 0s");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("checks not run"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(dir_ / "results.json"));
}

TEST_F(CliTest, UnknownCommandIsNamed) {
  const CommandRun r = run("frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("unknown command 'frobnicate'"), std::string::npos) << r.output;
}

TEST_F(CliTest, UnwritableJsonPathIsRefusedBeforeChecking) {
  const CommandRun r =
      run("litmus check --json " + (dir_ / "missing-dir" / "out.json").string() + " " + kSuite + "/x86/SB.litmus");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output.find("Test SB"), std::string::npos) << r.output;
}

}  // namespace
