// Every row of litmus/expected.tsv as its own test: the suite's expected
// observations (each with its published source) against the engine.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "axiom/checker.hpp"
#include "litmus/expectations.hpp"
#include "litmus/parser.hpp"

namespace mh {
namespace {

const std::string kSuiteDir = std::string(MEMHARNESS_SOURCE_DIR) + "/litmus";

std::vector<litmus::Expectation> manifest_rows() {
  try {
    return litmus::read_expectations(kSuiteDir + "/expected.tsv");
  } catch (const litmus::ParseError& error) {
    // Reported by ManifestIsReadable; no rows to instantiate.
    return {};
  }
}

TEST(LitmusSuite, ManifestIsReadableAndCoversEveryTest) {
  std::vector<litmus::Expectation> rows;
  ASSERT_NO_THROW(rows = litmus::read_expectations(kSuiteDir + "/expected.tsv"));
  EXPECT_GE(rows.size(), 160U);
  std::map<std::string, std::set<std::string>> models_by_file;
  for (const auto& row : rows) models_by_file[row.file].insert(row.model);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kSuiteDir)) {
    if (entry.path().extension() != ".litmus") continue;
    ++files;
    const std::string relative = std::filesystem::relative(entry.path(), kSuiteDir).string();
    const litmus::Test test = litmus::parse_litmus_file(entry.path().string());
    // sc and the architecture's own model are both expected for every test.
    EXPECT_EQ(models_by_file[relative].count("sc"), 1U) << relative;
    EXPECT_EQ(models_by_file[relative].count(axiom::model_name(axiom::default_model(test.arch))), 1U) << relative;
  }
  EXPECT_GE(files, 80U);
}

}  // namespace
}  // namespace mh

namespace mh::litmus {
// gtest prints a parameter in ctest's test list; the row says more than its bytes.
void PrintTo(const Expectation& e, std::ostream* out) { *out << e.file << " under " << e.model; }
}  // namespace mh::litmus

namespace mh {
namespace {

class LitmusExpectation : public testing::TestWithParam<litmus::Expectation> {};

TEST_P(LitmusExpectation, MatchesTheModel) {
  const litmus::Expectation& e = GetParam();
  const litmus::Test test = litmus::parse_litmus_file(kSuiteDir + "/" + e.file);
  const auto model = axiom::parse_model_name(e.model);
  ASSERT_TRUE(model.has_value());
  const axiom::CheckResult result = axiom::check_test(test, *model);
  ASSERT_EQ(result.status, axiom::CheckResult::Status::Ok) << result.too_large_reason;
  EXPECT_EQ(axiom::observation_name(result.observation()), e.observation)
      << e.file << " under " << e.model << "; source: " << e.source;
  EXPECT_EQ(result.undefined, e.undefined) << e.file << " data race flag under " << e.model;
}

std::string row_name(const testing::TestParamInfo<litmus::Expectation>& info) {
  std::string name = info.param.file + "_" + info.param.model;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Suite, LitmusExpectation, testing::ValuesIn(manifest_rows()), row_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(LitmusExpectation);

}  // namespace
}  // namespace mh
