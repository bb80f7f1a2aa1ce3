// Results are written whole or not at all: a temporary file in the same
// directory, then rename(2), so a reader never sees half a file.
#pragma once

#include <string>

namespace mh::report {

// Throws std::runtime_error naming the path on failure; the target is untouched then.
void write_file_atomically(const std::string& path, const std::string& content);

// Appends one line and flushes it to disk, for per-test records of long runs.
void append_line(const std::string& path, const std::string& line);

}  // namespace mh::report
