// The code generator of the hardware runner (src/run/codegen): every suite
// test generates for the hosts that can run it, refuses the others with a
// reason, and the generated code says what the test says.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "litmus/parser.hpp"
#include "litmus_test_support.hpp"
#include "run/codegen.hpp"

namespace {

namespace fs = std::filesystem;
using mh::litmus::testing_support::parse;
using mh::run::HostArch;

const fs::path kSuite = fs::path(MEMHARNESS_SOURCE_DIR) / "litmus";

std::vector<fs::path> suite_files(const std::string& folder) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kSuite / folder))
    if (entry.path().extension() == ".litmus") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(Codegen, EverySuiteTestGeneratesForTheHostsThatRunIt) {
  const std::vector<std::pair<std::string, std::vector<HostArch>>> folders = {
      {"c", {HostArch::X86_64, HostArch::AArch64}},
      {"x86", {HostArch::X86_64}},
      {"x86_64", {HostArch::X86_64}},
      {"aarch64", {HostArch::AArch64}},
  };
  for (const auto& [folder, hosts] : folders) {
    const auto files = suite_files(folder);
    EXPECT_FALSE(files.empty()) << folder;
    for (const auto& file : files) {
      const auto test = mh::litmus::parse_litmus_file(file.string());
      for (HostArch host : hosts) {
        try {
          const auto generated = mh::run::generate_test(test, host);
          EXPECT_EQ(generated.key.size(), 16u);
          EXPECT_NE(generated.code.find("thread_0"), std::string::npos) << file;
        } catch (const std::exception& error) {
          ADD_FAILURE() << file << " on " << mh::run::host_arch_name(host) << ": " << error.what();
        }
      }
    }
  }
}

TEST(Codegen, AnAssemblyTestRunsOnlyOnItsArchitecture) {
  const auto x86 = mh::litmus::parse_litmus_file((kSuite / "x86/SB.litmus").string());
  const auto arm = mh::litmus::parse_litmus_file((kSuite / "aarch64/CoRR+pos.litmus").string());
  EXPECT_EQ(mh::run::unsupported_on(x86, HostArch::X86_64), std::nullopt);
  EXPECT_EQ(mh::run::unsupported_on(x86, HostArch::AArch64).value_or(""),
            "an X86 test runs only on an x86-64 host (this one is aarch64)");
  EXPECT_EQ(mh::run::unsupported_on(arm, HostArch::X86_64).value_or(""),
            "an AArch64 test runs only on an AArch64 host (this one is x86_64)");
  EXPECT_THROW(mh::run::generate_test(arm, HostArch::X86_64), std::invalid_argument);
}

TEST(Codegen, TheKeyFollowsTheCode) {
  const std::string text = "X86 K\n{ x=0; y=0; }\n P0 | P1 ;\n MOV [x],$1 | MOV EAX,[x] ;\nexists (1:EAX=0)\n";
  const auto a = mh::run::generate_test(parse(text), HostArch::X86_64);
  const auto b = mh::run::generate_test(parse(text), HostArch::X86_64);
  std::string changed = text;
  changed.replace(changed.find("$1"), 2, "$2");
  const auto c = mh::run::generate_test(parse(changed), HostArch::X86_64);
  EXPECT_EQ(a.key, b.key);
  EXPECT_NE(a.key, c.key);
}

TEST(Codegen, InstructionsAreThoseOfTheTest) {
  const auto fenced = mh::run::generate_test(mh::litmus::parse_litmus_file((kSuite / "x86/SB+mfences.litmus").string()),
                                             HostArch::X86_64);
  EXPECT_NE(fenced.code.find("mfence"), std::string::npos);
  const auto plain =
      mh::run::generate_test(mh::litmus::parse_litmus_file((kSuite / "x86/SB.litmus").string()), HostArch::X86_64);
  EXPECT_EQ(plain.code.find("mfence"), std::string::npos);
  const auto xadd = mh::run::generate_test(
      mh::litmus::parse_litmus_file((kSuite / "x86/Atom+lockxadds.litmus").string()), HostArch::X86_64);
  EXPECT_NE(xadd.code.find("lock xaddq"), std::string::npos);
  const auto c = mh::run::generate_test(mh::litmus::parse_litmus_file((kSuite / "c/MP+rel+acq.litmus").string()),
                                        HostArch::X86_64);
  EXPECT_NE(c.code.find("store(word{1}, std::memory_order_release)"), std::string::npos) << c.code;
  EXPECT_NE(c.code.find("load(std::memory_order_acquire)"), std::string::npos);
}

// A non-atomic access goes through the prelude's mh_plain_load/store: plain
// in a ThreadSanitizer build (so TSan sees it), a relaxed atomic elsewhere.
TEST(Codegen, NonAtomicAccessesArePlainOnlyUnderThreadSanitizer) {
  const auto test = mh::run::generate_test(
      mh::litmus::parse_litmus_file((kSuite / "c/MP+na.rel+acq.na.litmus").string()), HostArch::X86_64);
  EXPECT_NE(test.code.find("mh_plain_store("), std::string::npos) << test.code;
  EXPECT_NE(test.code.find("= mh_plain_load("), std::string::npos) << test.code;
  EXPECT_EQ(test.code.find("std::memory_order_relaxed"), std::string::npos) << test.code;
  const std::string unit = mh::run::generate_unit({test}, {}, false);
  EXPECT_NE(unit.find("#if defined(__SANITIZE_THREAD__)"), std::string::npos);
  EXPECT_NE(unit.find("*static_cast<volatile std::int64_t*>(p) = v;"), std::string::npos);
  EXPECT_NE(unit.find("std::atomic_ref<std::int64_t>(*p).store(v, std::memory_order_relaxed);"), std::string::npos);
}

TEST(Codegen, ThePerpetualModeSaysWhichTestsItCannotRun) {
  const auto reason = [](const std::string& file) {
    return mh::run::perpetual_unsupported(mh::litmus::parse_litmus_file((kSuite / file).string()))
        .value_or("supported");
  };
  EXPECT_EQ(reason("x86/SB.litmus"), "supported");
  EXPECT_EQ(reason("x86/IRIW.litmus"), "supported");
  EXPECT_EQ(reason("x86/2+2W.litmus"), "its final condition reads memory; in the perpetual mode memory has no final state");
  EXPECT_EQ(reason("x86/SB+lockxadds.litmus"), "it has a read-modify-write");
  EXPECT_EQ(reason("x86/CoWW.litmus").find("written more than once") != std::string::npos ||
                reason("x86/CoWW.litmus").find("memory") != std::string::npos,
            true);
}

TEST(Codegen, AUnitForLoadingExportsItsTests) {
  const auto test = mh::litmus::parse_litmus_file((kSuite / "x86/SB.litmus").string());
  const auto generated = mh::run::generate_test(test, HostArch::X86_64);
  const std::string unit = mh::run::generate_unit({generated}, {test}, false);
  EXPECT_NE(unit.find("mh_native_tests[]"), std::string::npos);
  EXPECT_NE(unit.find("mh_native_abi_version = 1"), std::string::npos);
  EXPECT_EQ(unit.find("NativeRegistration"), std::string::npos);
  const std::string registered = mh::run::generate_unit({generated}, {test}, true);
  EXPECT_NE(registered.find("NativeRegistration"), std::string::npos);
}

}  // namespace
