#include "cli/duration.hpp"

#include <stdexcept>

namespace mh::cli {

double parse_duration_seconds(const std::string& text) {
  if (text.empty()) return -1;
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return -1;
  }
  const std::string unit = text.substr(used);
  double scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  else if (unit == "ms") scale = 0.001;
  else if (unit == "m" || unit == "min") scale = 60;
  else if (unit == "h") scale = 3600;
  else return -1;
  if (!(value >= 0) || value > 1e7) return -1;
  return value * scale;
}

}  // namespace mh::cli
