// `memharness litmus run FILE... [--budget D] [--mode M] [--json OUT] ...`:
// runs litmus tests on this machine's cores and judges every observed final
// state by the host's model (docs/hardware.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mh::cli {

struct LitmusRunOptions {
  std::vector<std::string> files;
  std::string budget = "2s";  // for the whole command, shared evenly by the tests
  std::string mode = "barrier";
  std::string affinity = "distinct-cores";
  std::string json;
  int size = 1000;
  int stride = 128;
  int max_delay = 16;
  std::string seed = "1";  // parsed by the command, for a one-line error
  std::uint64_t iterations = 0;  // per test; 0: the budget alone
  bool quiet_progress = false;
};

// 0: every observed state is allowed by the host's model; 1: a forbidden
// state was observed, a run hung or saw a coherence violation; 2: bad input.
int run_litmus_run(const LitmusRunOptions& options);

}  // namespace mh::cli
