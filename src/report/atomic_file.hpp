// Results are written whole or not at all: a temporary file in the same
// directory, then rename(2), so a reader never sees half a file.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mh::report {

// Throws std::runtime_error naming the path on failure; the target is untouched then.
void write_file_atomically(const std::string& path, const std::string& content);

// Several files as a set: every one is written to a temporary file first,
// and only when all of them are complete are they renamed into place, so a
// failure (a full disk, a target that is a folder) leaves every target as it
// was. Throws std::runtime_error naming the path.
void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files);

// Appends one line and flushes it to disk, for per-test records of long runs.
void append_line(const std::string& path, const std::string& line);

}  // namespace mh::report
