// Reading what ThreadSanitizer wrote to its log files: the warning kinds,
// one file per process, the first report kept as evidence, fatal stops.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tsan/report_log.hpp"

namespace {

namespace fs = std::filesystem;

class TsanReportLog : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / "memharness-tsan-log";
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::string prefix() const { return (dir_ / "tsan").string(); }
  fs::path dir_;
};

TEST_F(TsanReportLog, NoFilesNoWarnings) {
  const auto log = mh::tsan::read_report_logs(prefix(), "ordinary output\n");
  EXPECT_TRUE(log.warnings.empty());
  EXPECT_FALSE(log.has_race());
  EXPECT_FALSE(log.fatal);
  EXPECT_EQ(log.first_report, "");
}

TEST_F(TsanReportLog, WarningsFromEveryProcessFirstReportKept) {
  write("tsan.100",
        "==================\n"
        "WARNING: ThreadSanitizer: data race (pid=100)\n"
        "  Write of size 8 at 0x7b0400000000 by thread T1:\n"
        "    #0 writer probe.cpp:10:5 (probe+0x1234) (BuildId: abcdef)\n"
        "SUMMARY: ThreadSanitizer: data race probe.cpp:10:5 in writer\n"
        "==================\n");
  write("tsan.101",
        "WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock) (pid=101)\n"
        "SUMMARY: ThreadSanitizer: lock-order-inversion (potential deadlock) x.cpp:1\n");
  write("other.102", "WARNING: ThreadSanitizer: data race (pid=102)\n");  // not this run's prefix
  const auto log = mh::tsan::read_report_logs(prefix(), "");
  ASSERT_EQ(log.warnings.size(), 2u);
  EXPECT_EQ(log.warnings[0], "data race");
  EXPECT_EQ(log.warnings[1], "lock-order-inversion (potential deadlock)");
  EXPECT_TRUE(log.has_race());
  EXPECT_TRUE(log.has_other_warning());
  EXPECT_NE(log.first_report.find("Write of size 8"), std::string::npos);
  EXPECT_NE(log.first_report.find("#0 writer probe.cpp:10:5 (probe+0x1234)\n"), std::string::npos)
      << "the build id is dropped: " << log.first_report;
  EXPECT_EQ(log.first_report.find("lock-order"), std::string::npos);
}

TEST_F(TsanReportLog, FatalStopsAreNoticedInTheOutput) {
  const auto log = mh::tsan::read_report_logs(
      prefix(), "FATAL: ThreadSanitizer: unexpected memory mapping 0x7f0000000000-0x7f0000001000\n");
  EXPECT_TRUE(log.fatal);
  EXPECT_TRUE(log.warnings.empty());
}

}  // namespace
