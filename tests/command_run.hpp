// Runs the built `memharness` binary as a user would, for the CLI tests.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace mh::testing {

struct CommandRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

inline CommandRun run(const std::string& arguments) {
  CommandRun result;
  const std::string command = std::string(MEMHARNESS_BINARY) + " " + arguments + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace mh::testing
