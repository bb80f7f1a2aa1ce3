// A main for the fuzz targets outside libFuzzer (g++ builds, ctest): runs
// every input named, or every file of the folders named, through
// LLVMFuzzerTestOneInput once. A target reports a finding by aborting, so a
// replay that exits 0 replayed its corpus clean.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void replay(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot open\n", file.c_str());
    std::exit(2);
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::fprintf(stderr, "replaying %s (%zu bytes)\n", file.c_str(), bytes.size());
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
    return 2;
  }
  std::size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path path = argv[i];
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::vector<std::filesystem::path> files;
      try {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(path))
          if (entry.is_regular_file()) files.push_back(entry.path());
      } catch (const std::filesystem::filesystem_error& e) {
        std::fprintf(stderr, "%s: %s\n", path.c_str(), e.code().message().c_str());
        return 2;
      }
      std::sort(files.begin(), files.end());
      for (const auto& file : files) replay(file);
      count += files.size();
    } else {
      replay(path);
      ++count;
    }
  }
  std::fprintf(stderr, "%zu inputs replayed, no finding\n", count);
  return 0;
}
