// Durations on the command line: "90s", "2m", "1h", "1500ms", plain seconds.
#pragma once

#include <string>

namespace mh::cli {

// Seconds, or -1 for text that is not a duration.
double parse_duration_seconds(const std::string& text);

}  // namespace mh::cli
