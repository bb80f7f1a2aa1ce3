// `memharness check` as a user runs it: listing the registered models,
// checking them against their expected errors, exit codes, the results
// file, and that usage errors run and write nothing. Uses the models of
// models/ (mutex_counter_N, peterson_seq_cst, peterson_acq_rel, ...).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "command_run.hpp"

namespace {

namespace fs = std::filesystem;

using mh::testing::CommandRun;
using mh::testing::run;

// The line of `output` that starts with `prefix`, or "" if none does.
std::string line_starting_with(const std::string& output, const std::string& prefix) {
  std::size_t at = output.rfind("\n" + prefix);
  if (output.compare(0, prefix.size(), prefix) == 0) at = 0;
  else if (at == std::string::npos) return "";
  else ++at;
  return output.substr(at, output.find('\n', at) - at);
}

// The words of the result row of `variant` (model, variant, expected,
// verdict, executions...), or none.
std::vector<std::string> row_of(const std::string& output, const std::string& variant) {
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> row;
    for (std::string word; words >> word;) row.push_back(word);
    if (row.size() > 2 && row[1] == variant) return row;
  }
  return {};
}

class CheckCliTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("memharness-check-cli-" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(CheckCliTest, ListNamesEveryModelWithItsExpectation) {
  const CommandRun r = run("check --list");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::string counter = line_starting_with(r.output, "mutex_counter_3 ");
  ASSERT_FALSE(counter.empty()) << r.output;
  EXPECT_NE(counter.find(" ok"), std::string::npos) << counter;
  const std::string peterson = line_starting_with(r.output, "peterson_seq_cst ");
  ASSERT_FALSE(peterson.empty()) << r.output;
  EXPECT_NE(peterson.find(" ok"), std::string::npos) << peterson;
}

TEST_F(CheckCliTest, UnknownModelIsOneLineAndExitsTwo) {
  const std::string json = (dir_ / "out.json").string();
  const CommandRun r = run("check mutex_counter_3 no_such_model --json " + json);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.output, "memharness: unknown model 'no_such_model' (see memharness check --list)\n");
  EXPECT_FALSE(fs::exists(json)) << "nothing is written on a usage error";
}

// Three threads incrementing a counter under a mutex: correct, and optimal
// exploration visits exactly 3! = 6 executions (one per lock order).
TEST_F(CheckCliTest, ModelExpectedOkPassesAndExitsZero) {
  const CommandRun r = run("check mutex_counter_3");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.rfind("model ", 0), 0U) << "a table header comes first: " << r.output;
  const std::vector<std::string> row = row_of(r.output, "mutex_counter_3");
  ASSERT_GE(row.size(), 6U) << r.output;
  EXPECT_EQ(row[0], "mutex_counter");  // the family: its source file
  EXPECT_EQ(row[2], "ok");             // expected
  EXPECT_EQ(row[3], "ok");             // verdict
  EXPECT_EQ(row[4], "6");
  EXPECT_EQ(row[5], "executions");
}

// Peterson's lock with release stores and acquire loads lets both threads
// into the critical section, whose plain accesses then race: registered as
// finding a data race, it comes out as expected when the race is found, and
// the counterexample follows the result line.
TEST_F(CheckCliTest, ModelExpectedToFailPassesWhenItsErrorIsFound) {
  const CommandRun r = run("check peterson_acq_rel");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::vector<std::string> row = row_of(r.output, "peterson_acq_rel");
  ASSERT_GE(row.size(), 4U) << r.output;
  EXPECT_EQ(row[2], "data_race");
  EXPECT_EQ(row[3], "data_race");
  EXPECT_NE(r.output.find("error: data_race:"), std::string::npos)
      << "a model named on the command line shows its trace: " << r.output;
}

// Checking every model prints the traces of results that differ from their
// expectation only; --traces prints the expected errors' traces too.
TEST_F(CheckCliTest, ExpectedErrorsShowTheirTraceOnlyWhenAsked) {
  // (Bounded: the test is about traces; the large models need no full search.)
  const std::string all = run("check --max-executions 100").output;
  EXPECT_EQ(all.find("error: data_race:"), std::string::npos) << all;
  const std::vector<std::string> row = row_of(all, "peterson_acq_rel");
  ASSERT_GE(row.size(), 4U) << all;
  EXPECT_EQ(row[3], "data_race");
  const std::string traced = run("check --traces peterson_acq_rel unprotected_counter").output;
  EXPECT_NE(traced.find("error: data_race:"), std::string::npos) << traced;
}

TEST_F(CheckCliTest, JsonHasOneModelCheckRecordPerModel) {
  const std::string json = (dir_ / "out.json").string();
  const CommandRun r = run("check mutex_counter_3 mutex_counter_2 --json " + json);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(fs::exists(json));
  const auto doc = nlohmann::json::parse(std::ifstream(json));
  EXPECT_EQ(doc["schema"], "memharness-results");
  EXPECT_EQ(doc["schema_version"], 1);
  ASSERT_EQ(doc["results"].size(), 2U);
  const auto& record = doc["results"][0];
  EXPECT_EQ(record["kind"], "model-check");
  EXPECT_EQ(record["name"], "mutex_counter_3");
  EXPECT_EQ(record["model"], "rc11");
  EXPECT_EQ(record["mode"], "optimal");
  EXPECT_EQ(record["expected"], "ok");
  EXPECT_EQ(record["verdict"], "ok");
  EXPECT_TRUE(record["error"].is_null());
  EXPECT_EQ(record["executions"], 6);
  EXPECT_TRUE(record["blocked"].is_number_unsigned());
  EXPECT_TRUE(record["seconds"].is_number());
  EXPECT_EQ(record["meets"], true);
  EXPECT_TRUE(record["trace"].is_null());
  EXPECT_EQ(doc["results"][1]["name"], "mutex_counter_2");
}

// A flag the user passes overrides the model's registered option.
TEST_F(CheckCliTest, MemoryModelFlagOverridesTheModelsOwn) {
  const std::string json = (dir_ / "out.json").string();
  const CommandRun r = run("check mutex_counter_2 --model sc --json " + json);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const auto doc = nlohmann::json::parse(std::ifstream(json));
  ASSERT_EQ(doc["results"].size(), 1U);
  EXPECT_EQ(doc["results"][0]["model"], "sc");
}

// A search stopped by a bound has not shown the model correct.
TEST_F(CheckCliTest, BoundReachedIsNotAPass) {
  const CommandRun r = run("check mutex_counter_3 --max-executions 1");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("bound reached"), std::string::npos) << r.output;
}

TEST_F(CheckCliTest, ReplayNeedsExactlyOneModel) {
  const std::string json = (dir_ / "out.json").string();
  const CommandRun two = run("check --replay 1 mutex_counter_1 mutex_counter_2 --json " + json);
  EXPECT_EQ(two.exit_code, 2) << two.output;
  EXPECT_EQ(two.output.find("mutex_counter_1 "), std::string::npos) << "nothing ran: " << two.output;
  EXPECT_FALSE(fs::exists(json));
  EXPECT_EQ(run("check --replay 1").exit_code, 2);
}

TEST_F(CheckCliTest, BadFlagValuesExitTwoAndWriteNothing) {
  const std::string json = (dir_ / "out.json").string();
  for (const std::string flags : {"--model tso", "--mode exhaustive", "--seed -1", "--bound -1", "--bound x",
                                  "--max-executions -5", "--max-steps 0", "--time-limit soon"}) {
    const CommandRun r = run("check mutex_counter_1 --json " + json + " " + flags);
    EXPECT_EQ(r.exit_code, 2) << flags << ": " << r.output;
    EXPECT_EQ(r.output.find("mutex_counter_1 "), std::string::npos) << flags << ": nothing runs: " << r.output;
    EXPECT_FALSE(fs::exists(json)) << flags;
  }
  EXPECT_EQ(run("check mutex_counter_1 --json " + (dir_ / "missing-dir" / "out.json").string()).exit_code, 2);
}

TEST_F(CheckCliTest, HelpExitsZero) {
  const CommandRun r = run("check --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("--replay"), std::string::npos) << r.output;
}

// With no time left, `all` records every model as not run and says so.
TEST_F(CheckCliTest, AllRecordsModelsTheBudgetLeftOut) {
  const CommandRun r = run("all -o " + dir_.string() + " --budget 0s");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("models not run"), std::string::npos) << r.output;
  const auto doc = nlohmann::json::parse(std::ifstream(dir_ / "results.json"));
  bool found_counter = false;
  for (const auto& record : doc["results"]) {
    if (record["kind"] != "model-check") continue;
    EXPECT_EQ(record["verdict"], "not-run") << record["name"];
    EXPECT_EQ(record["meets"], false) << record["name"];
    found_counter = found_counter || record["name"] == "mutex_counter_3";
  }
  EXPECT_TRUE(found_counter) << "every registered model has a record";
}

}  // namespace
