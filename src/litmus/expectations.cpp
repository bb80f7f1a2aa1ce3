#include "litmus/expectations.hpp"

#include <fstream>
#include <sstream>

#include "litmus/parse_error.hpp"

namespace mh::litmus {

namespace {

std::vector<std::string> split_tabs(const std::string& line, std::vector<int>& columns) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    columns.push_back(static_cast<int>(start) + 1);
    std::size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return fields;
}

}  // namespace

std::vector<Expectation> read_expectations(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ParseError(path, Pos{0, 0}, "cannot open the expectations manifest");
  static const std::vector<std::string> kHeader = {"file", "model", "observation", "flags", "source"};
  std::vector<Expectation> rows;
  std::string line;
  int number = 0;
  bool header_seen = false;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<int> columns;
    auto fields = split_tabs(line, columns);
    if (!header_seen) {
      if (fields != kHeader)
        throw ParseError(path, Pos{number, 1}, "expected the header 'file\tmodel\tobservation\tflags\tsource'");
      header_seen = true;
      continue;
    }
    if (fields.size() != kHeader.size())
      throw ParseError(path, Pos{number, 1},
                       "expected 5 tab-separated columns, found " + std::to_string(fields.size()));
    Expectation e;
    e.file = fields[0];
    e.model = fields[1];
    e.observation = fields[2];
    e.source = fields[4];
    e.line = number;
    if (e.model != "sc" && e.model != "tso" && e.model != "arm" && e.model != "rc11")
      throw ParseError(path, Pos{number, columns[1]}, "unknown model '" + e.model + "'");
    if (e.observation != "Never" && e.observation != "Sometimes" && e.observation != "Always")
      throw ParseError(path, Pos{number, columns[2]}, "observation must be Never, Sometimes or Always");
    if (fields[3] == "undefined")
      e.undefined = true;
    else if (fields[3] != "-")
      throw ParseError(path, Pos{number, columns[3]}, "flags must be 'undefined' or '-'");
    if (e.source.empty()) throw ParseError(path, Pos{number, columns[4]}, "every expectation needs a source");
    rows.push_back(std::move(e));
  }
  if (!header_seen) throw ParseError(path, Pos{number + 1, 1}, "the manifest has no header");
  return rows;
}

}  // namespace mh::litmus
