// What TSan should say of each test of the TSan suite, and why: the model's
// verdict, corrected by a named blind spot of TSan where the two differ
// (docs/tsan.md). Every C litmus test is in the suite with the race verdict
// of its rc11 row in litmus/expected.tsv; tsan/expected.tsv holds the stress
// variants, the probes, and the litmus tests whose TSan verdict is not the
// model's.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace mh::tsan {

enum class TestKind { litmus, stress, probe };
const char* kind_name(TestKind kind);

struct Expectation {
  std::string name;  // litmus/c/NAME, stress/PROTOCOL/VARIANT, probe/PROGRAM[/CASE]
  TestKind kind = TestKind::litmus;
  std::string model;         // the model's verdict: ok, data_race, deadlock, assertion
  std::string model_source;  // where it comes from: litmus/expected.tsv, models/NAME, a probe's comment, ...
  bool race_expected = false;  // what TSan should report
  std::string blind_spot;      // "" or the key of docs/tsan.md's blind-spot table
  std::string reason;
  std::string file;         // litmus: the .litmus file
  std::string source_line;  // "tsan/expected.tsv:N" or "litmus/expected.tsv:N"

  bool model_racy() const { return model == "data_race"; }
  // TSan and the model differ on whether there is a race.
  bool differs_from_model() const { return race_expected != model_racy(); }
};

class ExpectationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The suite: every litmus/c test (sorted), then tsan/expected.tsv's stress
// and probe rows in file order. `root` holds litmus/ and tsan/. Throws
// ExpectationError with "file:line: message" on a malformed table.
std::vector<Expectation> load_suite(const std::string& root);

// The folder that holds litmus/ and tsan/expected.tsv: the source tree this
// binary was built from, else the installed data.
std::string suite_root();

}  // namespace mh::tsan
