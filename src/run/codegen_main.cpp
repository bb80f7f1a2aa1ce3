// memharness-codegen: the build's step over litmus/ (CMakeLists.txt). Reads
// litmus files, writes one C++ unit with every test's native code, registered
// into the binary that links it. A test that cannot be generated fails the
// build with its file:line:col reason: every test of the suite must run.
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "litmus/parser.hpp"
#include "run/codegen.hpp"

int main(int argc, char** argv) {
  std::string output;
  std::string host_name;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-o" && i + 1 < argc) {
      output = argv[++i];
    } else if (arg == "--host" && i + 1 < argc) {
      host_name = argv[++i];
    } else if (!arg.empty() && arg[0] == '-') {
      std::cerr << "memharness-codegen: unknown option " << arg << "\n";
      return 2;
    } else {
      files.push_back(arg);
    }
  }
  if (output.empty() || (host_name != "x86_64" && host_name != "aarch64")) {
    std::cerr << "usage: memharness-codegen --host x86_64|aarch64 -o OUT.cpp FILE.litmus...\n";
    return 2;
  }
  const auto host = host_name == "x86_64" ? mh::run::HostArch::X86_64 : mh::run::HostArch::AArch64;

  std::vector<mh::run::GeneratedTest> generated;
  std::vector<mh::litmus::Test> tests;
  for (const std::string& file : files) {
    try {
      tests.push_back(mh::litmus::parse_litmus_file(file));
      generated.push_back(mh::run::generate_test(tests.back(), host));
    } catch (const mh::litmus::ParseError& error) {
      std::cerr << error.what() << "\n";
      return 1;
    } catch (const std::exception& error) {
      std::cerr << file << ": " << error.what() << "\n";
      return 1;
    }
  }
  const std::string temporary = output + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary);
    out << mh::run::generate_unit(generated, tests, true);
    if (!out) {
      std::cerr << "memharness-codegen: cannot write " << temporary << "\n";
      return 1;
    }
  }
  if (std::rename(temporary.c_str(), output.c_str()) != 0) {
    std::cerr << "memharness-codegen: cannot write " << output << "\n";
    return 1;
  }
  return 0;
}
