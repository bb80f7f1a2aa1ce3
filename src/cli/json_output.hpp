// The `--json OUT` file every verdict-producing command writes: the records
// in a results document (docs/results.md), written whole or not at all.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mh::cli {

// Does nothing for an empty path. On failure prints "memharness: REASON" and
// returns false: the command then exits 2.
bool write_json_output(const std::string& path, const nlohmann::json& records);

}  // namespace mh::cli
