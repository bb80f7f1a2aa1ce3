// The litmus frame shared by all dialects: header, init block, the threads
// (C functions or the asm table), `locations`, `filter` and the condition.
#include "litmus/parser.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "litmus/asm_dialect.hpp"
#include "litmus/c_dialect.hpp"
#include "litmus/lexer.hpp"

namespace mh::litmus {
namespace {

// Parentheses and `~` deeper than this are rejected, so hostile input cannot
// exhaust the stack.
constexpr int kMaxPropNesting = 64;
// Far beyond any litmus test; it keeps the IR's linear name lookups from
// turning a hostile file quadratic.
constexpr std::size_t kMaxLocations = 1024;

// `P3` → 3; -1 when the token does not name a thread.
int thread_index_of(const Token& token) {
  if (token.kind != TokenKind::Ident || token.text.size() < 2 || token.text.size() > 4 ||
      token.text[0] != 'P')
    return -1;
  int index = 0;
  for (char c : token.text.substr(1)) {
    if (c < '0' || c > '9') return -1;
    index = index * 10 + (c - '0');
  }
  return index;
}

bool is_condition_keyword(const Token& token) {
  return token.is("exists") || token.is("forall") || token.is("~") || token.is("locations") ||
         token.is("filter");
}

// Appends one word or `*` of a declaration's type: `int *x` and `int* x` both give "int*".
void append_type_part(std::string& type, std::string_view part) {
  if (part != "*" && !type.empty()) type += ' ';
  type += part;
}

class FrameParser {
 public:
  FrameParser(std::string_view text, const std::string& file)
      : lexer_(text, Pos{1, 1}, file, LexerOptions{}) {
    test_.file = file;
  }

  Test parse() {
    parse_header();
    skip_preamble();
    parse_init_block();
    if (test_.arch == Arch::C) {
      parse_c_threads();
    } else {
      parse_asm_threads();
    }
    if (test_.locations.size() > kMaxLocations)
      check_location_count(test_.locations.size(), test_.locations[kMaxLocations].pos);
    apply_register_inits();
    parse_tail();
    return std::move(test_);
  }

 private:
  struct RegisterInit {
    int thread = 0;
    Pos thread_pos;
    std::string reg;
    Pos reg_pos;
    Value value = 0;
  };

  void parse_header() {
    lexer_.skip_trivia();
    Token arch = lexer_.next();
    if (arch.kind != TokenKind::Ident) lexer_.fail_unexpected(arch, "expected an architecture");
    if (arch.text == "C") {
      test_.arch = Arch::C;
    } else if (arch.text == "X86") {
      test_.arch = Arch::X86;
    } else if (arch.text == "X86_64") {
      test_.arch = Arch::X86_64;
    } else if (arch.text == "AArch64") {
      test_.arch = Arch::AArch64;
    } else {
      lexer_.fail(arch.pos, "unsupported architecture '" + std::string(arch.text) + "'");
    }
    lexer_.skip_trivia(/*stop_at_newline=*/true);
    Pos name_pos = lexer_.pos();
    std::string_view name = lexer_.take_word();
    if (name.empty()) {
      lexer_.skip_trivia();
      if (lexer_.at_eof()) lexer_.fail(lexer_.pos(), "unexpected end of file");
      lexer_.fail(name_pos, "expected a test name after the architecture");
    }
    test_.name = std::string(name);
    LexerOptions options;
    options.c_comments = test_.arch == Arch::C;
    options.percent_registers = test_.arch == Arch::X86_64;
    lexer_.set_options(options);
  }

  // The doc string and herd's `Key=value` metadata lines (Hash=, Cycle=, ...).
  void skip_preamble() {
    while (true) {
      const Token& token = lexer_.peek();
      if (token.is("{")) return;
      if (token.kind == TokenKind::String) {
        lexer_.next();
        continue;
      }
      if (token.kind == TokenKind::Ident) {
        Token key = lexer_.next();
        if (lexer_.peek().is("=")) {
          lexer_.take_rest_of_line();
          continue;
        }
        lexer_.fail(key.pos, "expected '{' to start the init block");
      }
      lexer_.fail_unexpected(token, "expected '{' to start the init block");
    }
  }

  void parse_init_block() {
    lexer_.expect("{", "expected '{' to start the init block");
    while (!lexer_.accept("}")) {
      parse_init_entry();
      if (lexer_.accept(";")) continue;
      if (!lexer_.peek().is("}")) lexer_.fail_unexpected(lexer_.peek(), "expected ';' after init entry");
    }
  }

  void parse_init_entry() {
    if (lexer_.peek().kind == TokenKind::Number) {
      parse_register_init();
      return;
    }
    std::string type;
    Token name;
    if (lexer_.accept("[")) {
      name = expect_ident("expected a location name");
      lexer_.expect("]", "expected ']' after the location name");
    } else {
      std::vector<Token> words;
      while (lexer_.peek().kind == TokenKind::Ident || lexer_.peek().is("*")) words.push_back(lexer_.next());
      if (!words.empty() && lexer_.peek().kind == TokenKind::Number) {
        // `int 0:r0 = 1`: a typed register initialisation; the type adds nothing.
        parse_register_init();
        return;
      }
      if (words.empty() || words.back().kind != TokenKind::Ident)
        lexer_.fail_unexpected(lexer_.peek(), "expected an init entry");
      name = words.back();
      words.pop_back();
      for (const Token& word : words) append_type_part(type, word.text);
    }
    const std::string location_name(name.text);
    if (!initialised_.insert(location_name).second)
      lexer_.fail(name.pos, "duplicate initialisation of '" + location_name + "'");
    const int location = intern_location(name);
    Value value = 0;
    if (lexer_.accept("=")) value = parse_init_value();
    test_.locations[location].init = value;
    test_.locations[location].type = type;
    test_.locations[location].pos = name.pos;
  }

  void parse_register_init() {
    RegisterInit init;
    Token thread = lexer_.next();
    init.thread_pos = thread.pos;
    init.thread = thread_number(thread);
    lexer_.expect(":", "expected ':' after the thread number");
    Token reg = expect_ident("expected a register name");
    init.reg = std::string(reg.text);
    init.reg_pos = reg.pos;
    lexer_.expect("=", "expected '=' after the register");
    init.value = parse_init_value();
    register_inits_.push_back(std::move(init));
  }

  // An integer, or a location name (or `&name`) standing for its address;
  // a name seen first here becomes a location.
  Value parse_init_value() {
    lexer_.accept("&");
    const Token& token = lexer_.peek();
    if (token.kind == TokenKind::Ident) {
      Token name = lexer_.next();
      return address_of(intern_location(name));
    }
    return parse_signed_integer("expected a value");
  }

  int intern_location(const Token& name) {
    const std::string key(name.text);
    const int found = test_.find_location(key);
    if (found >= 0) return found;
    check_location_count(test_.locations.size() + 1, name.pos);
    return test_.intern_location(key, name.pos);
  }

  void check_location_count(std::size_t count, Pos pos) {
    if (count > kMaxLocations)
      lexer_.fail(pos, "too many locations (more than " + std::to_string(kMaxLocations) + ")");
  }

  Value parse_signed_integer(const std::string& message) {
    const bool negative = lexer_.accept("-");
    const Token& token = lexer_.peek();
    if (token.kind != TokenKind::Number) lexer_.fail_unexpected(token, message);
    Token number = lexer_.next();
    Value value = parse_integer(lexer_, number, /*c_syntax=*/false);
    if (!negative) return value;
    // Hex literals cover all 64 bits; their negation wraps like the hardware's.
    return static_cast<Value>(0 - static_cast<std::uint64_t>(value));
  }

  int thread_number(const Token& token) {
    Value value = parse_integer(lexer_, token, /*c_syntax=*/false);
    if (value > kMaxThreads) lexer_.fail(token.pos, "unknown thread " + std::string(token.text));
    return static_cast<int>(value);
  }

  Token expect_ident(const std::string& message) {
    const Token& token = lexer_.peek();
    if (token.kind != TokenKind::Ident) lexer_.fail_unexpected(token, message);
    return lexer_.next();
  }

  void check_next_thread(const Token& token) {
    const int index = thread_index_of(token);
    const int expected = static_cast<int>(test_.threads.size());
    if (index == expected && expected >= kMaxThreads)
      lexer_.fail(token.pos, "too many threads (" + std::to_string(expected + 1) + " > " +
                                 std::to_string(kMaxThreads) + ")");
    if (index != expected) lexer_.fail_unexpected(token, "expected 'P" + std::to_string(expected) + "'");
  }

  void parse_c_threads() {
    while (true) {
      const Token& token = lexer_.peek();
      if (!test_.threads.empty() && thread_index_of(token) < 0) return;
      check_next_thread(token);
      Token header = lexer_.next();
      const int id = static_cast<int>(test_.threads.size());
      std::vector<CParam> params = parse_c_params();
      lexer_.skip_trivia();
      if (lexer_.current_char() != '{')
        lexer_.fail_unexpected(lexer_.peek(), "expected '{' to start the thread body");
      Pos body_pos;
      std::string body(lexer_.take_braced_body(body_pos));
      Thread thread = parse_c_thread(id, params, body, body_pos, test_);
      thread.id = id;
      thread.pos = header.pos;
      test_.threads.push_back(std::move(thread));
    }
  }

  std::vector<CParam> parse_c_params() {
    lexer_.expect("(", "expected '(' after the thread name");
    std::vector<CParam> params;
    if (lexer_.accept(")")) return params;
    while (true) {
      std::vector<Token> words;
      while (lexer_.peek().kind == TokenKind::Ident || lexer_.peek().is("*")) words.push_back(lexer_.next());
      if (words.empty() || words.back().kind != TokenKind::Ident)
        lexer_.fail_unexpected(lexer_.peek(), "expected a parameter");
      if (words.size() < 2)
        lexer_.fail(words.back().pos,
                    "expected a type before parameter '" + std::string(words.back().text) + "'");
      CParam param;
      param.name = std::string(words.back().text);
      param.pos = words.back().pos;
      words.pop_back();
      for (const Token& word : words) append_type_part(param.type, word.text);
      params.push_back(std::move(param));
      if (lexer_.accept(")")) return params;
      lexer_.expect(",", "expected ',' or ')' after a parameter");
    }
  }

  void parse_asm_threads() {
    std::vector<Pos> header_pos;
    while (true) {
      check_next_thread_header(header_pos.size());
      header_pos.push_back(lexer_.next().pos);
      if (lexer_.accept(";")) break;
      lexer_.expect("|", "expected '|' or ';' after a thread name");
    }
    const std::size_t thread_count = header_pos.size();
    std::vector<std::vector<AsmLine>> columns(thread_count);
    while (true) {
      lexer_.skip_trivia();
      const Token& start = lexer_.peek();
      if (start.kind == TokenKind::End) lexer_.fail(start.pos, "unexpected end of file");
      if (is_condition_keyword(start)) break;
      std::size_t column = 0;
      while (true) {
        AsmLine line;
        line.text = lexer_.take_cell(line.pos, line.char_pos);
        if (!line.text.empty()) columns[column].push_back(std::move(line));
        if (lexer_.at_eof()) lexer_.fail(lexer_.pos(), "unexpected end of file");
        const Pos separator_pos = lexer_.pos();
        const char separator = lexer_.current_char();
        lexer_.skip_char();
        if (separator == ';') break;
        if (++column >= thread_count)
          lexer_.fail(separator_pos,
                      "more cells than threads (" + std::to_string(thread_count) + ") in a row");
      }
    }
    for (std::size_t id = 0; id < thread_count; ++id) {
      Thread thread = parse_asm_thread(test_.arch, static_cast<int>(id), columns[id], test_);
      thread.id = static_cast<int>(id);
      thread.pos = header_pos[id];
      test_.threads.push_back(std::move(thread));
    }
  }

  void check_next_thread_header(std::size_t expected) {
    const Token& token = lexer_.peek();
    const int index = thread_index_of(token);
    if (index == static_cast<int>(expected) && expected >= static_cast<std::size_t>(kMaxThreads))
      lexer_.fail(token.pos, "too many threads (" + std::to_string(expected + 1) + " > " +
                                 std::to_string(kMaxThreads) + ")");
    if (index != static_cast<int>(expected))
      lexer_.fail_unexpected(token, "expected 'P" + std::to_string(expected) + "'");
  }

  void apply_register_inits() {
    for (const RegisterInit& init : register_inits_) {
      Thread& thread = thread_at(init.thread, init.thread_pos);
      const int reg = resolve_register(thread, init.reg, init.reg_pos, true);
      thread.register_init[static_cast<std::size_t>(reg)] = init.value;
    }
  }

  Thread& thread_at(int index, Pos pos) {
    if (index < 0 || index >= static_cast<int>(test_.threads.size()))
      lexer_.fail(pos, "unknown thread " + std::to_string(index));
    return test_.threads[static_cast<std::size_t>(index)];
  }

  // A register named in the init block or the condition: a C local that the
  // body declares, or a register of the asm architecture. The init block may
  // introduce an asm register; a condition may only name one the thread's
  // code or the init block mentions, since any other would silently read 0.
  int resolve_register(Thread& thread, const std::string& name, Pos pos, bool may_introduce) {
    if (test_.arch == Arch::C) {
      const int reg = thread.find_register(name);
      if (reg < 0) lexer_.fail(pos, "undefined register '" + name + "'");
      return reg;
    }
    const std::string canonical = canonical_register(test_.arch, name);
    if (canonical.empty()) lexer_.fail(pos, "unknown register '" + name + "'");
    if (!may_introduce && thread.find_register(canonical) < 0)
      lexer_.fail(pos, "undefined register '" + name + "' (P" + std::to_string(thread.id) +
                           " neither uses it nor sets it in the init block)");
    return thread.intern_register(canonical);
  }

  void parse_tail() {
    bool seen_locations = false;
    bool seen_filter = false;
    while (true) {
      const Token& token = lexer_.peek();
      if (token.is("locations") && !seen_locations) {
        lexer_.next();
        parse_locations();
        seen_locations = true;
      } else if (token.is("filter") && !seen_filter) {
        lexer_.next();
        test_.filter = parse_prop(0);
        seen_filter = true;
      } else {
        break;
      }
    }
    Token quantifier = lexer_.next();
    test_.condition.pos = quantifier.pos;
    if (quantifier.is("exists")) {
      test_.condition.quantifier = Quantifier::Exists;
    } else if (quantifier.is("forall")) {
      test_.condition.quantifier = Quantifier::Forall;
    } else if (quantifier.is("~")) {
      lexer_.expect("exists", "expected 'exists' after '~'");
      test_.condition.quantifier = Quantifier::NotExists;
    } else {
      lexer_.fail_unexpected(quantifier, "expected 'exists', '~exists' or 'forall'");
    }
    test_.condition.prop = parse_prop(0);
    const Token& trailing = lexer_.peek();
    if (trailing.kind != TokenKind::End)
      lexer_.fail(trailing.pos, "unexpected " + describe(trailing) + " after the condition");
  }

  void parse_locations() {
    lexer_.expect("[", "expected '[' after 'locations'");
    while (!lexer_.accept("]")) {
      test_.observed.push_back(parse_term());
      if (lexer_.accept(";")) continue;
      if (!lexer_.peek().is("]")) lexer_.fail_unexpected(lexer_.peek(), "expected ';' or ']' in locations");
    }
  }

  // `T:reg`, `x` or `[x]`.
  CondTerm parse_term() {
    CondTerm term;
    const Token& start = lexer_.peek();
    term.pos = start.pos;
    if (start.kind == TokenKind::Number) {
      Token thread_token = lexer_.next();
      term.kind = CondTerm::Kind::Register;
      term.thread = thread_number(thread_token);
      Thread& thread = thread_at(term.thread, thread_token.pos);
      lexer_.expect(":", "expected ':' after the thread number");
      Token reg = expect_ident("expected a register name");
      const int index = resolve_register(thread, std::string(reg.text), reg.pos, false);
      term.reg = thread.registers[static_cast<std::size_t>(index)];
      return term;
    }
    term.kind = CondTerm::Kind::Memory;
    const bool bracketed = lexer_.accept("[");
    Token name = expect_ident("expected a register or a location");
    term.location = test_.find_location(std::string(name.text));
    if (term.location < 0) lexer_.fail(name.pos, "unknown location '" + std::string(name.text) + "'");
    if (bracketed) lexer_.expect("]", "expected ']' after the location name");
    return term;
  }

  // An integer or the address of a known location.
  Value parse_cond_value() {
    const Token& token = lexer_.peek();
    if (token.kind == TokenKind::Ident) {
      Token name = lexer_.next();
      const int location = test_.find_location(std::string(name.text));
      if (location < 0) lexer_.fail(name.pos, "unknown location '" + std::string(name.text) + "'");
      return address_of(location);
    }
    return parse_signed_integer("expected a value");
  }

  void check_nesting(int depth, Pos pos) {
    if (depth > kMaxPropNesting) lexer_.fail(pos, "condition nested too deeply");
  }

  // Precedence, loosest first: `=>` (right-associative), `\/`, `/\`, `~`.
  Prop parse_prop(int depth) {
    check_nesting(depth, lexer_.peek().pos);
    Prop lhs = parse_junction(depth, "\\/", Prop::Kind::Or);
    if (!lexer_.peek().is("=>")) return lhs;
    lexer_.next();
    Prop implies;
    implies.kind = Prop::Kind::Implies;
    implies.pos = lhs.pos;
    implies.args.push_back(std::move(lhs));
    implies.args.push_back(parse_prop(depth + 1));
    return implies;
  }

  Prop parse_junction(int depth, std::string_view op, Prop::Kind kind) {
    std::vector<Prop> operands;
    while (true) {
      operands.push_back(kind == Prop::Kind::Or ? parse_junction(depth, "/\\", Prop::Kind::And)
                                                : parse_negation(depth));
      if (!lexer_.accept(op)) break;
    }
    return balanced(kind, operands, 0, operands.size());
  }

  // A long chain `a /\ b /\ ...` becomes a balanced tree, so that its depth
  // (and the stack of anything recursing over it) stays logarithmic.
  static Prop balanced(Prop::Kind kind, std::vector<Prop>& operands, std::size_t begin, std::size_t end) {
    if (end - begin == 1) return std::move(operands[begin]);
    const std::size_t middle = begin + (end - begin) / 2;
    Prop node;
    node.kind = kind;
    node.args.push_back(balanced(kind, operands, begin, middle));
    node.args.push_back(balanced(kind, operands, middle, end));
    node.pos = node.args[0].pos;
    return node;
  }

  Prop parse_negation(int depth) {
    const Token& token = lexer_.peek();
    if (!token.is("~")) return parse_atom(depth);
    Prop negation;
    negation.kind = Prop::Kind::Not;
    negation.pos = lexer_.next().pos;
    check_nesting(depth + 1, negation.pos);
    negation.args.push_back(parse_negation(depth + 1));
    return negation;
  }

  Prop parse_atom(int depth) {
    const Token& token = lexer_.peek();
    Prop atom;
    atom.pos = token.pos;
    if (token.is("(")) {
      lexer_.next();
      Prop inner = parse_prop(depth + 1);
      lexer_.expect(")", "expected ')'");
      return inner;
    }
    if (token.is("true") || token.is("false")) {
      atom.kind = token.is("true") ? Prop::Kind::True : Prop::Kind::False;
      lexer_.next();
      return atom;
    }
    if (token.kind != TokenKind::Number && token.kind != TokenKind::Ident && !token.is("["))
      lexer_.fail_unexpected(token, "expected a condition");
    atom.term = parse_term();
    if (lexer_.accept("=")) {
      atom.kind = Prop::Kind::Eq;
    } else if (lexer_.accept("!=")) {
      atom.kind = Prop::Kind::Ne;
    } else {
      lexer_.fail_unexpected(lexer_.peek(), "expected '=' or '!='");
    }
    atom.value = parse_cond_value();
    return atom;
  }

  Lexer lexer_;
  Test test_;
  std::vector<RegisterInit> register_inits_;
  std::set<std::string> initialised_;
};

}  // namespace

Test parse_litmus(std::string_view text, const std::string& file) {
  if (text.size() > kMaxFileBytes)
    throw ParseError(
        file, Pos{1, 1},
        "file too large (" + std::to_string(text.size()) + " bytes > " + std::to_string(kMaxFileBytes) + ")");
  FrameParser parser(text, file);
  return parser.parse();
}

Test parse_litmus_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw ParseError(path, Pos{0, 0}, "is a directory, not a litmus file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ParseError(path, Pos{0, 0}, std::string("cannot open file: ") + std::strerror(errno));
  std::string text;
  text.resize(kMaxFileBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw ParseError(path, Pos{0, 0}, "cannot read file");
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes)
    throw ParseError(path, Pos{1, 1},
                     "file too large (more than " + std::to_string(kMaxFileBytes) + " bytes)");
  return parse_litmus(text, path);
}

}  // namespace mh::litmus
