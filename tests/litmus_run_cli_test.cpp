// `memharness litmus run` as a user runs it: litmus7's output shape, the
// results record, bad input refused before anything runs, a user's own file
// compiled on the spot, and a test that never ends turned into a report.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "command_run.hpp"

namespace {

namespace fs = std::filesystem;
using mh::testing::run;

const std::string kSuite = std::string(MEMHARNESS_SOURCE_DIR) + "/litmus";

class LitmusRunTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("memharness-run-" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& content) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << content;
    return path.string();
  }
  nlohmann::json read_json(const std::string& name) {
    std::ifstream in(dir_ / name);
    return nlohmann::json::parse(in);
  }
  fs::path dir_;
};

TEST_F(LitmusRunTest, PrintsLitmus7sShapeWithTheRun) {
  const auto result = run("litmus run " + kSuite + "/c/MP+rel+acq.litmus --budget 0.3s");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  for (const char* line : {"Test MP+rel+acq Allowed\n", "Histogram (", "\nWitnesses\nPositive: ",
                           "Condition exists (1:r0=1 /\\ 1:r1=0) is NOT validated", "\nObservation MP+rel+acq Never 0 ",
                           "\nMode barrier: ", "\nTime MP+rel+acq "})
    EXPECT_NE(result.output.find(line), std::string::npos) << line << "\n" << result.output;
  // Release/acquire message passing: reading the flag means reading the data.
  EXPECT_EQ(result.output.find("1:r0=1; 1:r1=0;"), std::string::npos) << result.output;
}

// --iterations bounds each test exactly, also in the middle of a batch; the
// budget still ends a run that would take longer.
TEST_F(LitmusRunTest, IterationsBoundEachTest) {
  const auto result = run("litmus run " + kSuite + "/c/SB+rlxs.litmus " + kSuite +
                          "/x86/MP.litmus --iterations 1500 --size 1000 --budget 20s --no-progress --json " +
                          (dir_ / "bounded.json").string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto document = read_json("bounded.json");
  ASSERT_EQ(document["results"].size(), 2u);
  for (const auto& record : document["results"]) {
    EXPECT_EQ(record["evidence"]["iterations"], 1500) << record.dump();
    EXPECT_EQ(record["evidence"]["max_iterations"], 1500);
  }
  const auto perpetual = run("litmus run " + kSuite + "/x86/SB.litmus --mode perpetual --iterations 300 --budget 20s " +
                             "--no-progress --json " + (dir_ / "perpetual.json").string());
  ASSERT_EQ(perpetual.exit_code, 0) << perpetual.output;
  EXPECT_LE(read_json("perpetual.json")["results"][0]["evidence"]["iterations"].get<int>(), 300);
  EXPECT_LT(read_json("perpetual.json")["results"][0]["evidence"]["seconds"].get<double>(), 10.0);
}

TEST_F(LitmusRunTest, WritesALitmusHwRecordPerTest) {
  const auto result = run("litmus run " + kSuite + "/x86/SB.litmus " + kSuite + "/x86/MP.litmus --budget 0.4s --json " +
                          (dir_ / "hw.json").string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto document = read_json("hw.json");
  ASSERT_EQ(document["results"].size(), 2u);
  EXPECT_TRUE(document["host"].contains("arch"));
  for (const auto& record : document["results"]) {
    EXPECT_EQ(record["kind"], "litmus-hw");
    EXPECT_EQ(record["model"], "tso");
    EXPECT_EQ(record["verdict"], "pass");
    const auto& evidence = record["evidence"];
    EXPECT_EQ(evidence["mode"], "barrier");
    std::uint64_t total = 0;
    for (const auto& state : evidence["histogram"]) {
      total += state["count"].get<std::uint64_t>();
      EXPECT_TRUE(state["allowed"].get<bool>()) << state.dump();
    }
    // In the barrier mode every instance ends in exactly one state.
    EXPECT_EQ(total, evidence["iterations"].get<std::uint64_t>());
    EXPECT_EQ(total, evidence["positive"].get<std::uint64_t>() + evidence["negative"].get<std::uint64_t>());
    // The budget is honoured: each run stops before its share ends, give or
    // take one batch (a thousand instances, well under a tenth of a second).
    EXPECT_LE(evidence["seconds"].get<double>(), evidence["budget_seconds"].get<double>() * 1.25 + 0.1)
        << evidence.dump();
  }
}

TEST_F(LitmusRunTest, BadInputRunsNothingAndWritesNothing) {
  const std::string json = (dir_ / "out.json").string();
  const std::string broken = write("broken.litmus", "X86 Broken\n{ x=0; }\n P0 ;\n MOV [x],$1 ;\nexists (0:EAX=\n");
  struct Case {
    std::string arguments, message;
  };
  for (const Case& c : std::vector<Case>{
           {kSuite + "/x86/SB.litmus --mode fast", "unknown --mode 'fast' (barrier, timebase, perpetual)"},
           {kSuite + "/x86/SB.litmus --affinity everywhere", "unknown --affinity 'everywhere'"},
           {kSuite + "/x86/SB.litmus --budget soon", "--budget 'soon' is not a positive duration"},
           {kSuite + "/x86/SB.litmus --stride 12", "--stride must be a multiple of 8"},
           {kSuite + "/x86/SB.litmus --size 0", "--size must be between 1 and 1000000"},
           {kSuite + "/x86/SB.litmus --size 1000000 --stride 65536", "needs 122.1 GiB; at most 1 GiB"},
           {kSuite + "/x86/SB.litmus --seed -1", "--seed '-1' is not a non-negative integer"},
           {kSuite + "/x86/SB.litmus --seed 12x", "--seed '12x' is not a non-negative integer"},
           {broken, broken + ":5:"},
           {(dir_ / "missing.litmus").string(), "missing.litmus"},
       }) {
    const auto result = run("litmus run " + c.arguments + " --json " + json);
    EXPECT_EQ(result.exit_code, 2) << c.arguments << "\n" << result.output;
    EXPECT_NE(result.output.find(c.message), std::string::npos) << c.arguments << "\n" << result.output;
    EXPECT_EQ(result.output.find("Histogram"), std::string::npos) << result.output;
    EXPECT_FALSE(fs::exists(json)) << c.arguments;
  }
}

TEST_F(LitmusRunTest, AJsonPathThatIsADirectoryIsRefusedBeforeRunning) {
  const auto result = run("litmus run " + kSuite + "/x86/SB.litmus --budget 0.1s --json " + dir_.string());
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("it exists and is not a file"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find("Histogram"), std::string::npos) << result.output;
}

// The model follows loops twice (herd's -unroll 2): a thread that counts its
// turns while it waits reaches counts the model never lists. Those states
// are not judged, and certainly not forbidden.
TEST_F(LitmusRunTest, StatesBeyondTheModelsLoopUnrollingAreNotJudgedForbidden) {
  const std::string file = write("Count.litmus", R"(X86 Count
"P0 counts its turns while waiting for P1's flag"
{ x=0; }
 P0             | P1         ;
 MOV ECX,$0     | MOV [x],$1 ;
 L0:            |            ;
 ADD ECX,$1     |            ;
 MOV EAX,[x]    |            ;
 CMP EAX,$1     |            ;
 JNE L0         |            ;
exists (0:ECX=1)
)");
#if defined(__x86_64__)
  const auto result = run("litmus run " + file + " --budget 0.5s --json " + (dir_ / "r.json").string());
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output.find("FORBIDDEN"), std::string::npos) << result.output;
  const auto record = read_json("r.json")["results"][0];
  EXPECT_NE(record["verdict"], "fail");
  for (const auto& state : record["evidence"]["histogram"])
    if (std::stoi(state["state"]["0:ECX"].get<std::string>()) > 3) {
      EXPECT_TRUE(state["allowed"].is_null()) << state.dump();
    }
#endif
}

// The perpetual mode encodes iterations in the values it stores; a test's
// own non-zero initial values must not be taken for iterations.
TEST_F(LitmusRunTest, ThePerpetualModeKeepsNonZeroInitialValuesApart) {
  const std::string file = write("MPinit.litmus", R"(X86 MPinit
{ x=3; y=7; }
 P0          | P1          ;
 MOV [x],$1  | MOV EAX,[y] ;
 MOV [y],$1  | MOV EBX,[x] ;
exists (1:EAX=1 /\ 1:EBX=3)
)");
#if defined(__x86_64__)
  const auto result = run("litmus run " + file + " --mode perpetual --budget 0.5s");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output.find("FORBIDDEN"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("1:EAX=7; 1:EBX=3;"), std::string::npos) << result.output;
#endif
}

// Thread 0 waits for thread 1's store. Giving up at the budget's end must
// not leave thread 0 running an instance alone (waiting for a thread that
// left): the threads agree on where they stop.
TEST_F(LitmusRunTest, AnAbandonedBatchNeverLeavesAThreadWaitingAlone) {
  const std::string file = write("Wait.litmus", R"(X86 Wait
{ x=0; }
 P0           | P1         ;
 L0:          | MOV [x],$1 ;
 MOV EAX,[x]  |            ;
 CMP EAX,$1   |            ;
 JNE L0       |            ;
exists (0:EAX=1)
)");
#if defined(__x86_64__)
  for (const char* mode : {"barrier", "timebase"})
    for (int round = 0; round < 5; ++round) {
      const auto result = run("litmus run " + file + " --budget 1ms --size 100000 --mode " + mode);
      EXPECT_EQ(result.exit_code, 0) << mode << "\n" << result.output;
      EXPECT_EQ(result.output.find("hung"), std::string::npos) << mode << "\n" << result.output;
    }
#endif
}

TEST_F(LitmusRunTest, TestsThatCannotRunHereAreSkippedWithTheReason) {
  const auto result = run("litmus run " + kSuite + "/aarch64/CoRR+pos.litmus " + kSuite +
                          "/x86/2+2W.litmus --mode perpetual --budget 0.2s --json " + (dir_ / "r.json").string());
  EXPECT_EQ(result.exit_code, 0) << result.output;
#if defined(__x86_64__)
  EXPECT_NE(result.output.find("Test CoRR+pos skipped: an AArch64 test runs only on an AArch64 host"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("Test 2+2W skipped: the perpetual mode cannot run it: its final condition reads memory"),
            std::string::npos)
      << result.output;
  const auto document = read_json("r.json");
  EXPECT_EQ(document["results"][0]["verdict"], "skipped");
#endif
}

TEST_F(LitmusRunTest, AUsersOwnFileIsCompiledOnTheSpotAndCached) {
  const std::string file = write("Mine.litmus", R"(C Mine
"release/acquire message passing with values of the user's choosing"
{ a = 0; b = 0; }
P0 (atomic_int* a, atomic_int* b) {
  atomic_store_explicit(a, 41, memory_order_relaxed);
  atomic_store_explicit(b, 7, memory_order_release);
}
P1 (atomic_int* a, atomic_int* b) {
  int r0 = atomic_load_explicit(b, memory_order_acquire);
  int r1 = atomic_load_explicit(a, memory_order_relaxed);
}
exists (1:r0=7 /\ 1:r1=0)
)");
  const std::string cache = "MEMHARNESS_CACHE_DIR=" + (dir_ / "cache").string() + " ";
  // The budget includes the compilation, which a loaded machine makes slow.
  const std::string command = std::string(MEMHARNESS_BINARY) + " litmus run " + file + " --budget 2s --json ";
  ASSERT_EQ(std::system((cache + command + (dir_ / "first.json").string() + " > /dev/null 2>&1").c_str()), 0);
  ASSERT_EQ(std::system((cache + command + (dir_ / "second.json").string() + " > /dev/null 2>&1").c_str()), 0);
  const auto first = read_json("first.json")["results"][0];
  const auto second = read_json("second.json")["results"][0];
  EXPECT_EQ(first["evidence"]["native_code"].get<std::string>().rfind("compiled now", 0), 0u) << first.dump();
  EXPECT_EQ(second["evidence"]["native_code"].get<std::string>().rfind("compiled earlier", 0), 0u) << second.dump();
  EXPECT_EQ(first["verdict"], "pass");
  // The states use the file's own values.
  bool saw_value = false;
  for (const auto& state : first["evidence"]["histogram"])
    saw_value = saw_value || state["state"]["1:r1"] == "41" || state["state"]["1:r0"] == "7";
  EXPECT_TRUE(saw_value) << first.dump();
}

TEST_F(LitmusRunTest, ASuiteTestIsBuiltIn) {
  const auto result = run("litmus run " + kSuite + "/x86/SB.litmus --budget 0.1s --json " + (dir_ / "r.json").string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(read_json("r.json")["results"][0]["evidence"]["native_code"], "built in");
}

// Thread 0 waits for a value nobody writes: the watchdog reports the hang
// (exit 1) instead of hanging the command.
TEST_F(LitmusRunTest, AThreadThatNeverFinishesIsReportedNotWaitedFor) {
  const std::string file = write("Spin.litmus", R"(X86 Spin
"thread 0 waits for x=1, which nobody writes"
{ x=0; y=0; }
 P0           | P1         ;
 L0:          | MOV [y],$1 ;
 MOV EAX,[x]  |            ;
 CMP EAX,$1   |            ;
 JNE L0       |            ;
exists (0:EAX=1)
)");
#if defined(__x86_64__)
  const auto result =
      run("litmus run " + file + " " + kSuite + "/x86/SB.litmus --budget 0.3s --json " + (dir_ / "r.json").string());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("!!! Spin hung: batch 1 never finished: thread"), std::string::npos) << result.output;
  // The test after it does not share CPUs with the stuck threads: it is
  // recorded as not run.
  const auto records = read_json("r.json")["results"];
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["verdict"], "fail");
  EXPECT_EQ(records[1]["verdict"], "skipped");
  EXPECT_EQ(records[1]["evidence"]["skipped"], "not run: an earlier test's threads never returned");
#endif
}

}  // namespace
