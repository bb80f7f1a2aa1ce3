// herd's C litmus subset: straight-line code over locals, C11 atomics,
// plain and READ_ONCE/WRITE_ONCE accesses, fences and if/else.
//
// A memory access nested in a larger expression (`r0 = atomic_load(x) + 1`,
// `if (atomic_compare_exchange_strong(...))`) is hoisted: it loads into a
// hidden register (`#t0`, a name no C identifier can take) and the expression
// reads that register. This keeps every instruction a single access.
#include "litmus/c_dialect.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "litmus/lexer.hpp"
#include "litmus/parse_error.hpp"

namespace mh::litmus {
namespace {

// Bounds on statement and expression recursion and on the depth of a built
// expression tree, so that fuzzed input cannot exhaust the stack here or in
// whatever walks the IR later.
constexpr int kMaxNesting = 64;
constexpr int kMaxExprDepth = 64;
// Far beyond any litmus test; they keep the linear name lookups of the IR
// from turning a hostile file quadratic.
constexpr std::size_t kMaxRegisters = 1024;
constexpr std::size_t kMaxInstructions = 4096;

enum class Family : std::uint8_t { Load, Store, Rmw, Cas, Fence };

struct MemoryFunction {
  std::string_view name;
  Family family;
  bool explicit_order;  // the `_explicit` form: orders are arguments
  RmwOp rmw = RmwOp::Exchange;
};

constexpr std::array<MemoryFunction, 21> kMemoryFunctions = {{
    {"atomic_load_explicit", Family::Load, true},
    {"atomic_load", Family::Load, false},
    {"atomic_store_explicit", Family::Store, true},
    {"atomic_store", Family::Store, false},
    {"atomic_exchange_explicit", Family::Rmw, true, RmwOp::Exchange},
    {"atomic_exchange", Family::Rmw, false, RmwOp::Exchange},
    {"atomic_fetch_add_explicit", Family::Rmw, true, RmwOp::Add},
    {"atomic_fetch_add", Family::Rmw, false, RmwOp::Add},
    {"atomic_fetch_sub_explicit", Family::Rmw, true, RmwOp::Sub},
    {"atomic_fetch_sub", Family::Rmw, false, RmwOp::Sub},
    {"atomic_fetch_and_explicit", Family::Rmw, true, RmwOp::And},
    {"atomic_fetch_and", Family::Rmw, false, RmwOp::And},
    {"atomic_fetch_or_explicit", Family::Rmw, true, RmwOp::Or},
    {"atomic_fetch_or", Family::Rmw, false, RmwOp::Or},
    {"atomic_fetch_xor_explicit", Family::Rmw, true, RmwOp::Xor},
    {"atomic_fetch_xor", Family::Rmw, false, RmwOp::Xor},
    {"atomic_compare_exchange_strong_explicit", Family::Cas, true},
    {"atomic_compare_exchange_strong", Family::Cas, false},
    {"atomic_compare_exchange_weak_explicit", Family::Cas, true},
    {"atomic_compare_exchange_weak", Family::Cas, false},
    {"atomic_thread_fence", Family::Fence, true},
}};

const MemoryFunction* find_memory_function(std::string_view name) {
  for (const MemoryFunction& function : kMemoryFunctions)
    if (function.name == name) return &function;
  return nullptr;
}

bool is_type_word(std::string_view word) {
  static constexpr std::array<std::string_view, 21> kWords = {
      "int",       "long",    "unsigned", "signed",  "short",    "char",    "intptr_t",
      "uintptr_t", "int64_t", "uint64_t", "int32_t", "uint32_t", "int16_t", "uint16_t",
      "int8_t",    "uint8_t", "size_t",   "bool",    "_Bool",    "const",   "volatile"};
  return std::find(kWords.begin(), kWords.end(), word) != kWords.end();
}

bool is_atomic_type(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kWords = {
      "_Atomic",       "atomic_int",  "atomic_uint", "atomic_long",     "atomic_ulong",     "atomic_llong",
      "atomic_ullong", "atomic_bool", "atomic_char", "atomic_intptr_t", "atomic_uintptr_t", "atomic_size_t"};
  return std::find(kWords.begin(), kWords.end(), word) != kWords.end();
}

bool is_unsupported_keyword(std::string_view word) {
  static constexpr std::array<std::string_view, 11> kWords = {
      "while", "for", "do", "switch", "goto", "return", "break", "continue", "case", "default", "asm"};
  return std::find(kWords.begin(), kWords.end(), word) != kWords.end();
}

// Binding strength of a binary operator; 0 for anything else.
int binary_precedence(std::string_view op, BinaryOp& binary) {
  struct Entry {
    std::string_view text;
    BinaryOp op;
    int precedence;
  };
  static constexpr std::array<Entry, 16> kOperators = {{
      {"||", BinaryOp::LogicalOr, 1},
      {"&&", BinaryOp::LogicalAnd, 2},
      {"|", BinaryOp::Or, 3},
      {"^", BinaryOp::Xor, 4},
      {"&", BinaryOp::And, 5},
      {"==", BinaryOp::Eq, 6},
      {"!=", BinaryOp::Ne, 6},
      {"<", BinaryOp::Lt, 7},
      {"<=", BinaryOp::Le, 7},
      {">", BinaryOp::Gt, 7},
      {">=", BinaryOp::Ge, 7},
      {"<<", BinaryOp::Shl, 8},
      {">>", BinaryOp::Shr, 8},
      {"+", BinaryOp::Add, 9},
      {"-", BinaryOp::Sub, 9},
      {"*", BinaryOp::Mul, 10},
  }};
  for (const Entry& entry : kOperators) {
    if (entry.text == op) {
      binary = entry.op;
      return entry.precedence;
    }
  }
  return 0;
}

bool is_comparison(BinaryOp op) {
  return op == BinaryOp::Eq || op == BinaryOp::Ne || op == BinaryOp::Lt || op == BinaryOp::Le ||
         op == BinaryOp::Gt || op == BinaryOp::Ge;
}

// `!e` for a branch condition, folding the negation into comparisons.
Expr negate(Expr condition) {
  if (condition.kind == Expr::Kind::Unary && condition.unary == UnaryOp::LogicalNot)
    return std::move(condition.args[0]);
  if (condition.kind == Expr::Kind::Binary && is_comparison(condition.binary)) {
    switch (condition.binary) {
      case BinaryOp::Eq:
        condition.binary = BinaryOp::Ne;
        break;
      case BinaryOp::Ne:
        condition.binary = BinaryOp::Eq;
        break;
      case BinaryOp::Lt:
        condition.binary = BinaryOp::Ge;
        break;
      case BinaryOp::Ge:
        condition.binary = BinaryOp::Lt;
        break;
      case BinaryOp::Gt:
        condition.binary = BinaryOp::Le;
        break;
      case BinaryOp::Le:
        condition.binary = BinaryOp::Gt;
        break;
      default:
        break;
    }
    return condition;
  }
  return Expr::make_unary(UnaryOp::LogicalNot, std::move(condition));
}

struct Operand {
  Expr expr;
  int depth = 1;            // height of expr's tree
  bool is_address = false;  // the address of a shared location: no arithmetic on it
};

// Where a memory operation's result goes.
constexpr int kDiscard = -1;  // a statement: RMW and CAS results are dropped
constexpr int kFresh = -2;    // inside an expression: a new hidden register

class CThreadParser {
 public:
  CThreadParser(int thread_id, const std::vector<CParam>& params, const std::string& body, Pos body_pos,
                Test& test)
      : lexer_(body, body_pos, test.file, LexerOptions{/*c_comments=*/true, false, /*end_is_eof=*/false}),
        test_(test),
        params_(params) {
    thread_.id = thread_id;
  }

  Thread parse() {
    bind_params();
    while (lexer_.peek().kind != TokenKind::End) parse_statement(0);
    return std::move(thread_);
  }

 private:
  enum class NameKind : std::uint8_t { Register, Location, Unknown };
  struct Name {
    NameKind kind = NameKind::Unknown;
    int index = -1;
  };

  void bind_params() {
    for (const CParam& param : params_) {
      if (locations_by_param_.count(param.name))
        throw ParseError(test_.file, param.pos, "duplicate parameter '" + param.name + "'");
      const int location = test_.intern_location(param.name, param.pos);
      if (test_.locations[location].type.empty()) test_.locations[location].type = param.type;
      locations_by_param_[param.name] = location;
    }
  }

  // Locals shadow shared locations; parameters and init-block names are both shared.
  Name resolve(std::string_view name) const {
    const std::string key(name);
    if (int reg = thread_.find_register(key); reg >= 0) return {NameKind::Register, reg};
    if (auto param = locations_by_param_.find(key); param != locations_by_param_.end())
      return {NameKind::Location, param->second};
    if (int location = test_.find_location(key); location >= 0) return {NameKind::Location, location};
    return {};
  }

  void check_nesting(int nesting, Pos pos) const {
    if (nesting > kMaxNesting) lexer_.fail(pos, "nested too deeply");
  }

  std::size_t emit(Instr instr) {
    if (thread_.code.size() >= kMaxInstructions)
      lexer_.fail(instr.pos, "too many instructions in one thread");
    thread_.code.push_back(std::move(instr));
    return thread_.code.size() - 1;
  }

  int new_register(const std::string& name, Pos pos) {
    if (thread_.registers.size() >= kMaxRegisters)
      lexer_.fail(pos, "too many registers (more than " + std::to_string(kMaxRegisters) + ")");
    return thread_.intern_register(name);
  }

  int fresh_register(Pos pos) { return new_register("#t" + std::to_string(hidden_count_++), pos); }

  // ---- statements ---------------------------------------------------------

  void parse_statement(int depth) {
    const Token token = lexer_.peek();
    check_nesting(depth, token.pos);
    if (token.is("{")) {
      lexer_.next();
      while (!lexer_.accept("}")) {
        if (lexer_.peek().kind == TokenKind::End) lexer_.fail(lexer_.peek().pos, "expected '}'");
        parse_statement(depth + 1);
      }
      return;
    }
    if (token.is(";")) {
      lexer_.next();
      return;
    }
    if (token.is("*")) {
      parse_plain_store();
      return;
    }
    if (token.kind != TokenKind::Ident) lexer_.fail(token.pos, "unsupported statement " + describe(token));
    if (token.is("if")) {
      parse_if(depth);
      return;
    }
    if (is_unsupported_keyword(token.text))
      lexer_.fail(token.pos, "unsupported statement '" + std::string(token.text) + "'");
    if (is_atomic_type(token.text))
      lexer_.fail(token.pos, "unsupported local variable of type '" + std::string(token.text) + "'");
    if (is_type_word(token.text)) {
      parse_declaration();
      return;
    }
    if (token.is("WRITE_ONCE")) {
      parse_write_once();
      lexer_.expect(";", "expected ';' after statement");
      return;
    }
    if (token.is("READ_ONCE")) {
      parse_read_once(kDiscard);
      lexer_.expect(";", "expected ';' after statement");
      return;
    }
    if (const MemoryFunction* function = find_memory_function(token.text)) {
      parse_memory_call(lexer_.next(), *function, 0, kDiscard);
      lexer_.expect(";", "expected ';' after statement");
      return;
    }
    parse_assignment();
  }

  void parse_assignment() {
    const Token name = lexer_.next();
    const Name resolved = resolve(name.text);
    const Token& after = lexer_.peek();
    if (resolved.kind == NameKind::Unknown) {
      if (after.is("(")) lexer_.fail(name.pos, "unsupported function '" + std::string(name.text) + "'");
      lexer_.fail(name.pos, "undeclared identifier '" + std::string(name.text) + "'");
    }
    if (resolved.kind == NameKind::Location)
      lexer_.fail(name.pos, "unsupported assignment to shared location '" + std::string(name.text) +
                                "' (write '*" + std::string(name.text) + " = ...')");
    if (after.kind == TokenKind::Punct && !after.is("=") && after.text.size() == 2 &&
        (after.text[1] == '=' || after.text == "++" || after.text == "--"))
      lexer_.fail(after.pos, "unsupported operator '" + std::string(after.text) + "'");
    lexer_.expect("=", "expected '=' after '" + std::string(name.text) + "'");
    assign(resolved.index, name.pos);
    lexer_.expect(";", "expected ';' after statement");
  }

  void parse_declaration() {
    while (lexer_.peek().kind == TokenKind::Ident && is_type_word(lexer_.peek().text)) lexer_.next();
    while (true) {
      while (lexer_.accept("*")) {
      }
      const Token& token = lexer_.peek();
      if (token.kind != TokenKind::Ident) lexer_.fail_unexpected(token, "expected a variable name");
      const Token name = lexer_.next();
      const std::string key(name.text);
      if (thread_.find_register(key) >= 0 || locations_by_param_.count(key))
        lexer_.fail(name.pos, "redeclaration of '" + key + "'");
      if (find_memory_function(key) || is_unsupported_keyword(key) || key == "if" || key == "else" ||
          key == "READ_ONCE" || key == "WRITE_ONCE")
        lexer_.fail(name.pos, "'" + key + "' cannot name a variable");
      const int reg = new_register(key, name.pos);
      if (lexer_.peek().is("[")) lexer_.fail(lexer_.peek().pos, "unsupported array declaration");
      if (lexer_.accept("=")) assign(reg, name.pos);
      if (lexer_.accept(",")) continue;
      lexer_.expect(";", "expected ';' after declaration");
      return;
    }
  }

  // `dst = EXPR`. When EXPR is a single memory access, the access writes
  // `dst` directly instead of going through a hidden register.
  void assign(int dst, Pos pos) {
    Operand value = parse_expr(0, {});
    const int last_register = static_cast<int>(thread_.registers.size()) - 1;
    if (value.expr.kind == Expr::Kind::Reg && value.expr.reg == last_register &&
        thread_.registers[static_cast<std::size_t>(last_register)].starts_with("#t") &&
        !thread_.code.empty() && thread_.code.back().dst == last_register) {
      thread_.code.back().dst = dst;
      thread_.registers.pop_back();
      thread_.register_init.pop_back();
      --hidden_count_;
      return;
    }
    Instr instr;
    instr.kind = InstrKind::Assign;
    instr.pos = pos;
    instr.dst = dst;
    instr.value = std::move(value.expr);
    emit(std::move(instr));
  }

  void parse_plain_store() {
    const Token star = lexer_.next();
    Instr store;
    store.kind = InstrKind::Store;
    store.pos = star.pos;
    store.order = MemOrder::NonAtomic;
    store.addr = parse_dereferenced_address();
    const Token& op = lexer_.peek();
    if (op.kind == TokenKind::Punct && op.text.size() == 2 &&
        (op.text[1] == '=' || op.text == "++" || op.text == "--") && !op.is("=="))
      lexer_.fail(op.pos, "unsupported operator '" + std::string(op.text) + "'");
    lexer_.expect("=", "expected '=' after the dereference");
    store.value = parse_value(0);
    lexer_.expect(";", "expected ';' after statement");
    emit(std::move(store));
  }

  void parse_if(int depth) {
    const Token keyword = lexer_.next();
    lexer_.expect("(", "expected '(' after 'if'");
    Operand condition = parse_expr(0, {});
    lexer_.expect(")", "expected ')' after the condition");
    Instr branch;
    branch.kind = InstrKind::BranchIf;
    branch.pos = keyword.pos;
    branch.value = negate(std::move(condition.expr));
    const std::size_t branch_index = emit(std::move(branch));
    parse_statement(depth + 1);
    if (lexer_.peek().is("else")) {
      Instr jump;
      jump.kind = InstrKind::Jump;
      jump.pos = lexer_.next().pos;
      const std::size_t jump_index = emit(std::move(jump));
      thread_.code[branch_index].target = static_cast<int>(thread_.code.size());
      parse_statement(depth + 1);
      thread_.code[jump_index].target = static_cast<int>(thread_.code.size());
    } else {
      thread_.code[branch_index].target = static_cast<int>(thread_.code.size());
    }
  }

  // ---- memory accesses ----------------------------------------------------

  // A shared location given as an address: `x` (a parameter or an init-block
  // name), `&x`, or a local that holds a pointer.
  Expr parse_address() {
    const bool address_of_name = lexer_.accept("&");
    const Token& token = lexer_.peek();
    if (token.kind != TokenKind::Ident) lexer_.fail_unexpected(token, "expected a shared location");
    const Token name = lexer_.next();
    const Name resolved = resolve(name.text);
    Expr address;
    if (resolved.kind == NameKind::Unknown) {
      lexer_.fail(name.pos, "unknown location '" + std::string(name.text) + "'");
    } else if (resolved.kind == NameKind::Register) {
      if (address_of_name)
        lexer_.fail(name.pos, "unsupported address of local '" + std::string(name.text) + "'");
      address = Expr::make_reg(resolved.index);
    } else {
      address = Expr::make_const(address_of(resolved.index));
    }
    const Token& after = lexer_.peek();
    if (after.is("+") || after.is("-") || after.is("[") || after.is("++") || after.is("--"))
      lexer_.fail(after.pos, "unsupported pointer arithmetic");
    return address;
  }

  // The operand of a `*`: a name, never an arbitrary expression.
  Expr parse_dereferenced_address() {
    const Token& token = lexer_.peek();
    if (token.is("(") || token.is("*")) lexer_.fail(token.pos, "unsupported dereference of an expression");
    if (token.is("&")) lexer_.fail(token.pos, "unsupported dereference of an address-of");
    return parse_address();
  }

  MemOrder parse_order(Family family, bool cas_failure) {
    const Token& token = lexer_.peek();
    if (token.kind != TokenKind::Ident) lexer_.fail_unexpected(token, "expected a memory order");
    const Token name = lexer_.next();
    MemOrder order = MemOrder::SeqCst;
    if (name.is("memory_order_relaxed")) {
      order = MemOrder::Relaxed;
    } else if (name.is("memory_order_consume") || name.is("memory_order_acquire")) {
      order = MemOrder::Acquire;
    } else if (name.is("memory_order_release")) {
      order = MemOrder::Release;
    } else if (name.is("memory_order_acq_rel")) {
      order = MemOrder::AcqRel;
    } else if (name.is("memory_order_seq_cst")) {
      order = MemOrder::SeqCst;
    } else {
      lexer_.fail(name.pos, "unknown memory order '" + std::string(name.text) + "'");
    }
    const bool releases = order == MemOrder::Release || order == MemOrder::AcqRel;
    const bool acquires = order == MemOrder::Acquire || order == MemOrder::AcqRel;
    if ((family == Family::Load || cas_failure) && releases)
      lexer_.fail(name.pos, "invalid memory order '" + std::string(name.text) + "' for " +
                                (cas_failure ? "a failed compare-exchange" : "a load"));
    if (family == Family::Store && acquires)
      lexer_.fail(name.pos, "invalid memory order '" + std::string(name.text) + "' for a store");
    return order;
  }

  Expr parse_value(int nesting) { return parse_expr(nesting + 1, {}).expr; }

  // Returns the register that receives the result, or -1.
  int parse_memory_call(const Token& name, const MemoryFunction& function, int nesting, int destination) {
    lexer_.expect("(", "expected '(' after '" + std::string(name.text) + "'");
    Instr instr;
    instr.pos = name.pos;
    auto comma = [&] { lexer_.expect(",", "expected ',' between arguments"); };
    switch (function.family) {
      case Family::Load:
        instr.kind = InstrKind::Load;
        instr.addr = parse_address();
        instr.order = MemOrder::SeqCst;
        if (function.explicit_order) {
          comma();
          instr.order = parse_order(Family::Load, false);
        }
        break;
      case Family::Store:
        instr.kind = InstrKind::Store;
        instr.addr = parse_address();
        comma();
        instr.value = parse_value(nesting);
        instr.order = MemOrder::SeqCst;
        if (function.explicit_order) {
          comma();
          instr.order = parse_order(Family::Store, false);
        }
        break;
      case Family::Rmw:
        instr.kind = InstrKind::Rmw;
        instr.rmw_op = function.rmw;
        instr.addr = parse_address();
        comma();
        instr.value = parse_value(nesting);
        instr.order = MemOrder::SeqCst;
        if (function.explicit_order) {
          comma();
          instr.order = parse_order(Family::Rmw, false);
        }
        break;
      case Family::Cas: {
        instr.kind = InstrKind::Cas;
        // C11 7.17.7.4: a weak compare-and-exchange may fail spuriously.
        instr.weak = function.name.find("_weak") != std::string_view::npos;
        instr.addr = parse_address();
        comma();
        lexer_.expect("&", "expected '&' and a local holding the expected value");
        const Token& expected = lexer_.peek();
        if (expected.kind != TokenKind::Ident) lexer_.fail_unexpected(expected, "expected a local");
        const Name resolved = resolve(expected.text);
        if (resolved.kind != NameKind::Register)
          lexer_.fail(expected.pos,
                      "the expected value must be a local, not '" + std::string(expected.text) + "'");
        lexer_.next();
        instr.expected = resolved.index;
        comma();
        instr.value = parse_value(nesting);
        instr.order = MemOrder::SeqCst;
        instr.fail_order = MemOrder::SeqCst;
        if (function.explicit_order) {
          comma();
          instr.order = parse_order(Family::Cas, false);
          comma();
          instr.fail_order = parse_order(Family::Cas, true);
        }
        break;
      }
      case Family::Fence:
        instr.kind = InstrKind::Fence;
        instr.fence = FenceKind::C;
        instr.order = parse_order(Family::Fence, false);
        break;
    }
    lexer_.expect(")", "expected ')' after the arguments");
    return finish_access(std::move(instr), destination);
  }

  int finish_access(Instr instr, int destination) {
    const bool has_result =
        instr.kind == InstrKind::Load || instr.kind == InstrKind::Rmw || instr.kind == InstrKind::Cas;
    if (has_result) {
      if (destination == kFresh || (destination == kDiscard && instr.kind == InstrKind::Load)) {
        instr.dst = fresh_register(instr.pos);
      } else {
        instr.dst = destination;
      }
    }
    const int dst = instr.dst;
    emit(std::move(instr));
    return dst;
  }

  // READ_ONCE(*x): a relaxed load (LKMM's marked access).
  int parse_read_once(int destination) {
    Instr load;
    load.kind = InstrKind::Load;
    load.pos = lexer_.next().pos;
    load.order = MemOrder::Relaxed;
    lexer_.expect("(", "expected '(' after 'READ_ONCE'");
    lexer_.expect("*", "expected '*' and a location in READ_ONCE");
    load.addr = parse_dereferenced_address();
    lexer_.expect(")", "expected ')' after the arguments");
    return finish_access(std::move(load), destination);
  }

  void parse_write_once() {
    Instr store;
    store.kind = InstrKind::Store;
    store.pos = lexer_.next().pos;
    store.order = MemOrder::Relaxed;
    lexer_.expect("(", "expected '(' after 'WRITE_ONCE'");
    lexer_.expect("*", "expected '*' and a location in WRITE_ONCE");
    store.addr = parse_dereferenced_address();
    lexer_.expect(",", "expected ',' between arguments");
    store.value = parse_value(0);
    lexer_.expect(")", "expected ')' after the arguments");
    emit(std::move(store));
  }

  // ---- expressions --------------------------------------------------------

  // `short_circuit` names the `&&`/`||` whose right operand this is, if any:
  // a memory access there would be hoisted out of the short circuit and run
  // unconditionally, so it is rejected.
  Operand parse_expr(int nesting, std::string_view short_circuit) {
    return parse_binary(1, nesting, short_circuit);
  }

  Operand parse_binary(int min_precedence, int nesting, std::string_view short_circuit) {
    check_nesting(nesting, lexer_.peek().pos);
    Operand lhs = parse_unary(nesting, short_circuit);
    while (true) {
      const Token& op_token = lexer_.peek();
      if (op_token.kind != TokenKind::Punct) break;
      if (op_token.is("/") || op_token.is("%") || op_token.is("?"))
        lexer_.fail(op_token.pos, "unsupported operator '" + std::string(op_token.text) + "'");
      BinaryOp op = BinaryOp::Add;
      const int precedence = binary_precedence(op_token.text, op);
      if (precedence == 0 || precedence < min_precedence) break;
      const Token op_at = lexer_.next();
      std::string_view rhs_short_circuit = short_circuit;
      if (rhs_short_circuit.empty() && (op == BinaryOp::LogicalAnd || op == BinaryOp::LogicalOr))
        rhs_short_circuit = op_at.text;
      Operand rhs = parse_binary(precedence + 1, nesting + 1, rhs_short_circuit);
      if (!is_comparison(op) && (lhs.is_address || rhs.is_address))
        lexer_.fail(op_at.pos, "unsupported pointer arithmetic");
      Operand combined;
      combined.depth = std::max(lhs.depth, rhs.depth) + 1;
      if (combined.depth > kMaxExprDepth) lexer_.fail(op_at.pos, "expression nested too deeply");
      combined.expr = Expr::make_binary(op, std::move(lhs.expr), std::move(rhs.expr));
      lhs = std::move(combined);
    }
    return lhs;
  }

  void check_effects_allowed(const Token& token, std::string_view short_circuit) const {
    if (!short_circuit.empty())
      lexer_.fail(token.pos,
                  "unsupported memory access in the right operand of '" + std::string(short_circuit) + "'");
  }

  Operand parse_unary(int nesting, std::string_view short_circuit) {
    check_nesting(nesting, lexer_.peek().pos);
    const Token token = lexer_.peek();
    UnaryOp op = UnaryOp::Neg;
    if (token.is("-") || token.is("~") || token.is("!")) {
      op = token.is("-") ? UnaryOp::Neg : token.is("~") ? UnaryOp::BitNot : UnaryOp::LogicalNot;
      lexer_.next();
      Operand operand = parse_unary(nesting + 1, short_circuit);
      if (operand.is_address) lexer_.fail(token.pos, "unsupported pointer arithmetic");
      if (op == UnaryOp::Neg && operand.expr.kind == Expr::Kind::Const) {
        operand.expr.constant = static_cast<Value>(0 - static_cast<std::uint64_t>(operand.expr.constant));
        return operand;
      }
      operand.depth += 1;
      if (operand.depth > kMaxExprDepth) lexer_.fail(token.pos, "expression nested too deeply");
      operand.expr = Expr::make_unary(op, std::move(operand.expr));
      return operand;
    }
    if (token.is("+")) {
      lexer_.next();
      return parse_unary(nesting + 1, short_circuit);
    }
    if (token.is("*")) {
      check_effects_allowed(token, short_circuit);
      lexer_.next();
      Instr load;
      load.kind = InstrKind::Load;
      load.pos = token.pos;
      load.order = MemOrder::NonAtomic;
      load.addr = parse_dereferenced_address();
      return hoisted(finish_access(std::move(load), kFresh));
    }
    if (token.is("&")) {
      Operand address;
      address.expr = parse_address();
      if (address.expr.kind == Expr::Kind::Reg) lexer_.fail(token.pos, "unsupported address of a local");
      address.is_address = true;
      return address;
    }
    if (token.is("++") || token.is("--"))
      lexer_.fail(token.pos, "unsupported operator '" + std::string(token.text) + "'");
    Operand primary = parse_primary(nesting, short_circuit);
    const Token& after = lexer_.peek();
    if (after.is("++") || after.is("--") || after.is("[") || after.is("(") || after.is("->") || after.is("."))
      lexer_.fail(after.pos, "unsupported operator '" + std::string(after.text) + "'");
    return primary;
  }

  static Operand hoisted(int reg) {
    Operand operand;
    operand.expr = Expr::make_reg(reg);
    return operand;
  }

  Operand parse_primary(int nesting, std::string_view short_circuit) {
    const Token& token = lexer_.peek();
    if (token.kind == TokenKind::Number) {
      Operand constant;
      constant.expr = Expr::make_const(parse_integer(lexer_, lexer_.next(), /*c_syntax=*/true));
      return constant;
    }
    if (token.is("(")) {
      lexer_.next();
      const Token& inner_start = lexer_.peek();
      if (inner_start.kind == TokenKind::Ident &&
          (is_type_word(inner_start.text) || is_atomic_type(inner_start.text)))
        lexer_.fail(inner_start.pos, "unsupported cast");
      Operand inner = parse_binary(1, nesting + 1, short_circuit);
      lexer_.expect(")", "expected ')'");
      return inner;
    }
    if (token.kind != TokenKind::Ident) lexer_.fail_unexpected(token, "expected an expression");
    if (token.is("READ_ONCE")) {
      check_effects_allowed(token, short_circuit);
      return hoisted(parse_read_once(kFresh));
    }
    if (token.is("WRITE_ONCE")) lexer_.fail(token.pos, "unsupported 'WRITE_ONCE' inside an expression");
    if (const MemoryFunction* function = find_memory_function(token.text)) {
      if (function->family == Family::Store || function->family == Family::Fence)
        lexer_.fail(token.pos, "unsupported '" + std::string(token.text) + "' inside an expression");
      check_effects_allowed(token, short_circuit);
      return hoisted(parse_memory_call(lexer_.next(), *function, nesting, kFresh));
    }
    const Token name = lexer_.next();
    const Name resolved = resolve(name.text);
    Operand operand;
    switch (resolved.kind) {
      case NameKind::Register:
        operand.expr = Expr::make_reg(resolved.index);
        break;
      case NameKind::Location:
        operand.expr = Expr::make_const(address_of(resolved.index));
        operand.is_address = true;
        break;
      case NameKind::Unknown:
        if (lexer_.peek().is("("))
          lexer_.fail(name.pos, "unsupported function '" + std::string(name.text) + "'");
        lexer_.fail(name.pos, "undeclared identifier '" + std::string(name.text) + "'");
    }
    return operand;
  }

  Lexer lexer_;
  Test& test_;
  const std::vector<CParam>& params_;
  Thread thread_;
  std::map<std::string, int> locations_by_param_;
  int hidden_count_ = 0;
};

}  // namespace

Thread parse_c_thread(int thread_id, const std::vector<CParam>& params, const std::string& body, Pos body_pos,
                      Test& test) {
  CThreadParser parser(thread_id, params, body, body_pos, test);
  return parser.parse();
}

}  // namespace mh::litmus
