#include "cli/option_checks.hpp"

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <stdexcept>

namespace mh::cli {

std::optional<run::Placement> parse_affinity_option(const std::string& text) {
  if (text == "distinct-cores") return run::Placement::distinct_cores;
  if (text == "smt-siblings") return run::Placement::smt_siblings;
  if (text == "none" || text == "scheduler") return run::Placement::scheduler;
  std::cerr << "memharness: unknown --affinity '" << text << "' (distinct-cores, smt-siblings, none)\n";
  return std::nullopt;
}

std::optional<std::uint64_t> parse_seed_option(const std::string& text) {
  try {
    std::size_t used = 0;
    const std::uint64_t seed = std::stoull(text, &used);
    if (used == text.size() && text.find('-') == std::string::npos) return seed;
  } catch (const std::exception&) {
  }
  std::cerr << "memharness: --seed '" << text << "' is not a non-negative integer\n";
  return std::nullopt;
}

bool json_path_writable(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::exists(path, error) && !fs::is_regular_file(path, error)) {
    std::cerr << "memharness: cannot write --json " << path << ": it exists and is not a file\n";
    return false;
  }
  const fs::path parent = fs::absolute(path).parent_path();
  if (fs::is_directory(parent, error) && ::access(parent.c_str(), W_OK) == 0) return true;
  std::cerr << "memharness: cannot write --json " << path << ": " << parent.string()
            << " is not a writable directory\n";
  return false;
}

}  // namespace mh::cli
