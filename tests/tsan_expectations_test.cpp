// tsan/expected.tsv held against the rest of the project: every stress
// variant has an expectation, every model it cites exists with the verdict
// the table gives it, and docs/tsan.md's blind-spot table lists every test
// where TSan and the model are expected to disagree. The TSan runs themselves
// are the tsan preset's ctest entries (tsan/tsan.cmake).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "check/model_registry.hpp"
#include "stress/variant.hpp"
#include "tsan/expectations.hpp"

namespace {

namespace fs = std::filesystem;
using mh::tsan::Expectation;
using mh::tsan::TestKind;

const std::string kRoot = MEMHARNESS_SOURCE_DIR;

std::vector<Expectation> suite() { return mh::tsan::load_suite(kRoot); }

TEST(TsanExpectations, EveryCLitmusTestAndEveryStressVariantIsInTheSuite) {
  const auto tests = suite();
  std::set<std::string> names;
  for (const auto& test : tests) names.insert(test.name);
  int litmus = 0;
  for (const auto& entry : fs::directory_iterator(kRoot + "/litmus/c"))
    if (entry.path().extension() == ".litmus") {
      ++litmus;
      EXPECT_TRUE(names.count("litmus/c/" + entry.path().stem().string())) << entry.path();
    }
  EXPECT_GT(litmus, 50);
  for (const auto& variant : mh::stress::registered_variants())
    EXPECT_TRUE(names.count("stress/" + variant.protocol + "/" + variant.name))
        << variant.protocol << "/" << variant.name << " has no row in tsan/expected.tsv";
}

// A litmus test's model verdict is its rc11 race flag, checked by the loader;
// a stress variant's cites the model-checked version of its protocol.
TEST(TsanExpectations, CitedModelsExistWithTheVerdictGiven) {
  int cited = 0;
  for (const auto& test : suite()) {
    const std::string& source = test.model_source;
    if (source.rfind("models/", 0) == 0) {
      const auto* model = mh::find_model(source.substr(7));
      ASSERT_NE(model, nullptr) << test.name << " cites " << source << ", which is not a registered model";
      const std::string registered =
          model->expected == mh::error::none ? "ok" : std::string(mh::to_string(model->expected));
      EXPECT_EQ(registered, test.model) << test.name << " (" << test.source_line << ")";
      ++cited;
    } else if (source.rfind("litmus/c/", 0) == 0) {
      EXPECT_TRUE(fs::exists(kRoot + "/" + source + ".litmus")) << source;
    } else if (source.rfind("tsan/probes/", 0) == 0) {
      EXPECT_TRUE(fs::exists(kRoot + "/" + source)) << source;
      EXPECT_EQ(test.kind, TestKind::probe);
    } else {
      EXPECT_TRUE(source == "-" || source == "litmus/expected.tsv") << test.name << ": " << source;
    }
  }
  EXPECT_GT(cited, 20);
}

// The reader's page: every departure from the model is in docs/tsan.md's
// table, with its blind spot.
TEST(TsanExpectations, TheBlindSpotTableListsEveryDisagreement) {
  std::ifstream in(kRoot + "/docs/tsan.md");
  ASSERT_TRUE(in) << "docs/tsan.md";
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  int disagreements = 0;
  for (const auto& test : suite()) {
    if (!test.differs_from_model()) continue;
    ++disagreements;
    const std::string row = "| `" + test.name + "` |";
    const auto at = doc.find(row);
    ASSERT_NE(at, std::string::npos) << test.name << " is missing from docs/tsan.md's table";
    const std::string line = doc.substr(at, doc.find('\n', at) - at);
    EXPECT_NE(line.find("`" + test.blind_spot + "`"), std::string::npos) << line;
  }
  // The fence, fcntl-dup, socket, cross-process and instrumented-atomics cases.
  EXPECT_GE(disagreements, 9);
}

class TsanTableErrors : public testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / "memharness-tsan-table";
    fs::remove_all(root_);
    fs::create_directories(root_ / "tsan");
    fs::create_directories(root_ / "litmus" / "c");
    fs::copy_file(kRoot + "/litmus/c/MP+na.rlx+rlx.na.litmus", root_ / "litmus" / "c" / "MP+na.rlx+rlx.na.litmus");
    std::ofstream(root_ / "litmus" / "expected.tsv")
        << "file\tmodel\tobservation\tflags\tsource\nc/MP+na.rlx+rlx.na.litmus\trc11\tSometimes\tundefined\tRC11\n";
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string error_for(const std::string& rows) {
    std::ofstream(root_ / "tsan" / "expected.tsv") << "test\tmodel\tmodel_source\ttsan\tblind_spot\treason\n" << rows;
    try {
      mh::tsan::load_suite(root_.string());
    } catch (const mh::tsan::ExpectationError& error) {
      return error.what();
    }
    return "";
  }
  fs::path root_;
};

TEST_F(TsanTableErrors, NameTheLineAndTheProblem) {
  EXPECT_EQ(error_for(""), "");
  const auto ends_with = [](const std::string& text, const std::string& end) {
    return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
  };
  std::string e = error_for("probe/x\tok\t-\tmaybe\t-\twhy\n");
  EXPECT_TRUE(ends_with(e, "tsan/expected.tsv:2: tsan is 'race' or 'clean', not 'maybe'")) << e;
  e = error_for("probe/x\tok\t-\trace\t-\twhy\n");
  EXPECT_TRUE(ends_with(e, "tsan/expected.tsv:2: probe/x: TSan is expected to say 'race' where the model says 'ok': "
                           "name the blind spot"))
      << e;
  e = error_for("probe/x\tok\t-\tclean\n");
  EXPECT_NE(e.find("tsan/expected.tsv:2: 4 fields; a row has 6"), std::string::npos) << e;
  e = error_for("probe/x\tfine\t-\tclean\t-\twhy\n");
  EXPECT_NE(e.find("unknown model verdict 'fine'"), std::string::npos) << e;
  e = error_for("probe/x\tok\t-\tclean\t-\twhy\nprobe/x\tok\t-\tclean\t-\twhy\n");
  EXPECT_NE(e.find("tsan/expected.tsv:3: probe/x is listed twice"), std::string::npos) << e;
  // A litmus row must agree with the test's rc11 race flag.
  e = error_for("litmus/c/MP+na.rlx+rlx.na\tok\tlitmus/expected.tsv\tclean\t-\twhy\n");
  EXPECT_NE(e.find("the model column says 'ok' but litmus/expected.tsv:2 says the test is racy"), std::string::npos)
      << e;
  e = error_for("litmus/c/Nope\tok\tlitmus/expected.tsv\tclean\t-\twhy\n");
  EXPECT_NE(e.find("no rc11 row for c/Nope.litmus"), std::string::npos) << e;
}

TEST_F(TsanTableErrors, ALitmusTestWithoutACorrectionExpectsItsRaceFlag) {
  ASSERT_EQ(error_for(""), "");
  const auto tests = mh::tsan::load_suite(root_.string());
  ASSERT_EQ(tests.size(), 1u);
  EXPECT_EQ(tests[0].name, "litmus/c/MP+na.rlx+rlx.na");
  EXPECT_TRUE(tests[0].race_expected);
  EXPECT_EQ(tests[0].model, "data_race");
  EXPECT_FALSE(tests[0].differs_from_model());
}

}  // namespace
