// Every rejection of a litmus file is one of these, positioned: `file:line:col: message`.
#pragma once

#include <stdexcept>
#include <string>

#include "litmus/ast.hpp"

namespace mh::litmus {

class ParseError : public std::runtime_error {
 public:
  ParseError(const std::string& file, Pos pos, const std::string& message)
      : std::runtime_error(pos.line > 0 ? file + ":" + std::to_string(pos.line) + ":" +
                                              std::to_string(pos.col) + ": " + message
                                        : file + ": " + message),  // no position: the file as a whole
        file_(file), pos_(pos), message_(message) {}
  const std::string& file() const { return file_; }
  Pos pos() const { return pos_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  Pos pos_;
  std::string message_;
};

}  // namespace mh::litmus
