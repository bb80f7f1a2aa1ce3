// Tokens of the litmus frame and of herd's C thread bodies, with exact
// positions. The frame parser also reads some parts raw (the test name, herd
// metadata lines, the asm table's cells, a C thread's body), so the lexer
// exposes its cursor as well as tokens.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "litmus/ast.hpp"

namespace mh::litmus {

enum class TokenKind : std::uint8_t { Ident, Number, String, Punct, End };

struct Token {
  TokenKind kind = TokenKind::End;
  std::string_view text;  // a view into the lexed text; a String's text excludes the quotes
  Pos pos;

  bool is(std::string_view punct_or_word) const {
    return (kind == TokenKind::Punct || kind == TokenKind::Ident) && text == punct_or_word;
  }
};

struct LexerOptions {
  bool c_comments = false;         // `//` and `/* */` besides herd's `(* *)`
  bool percent_registers = false;  // `%eax` lexes as one identifier (X86_64 AT&T names)
  bool end_is_eof = true;          // false for a C body, which ends at its thread's `}`
};

class Lexer {
 public:
  Lexer(std::string_view text, Pos start, const std::string& file, LexerOptions options);

  const Token& peek();
  Token next();
  // Consumes the next token if it is `punct_or_word`.
  bool accept(std::string_view punct_or_word);
  // Consumes `punct_or_word` or fails with `message` at the next token.
  Token expect(std::string_view punct_or_word, const std::string& message);

  // Raw access. All of these drop a peeked token and work from the cursor.
  Pos pos() const { return cursor_.pos; }
  std::size_t offset() const { return cursor_.offset; }
  bool at_eof() const { return cursor_.offset >= text_.size(); }
  char current_char() const { return at_eof() ? '\0' : text_[cursor_.offset]; }
  // Moves past the current character (one `|` of `||` in the asm table).
  void skip_char() {
    has_peeked_ = false;
    advance(cursor_);
  }
  // Skips blanks and comments; stops at a newline when `stop_at_newline`.
  void skip_trivia(bool stop_at_newline = false);
  // The text up to (not including) the next newline, cursor left at the newline.
  std::string_view take_rest_of_line();
  // The next run of non-blank characters on this line.
  std::string_view take_word();
  // Cursor at `{`: moves past the matching `}` and returns the text between
  // them; `body_pos` receives the position of the first character after `{`.
  std::string_view take_braced_body(Pos& body_pos);
  // Reads one asm table cell: text up to `|`, `;` or end of file with comments
  // removed, blanks (newlines too) made spaces and trimmed; `cell_pos` is its
  // first non-blank character and `char_pos` where each character of the
  // returned text is, so errors inside a cell that runs over lines point at
  // the right line. Leaves the cursor at the terminator.
  std::string take_cell(Pos& cell_pos, std::vector<Pos>& char_pos);

  void set_options(LexerOptions options) {
    options_ = options;
    has_peeked_ = false;
  }

  [[noreturn]] void fail(Pos pos, const std::string& message) const;
  [[noreturn]] void fail_unexpected(const Token& token, const std::string& message) const;
  const std::string& file() const { return file_; }

 private:
  struct Cursor {
    std::size_t offset = 0;
    Pos pos;
  };

  void advance(Cursor& cursor) const;
  bool starts_with(const Cursor& cursor, std::string_view prefix) const;
  // At a comment opener: skips the whole comment and returns true.
  bool skip_comment(Cursor& cursor) const;
  Token lex(Cursor& cursor) const;

  std::string_view text_;
  std::string file_;
  LexerOptions options_;
  Cursor cursor_;
  bool has_peeked_ = false;
  Token peeked_;
  Cursor after_peeked_;
};

// The integer a Number token spells: decimal, `0x` hex (all 64 bits, two's
// complement) and, in C (`c_syntax`), octal and the u/l suffixes. Out of range
// is a ParseError.
Value parse_integer(const Lexer& lexer, const Token& token, bool c_syntax);

// How a token is quoted in error messages: `'while'`, `end of file`.
std::string describe(const Token& token);

}  // namespace mh::litmus
