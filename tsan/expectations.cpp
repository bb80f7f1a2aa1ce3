#include "tsan/expectations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace mh::tsan {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, '\t')) fields.push_back(field);
  if (!line.empty() && line.back() == '\t') fields.emplace_back();
  return fields;
}

const std::set<std::string>& known_model_verdicts() {
  static const std::set<std::string> verdicts{"ok", "data_race", "deadlock", "assertion", "lost_wakeup"};
  return verdicts;
}

// litmus/expected.tsv's rc11 rows: file -> (racy, line).
std::map<std::string, std::pair<bool, int>> rc11_race_flags(const fs::path& table) {
  std::ifstream in(table);
  if (!in) throw ExpectationError(fmt::format("{}: cannot read it", table.string()));
  std::map<std::string, std::pair<bool, int>> flags;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const auto fields = split_tabs(line);
    if (number == 1 || fields.size() < 4 || fields[1] != "rc11") continue;
    flags[fields[0]] = {fields[3].find("undefined") != std::string::npos, number};
  }
  return flags;
}

TestKind kind_of(const std::string& name) {
  if (name.rfind("litmus/", 0) == 0) return TestKind::litmus;
  if (name.rfind("stress/", 0) == 0) return TestKind::stress;
  return TestKind::probe;
}

}  // namespace

const char* kind_name(TestKind kind) {
  switch (kind) {
    case TestKind::litmus:
      return "litmus";
    case TestKind::stress:
      return "stress";
    case TestKind::probe:
      return "probe";
  }
  return "probe";
}

std::string suite_root() {
  for (const fs::path& dir :
       {fs::path(MEMHARNESS_SOURCE_DIR), fs::path(MEMHARNESS_INSTALL_DATADIR) / "memharness"})
    if (fs::exists(dir / "tsan" / "expected.tsv") && fs::is_directory(dir / "litmus" / "c"))
      return dir.string();
  return MEMHARNESS_SOURCE_DIR;
}

std::vector<Expectation> load_suite(const std::string& root) {
  const fs::path base(root);
  const auto rc11 = rc11_race_flags(base / "litmus" / "expected.tsv");
  std::vector<Expectation> suite;

  // tsan/expected.tsv: test, model, model_source, tsan, blind_spot, reason.
  const fs::path table = base / "tsan" / "expected.tsv";
  std::ifstream in(table);
  if (!in) throw ExpectationError(fmt::format("{}: cannot read it", table.string()));
  std::map<std::string, Expectation> litmus_rows;
  std::set<std::string> seen;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = fmt::format("tsan/expected.tsv:{}", number);
    if (line.empty() || line[0] == '#') continue;
    const auto fields = split_tabs(line);
    if (number == 1 || fields[0] == "test") continue;
    const auto fail = [&](const std::string& message) {
      throw ExpectationError(fmt::format("{}/{}: {}", root, where, message));
    };
    if (fields.size() != 6)
      fail(fmt::format("{} fields; a row has 6 (test, model, model_source, tsan, blind_spot, reason)",
                       fields.size()));
    Expectation e;
    e.name = fields[0];
    e.kind = kind_of(e.name);
    e.model = fields[1];
    e.model_source = fields[2];
    if (fields[3] != "race" && fields[3] != "clean")
      fail("tsan is 'race' or 'clean', not '" + fields[3] + "'");
    e.race_expected = fields[3] == "race";
    e.blind_spot = fields[4] == "-" ? "" : fields[4];
    e.reason = fields[5];
    e.source_line = where;
    if (!known_model_verdicts().count(e.model)) fail("unknown model verdict '" + e.model + "'");
    if (e.kind == TestKind::probe && e.name.rfind("probe/", 0) != 0)
      fail("a test is litmus/c/NAME, stress/PROTOCOL/VARIANT or probe/PROGRAM[/CASE]");
    if (!seen.insert(e.name).second) fail(e.name + " is listed twice");
    // A verdict that departs from the model's names the blind spot that explains it.
    if (e.differs_from_model() && e.blind_spot.empty())
      fail(fmt::format("{}: TSan is expected to say '{}' where the model says '{}': name the blind spot",
                       e.name, fields[3], e.model));
    if (e.kind == TestKind::litmus) {
      e.file = (base / (e.name + ".litmus")).string();
      const std::string key = e.name.substr(std::string("litmus/").size()) + ".litmus";
      const auto flag = rc11.find(key);
      if (flag == rc11.end()) fail(e.name + ": no rc11 row for " + key + " in litmus/expected.tsv");
      if (flag->second.first != e.model_racy())
        fail(fmt::format("{}: the model column says '{}' but litmus/expected.tsv:{} says the test is {}",
                         e.name, e.model, flag->second.second, flag->second.first ? "racy" : "race-free"));
      litmus_rows[e.name] = e;
    } else {
      suite.push_back(e);
    }
  }

  std::vector<Expectation> litmus;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(base / "litmus" / "c"))
    if (entry.path().extension() == ".litmus") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    const std::string name = "litmus/c/" + file.stem().string();
    if (auto row = litmus_rows.find(name); row != litmus_rows.end()) {
      litmus.push_back(row->second);
      litmus_rows.erase(row);
      continue;
    }
    const auto flag = rc11.find("c/" + file.filename().string());
    if (flag == rc11.end())
      throw ExpectationError(fmt::format("{}: no rc11 row in litmus/expected.tsv", file.string()));
    Expectation e;
    e.name = name;
    e.kind = TestKind::litmus;
    e.model = flag->second.first ? "data_race" : "ok";
    e.model_source = "litmus/expected.tsv";
    e.race_expected = flag->second.first;
    e.reason = flag->second.first ? "rc11: a data race (Flag undefined)" : "rc11: race-free";
    e.file = file.string();
    e.source_line = fmt::format("litmus/expected.tsv:{}", flag->second.second);
    litmus.push_back(e);
  }
  if (!litmus_rows.empty())
    throw ExpectationError(fmt::format("{}: {} is not a file of litmus/c",
                                       litmus_rows.begin()->second.source_line, litmus_rows.begin()->first));
  litmus.insert(litmus.end(), suite.begin(), suite.end());
  return litmus;
}

}  // namespace mh::tsan
