#include "litmus/lexer.hpp"

#include <array>
#include <cstdio>
#include <limits>

#include "litmus/parse_error.hpp"

namespace mh::litmus {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_ident_char(char c) {
  return is_ident_start(c) || is_digit(c);
}

// Longest first, so that `/\` is not read as `/` then `\`.
constexpr std::array<std::string_view, 23> kMultiCharPuncts = {
    "/\\", "\\/", "=>", "!=", "==", "<=", ">=", "<<", ">>", "&&", "||", "->",
    "++",  "--",  "+=", "-=", "*=", "/=", "&=", "|=", "^=", "%=", "::"};

std::string char_literal(char c) {
  auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f) return std::string("'") + c + "'";
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "'\\x%02x'", byte);
  return buffer;
}

}  // namespace

Lexer::Lexer(std::string_view text, Pos start, const std::string& file, LexerOptions options)
    : text_(text), file_(file), options_(options) {
  cursor_.pos = start;
}

void Lexer::fail(Pos pos, const std::string& message) const {
  throw ParseError(file_, pos, message);
}

void Lexer::fail_unexpected(const Token& token, const std::string& message) const {
  if (token.kind == TokenKind::End && options_.end_is_eof) fail(token.pos, "unexpected end of file");
  fail(token.pos, message);
}

void Lexer::advance(Cursor& cursor) const {
  if (cursor.offset >= text_.size()) return;
  if (text_[cursor.offset] == '\n') {
    ++cursor.pos.line;
    cursor.pos.col = 1;
  } else {
    ++cursor.pos.col;
  }
  ++cursor.offset;
}

bool Lexer::starts_with(const Cursor& cursor, std::string_view prefix) const {
  return text_.substr(cursor.offset).starts_with(prefix);
}

bool Lexer::skip_comment(Cursor& cursor) const {
  const bool herd_comment =
      starts_with(cursor, "(*") &&
      // In C, `(*x)` is a dereference, not a comment.
      !(options_.c_comments && cursor.offset + 2 < text_.size() && is_ident_start(text_[cursor.offset + 2]));
  if (herd_comment) {
    int depth = 0;
    while (true) {
      if (cursor.offset >= text_.size()) fail(cursor.pos, "unexpected end of file");
      if (starts_with(cursor, "(*")) {
        ++depth;
        advance(cursor);
        advance(cursor);
      } else if (starts_with(cursor, "*)")) {
        advance(cursor);
        advance(cursor);
        if (--depth == 0) return true;
      } else {
        advance(cursor);
      }
    }
  }
  if (!options_.c_comments) return false;
  if (starts_with(cursor, "//")) {
    while (cursor.offset < text_.size() && text_[cursor.offset] != '\n') advance(cursor);
    return true;
  }
  if (starts_with(cursor, "/*")) {
    advance(cursor);
    advance(cursor);
    while (!starts_with(cursor, "*/")) {
      if (cursor.offset >= text_.size()) fail(cursor.pos, "unexpected end of file");
      advance(cursor);
    }
    advance(cursor);
    advance(cursor);
    return true;
  }
  return false;
}

void Lexer::skip_trivia(bool stop_at_newline) {
  has_peeked_ = false;
  while (cursor_.offset < text_.size()) {
    char c = text_[cursor_.offset];
    if (c == '\n' && stop_at_newline) return;
    if (is_blank(c)) {
      advance(cursor_);
    } else if (!skip_comment(cursor_)) {
      return;
    }
  }
}

Token Lexer::lex(Cursor& cursor) const {
  while (cursor.offset < text_.size()) {
    if (is_blank(text_[cursor.offset])) {
      advance(cursor);
    } else if (!skip_comment(cursor)) {
      break;
    }
  }
  Token token;
  token.pos = cursor.pos;
  const std::size_t start = cursor.offset;
  if (start >= text_.size()) return token;

  const char c = text_[start];
  auto take_while = [&](auto predicate) {
    while (cursor.offset < text_.size() && predicate(text_[cursor.offset])) advance(cursor);
  };
  if (is_ident_start(c) || (c == '%' && options_.percent_registers && start + 1 < text_.size() &&
                            is_ident_start(text_[start + 1]))) {
    advance(cursor);
    take_while(is_ident_char);
    token.kind = TokenKind::Ident;
  } else if (is_digit(c)) {
    // Suffix letters stay in the token so that `12ab` is one bad number.
    take_while(is_ident_char);
    token.kind = TokenKind::Number;
  } else if (c == '"') {
    advance(cursor);
    take_while([](char ch) { return ch != '"'; });
    if (cursor.offset >= text_.size()) fail(cursor.pos, "unexpected end of file");
    advance(cursor);
    token.kind = TokenKind::String;
    token.text = text_.substr(start + 1, cursor.offset - start - 2);
    return token;
  } else {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) fail(cursor.pos, "unexpected character " + char_literal(c));
    std::size_t length = 1;
    for (std::string_view punct : kMultiCharPuncts) {
      if (text_.substr(start).starts_with(punct)) {
        length = punct.size();
        break;
      }
    }
    for (std::size_t i = 0; i < length; ++i) advance(cursor);
    token.kind = TokenKind::Punct;
  }
  token.text = text_.substr(start, cursor.offset - start);
  return token;
}

const Token& Lexer::peek() {
  if (!has_peeked_) {
    after_peeked_ = cursor_;
    peeked_ = lex(after_peeked_);
    has_peeked_ = true;
  }
  return peeked_;
}

Token Lexer::next() {
  Token token = peek();
  cursor_ = after_peeked_;
  has_peeked_ = false;
  return token;
}

bool Lexer::accept(std::string_view punct_or_word) {
  if (!peek().is(punct_or_word)) return false;
  next();
  return true;
}

Token Lexer::expect(std::string_view punct_or_word, const std::string& message) {
  const Token& token = peek();
  if (!token.is(punct_or_word)) fail_unexpected(token, message);
  return next();
}

std::string_view Lexer::take_rest_of_line() {
  has_peeked_ = false;
  const std::size_t start = cursor_.offset;
  while (cursor_.offset < text_.size() && text_[cursor_.offset] != '\n') advance(cursor_);
  return text_.substr(start, cursor_.offset - start);
}

std::string_view Lexer::take_word() {
  has_peeked_ = false;
  while (cursor_.offset < text_.size() && text_[cursor_.offset] != '\n' && is_blank(text_[cursor_.offset]))
    advance(cursor_);
  const std::size_t start = cursor_.offset;
  while (cursor_.offset < text_.size() && !is_blank(text_[cursor_.offset])) advance(cursor_);
  return text_.substr(start, cursor_.offset - start);
}

std::string_view Lexer::take_braced_body(Pos& body_pos) {
  has_peeked_ = false;
  advance(cursor_);  // the `{`
  body_pos = cursor_.pos;
  const std::size_t start = cursor_.offset;
  int depth = 1;
  while (true) {
    if (cursor_.offset >= text_.size()) fail(cursor_.pos, "unexpected end of file");
    if (skip_comment(cursor_)) continue;
    const char c = text_[cursor_.offset];
    if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      std::string_view body = text_.substr(start, cursor_.offset - start);
      advance(cursor_);
      return body;
    }
    advance(cursor_);
  }
}

std::string Lexer::take_cell(Pos& cell_pos, std::vector<Pos>& char_pos) {
  has_peeked_ = false;
  std::string cell;
  cell_pos = Pos{};
  char_pos.clear();
  const auto add_space = [&](Pos at) {
    if (cell.empty()) return;
    cell += ' ';
    char_pos.push_back(at);
  };
  while (cursor_.offset < text_.size()) {
    const char c = text_[cursor_.offset];
    if (c == '|' || c == ';') break;
    const Pos at = cursor_.pos;
    if (skip_comment(cursor_)) {
      add_space(at);
      continue;
    }
    if (is_blank(c)) {
      add_space(at);
    } else {
      if (cell.empty()) cell_pos = at;
      cell += c;
      char_pos.push_back(at);
    }
    advance(cursor_);
  }
  while (!cell.empty() && cell.back() == ' ') {
    cell.pop_back();
    char_pos.pop_back();
  }
  return cell;
}

Value parse_integer(const Lexer& lexer, const Token& token, bool c_syntax) {
  std::string_view digits = token.text;
  if (c_syntax) {
    while (!digits.empty() &&
           (digits.back() == 'u' || digits.back() == 'U' || digits.back() == 'l' || digits.back() == 'L'))
      digits.remove_suffix(1);
  }
  unsigned base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    base = 16;
    digits.remove_prefix(2);
  } else if (c_syntax && digits.size() > 1 && digits[0] == '0') {
    base = 8;
    digits.remove_prefix(1);
  }
  const std::uint64_t limit = base == 10 ? static_cast<std::uint64_t>(std::numeric_limits<Value>::max())
                                         : std::numeric_limits<std::uint64_t>::max();
  std::uint64_t value = 0;
  if (digits.empty()) lexer.fail(token.pos, "invalid number '" + std::string(token.text) + "'");
  for (char c : digits) {
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      digit = base;  // not a digit at all
    }
    if (digit >= base) lexer.fail(token.pos, "invalid number '" + std::string(token.text) + "'");
    if (value > (limit - digit) / base)
      lexer.fail(token.pos, "integer literal out of range '" + std::string(token.text) + "'");
    value = value * base + digit;
  }
  return static_cast<Value>(value);
}

std::string describe(const Token& token) {
  if (token.kind == TokenKind::End) return "end of input";
  if (token.kind == TokenKind::String) return "string \"" + std::string(token.text) + "\"";
  return "'" + std::string(token.text) + "'";
}

}  // namespace mh::litmus
