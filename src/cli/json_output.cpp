#include "cli/json_output.hpp"

#include <iostream>

#include "report/atomic_file.hpp"
#include "report/litmus_json.hpp"

namespace mh::cli {

bool write_json_output(const std::string& path, const nlohmann::json& records) {
  if (path.empty()) return true;
  try {
    report::write_file_atomically(path, report::results_document(records).dump(2) + "\n");
    return true;
  } catch (const std::exception& error) {
    std::cerr << "memharness: " << error.what() << "\n";
    return false;
  }
}

}  // namespace mh::cli
