// differential_seeds OUT_DIR LITMUS_DIR...: writes, for each C litmus test
// that fits a differential program, the bytes that decode to it
// (OUT_DIR/NAME), and checks it at once: both implementations must agree on
// it under rc11 and sc. The seeds of the differential target, and the
// suite's share of its regression (ctest: fuzz.differential.suite).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "differential.hpp"
#include "litmus/parse_error.hpp"
#include "litmus/parser.hpp"
#include "program.hpp"
#include "program_from_litmus.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s OUT_DIR LITMUS_DIR...\n", argv[0]);
    return 2;
  }
  const fs::path out_dir = argv[1];
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) {
    std::fprintf(stderr, "%s: %s\n", out_dir.c_str(), ec.message().c_str());
    return 2;
  }
  std::vector<fs::path> files;
  for (int i = 2; i < argc; ++i) {
    if (!fs::is_directory(argv[i], ec)) {
      std::fprintf(stderr, "%s: not a folder\n", argv[i]);
      return 2;
    }
    for (const auto& entry : fs::directory_iterator(argv[i]))
      if (entry.path().extension() == ".litmus") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  int written = 0, skipped = 0, failures = 0;
  for (const fs::path& file : files) {
    mh::litmus::Test test;
    try {
      test = mh::litmus::parse_litmus_file(file.string());
    } catch (const mh::litmus::ParseError& e) {
      std::fprintf(stderr, "%s\n", e.what());
      return 2;
    }
    const std::optional<mh::fuzz::Program> program = mh::fuzz::program_from_litmus(test);
    if (!program) {
      ++skipped;
      continue;
    }
    const std::vector<std::uint8_t> bytes = mh::fuzz::encode_program(*program);
    if (mh::fuzz::decode_program(bytes) != *program) {
      std::fprintf(stderr, "%s: the program's bytes decode to another program\n", file.c_str());
      return 1;
    }
    std::ofstream out(out_dir / file.stem(), std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::fprintf(stderr, "%s: cannot write\n", (out_dir / file.stem()).c_str());
      return 2;
    }
    ++written;
    const mh::fuzz::Comparison comparison = mh::fuzz::compare_program(*program);
    if (!comparison.difference.empty()) {
      ++failures;
      std::printf("%s: DIFFERENT\n%s\n", file.stem().c_str(), comparison.difference.c_str());
    } else if (comparison.models_compared < 2) {
      // The suite's tests are small: one a bound stops was not checked.
      ++failures;
      std::printf("%s: NOT COMPARED under %d of the 2 models (a side's bounds stopped it)\n",
                  file.stem().c_str(), 2 - comparison.models_compared);
    } else {
      std::printf("%s: agree under rc11 and sc%s\n", file.stem().c_str(), comparison.race ? " (racy)" : "");
    }
  }
  std::printf("%d tests written to %s, %d do not fit a program, %d differ or were not compared\n", written,
              out_dir.c_str(), skipped, failures);
  return failures == 0 ? 0 : 1;
}
