// litmus/expected.tsv: the expected observation of each suite test under each
// applicable model, with the source the expectation comes from.
#pragma once

#include <string>
#include <vector>

namespace mh::litmus {

struct Expectation {
  std::string file;         // relative to the manifest's directory
  std::string model;        // sc, tso, arm, rc11
  std::string observation;  // Never, Sometimes, Always
  bool undefined = false;   // rc11 data race expected (herd's Flag *undef*)
  std::string source;       // where the expectation comes from
  int line = 0;
};

// Reads the manifest; a malformed row throws ParseError (`path:line:col: ...`).
std::vector<Expectation> read_expectations(const std::string& path);

}  // namespace mh::litmus
