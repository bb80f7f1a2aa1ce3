// The litmus frame: header, preamble, init block, thread tables, locations,
// filter and conditions; positioned errors; robustness against truncated and
// corrupted input; and the herd-syntax printer.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "litmus/parser.hpp"
#include "litmus/printer.hpp"
#include "litmus_test_support.hpp"

namespace mh::litmus {
namespace {

using testing_support::error_of;
using testing_support::LitmusTest;
using testing_support::parse;

const std::string kMessagePassing = R"(C MP+rel+acq
"Message passing, release/acquire"
(* a (* nested *) comment *)
{ int x = 0; y = 0; }

P0 (int* x, atomic_int* y) {
  *x = 1; // data
  atomic_store_explicit(y, 1, memory_order_release);
}

P1 (int* x, atomic_int* y) {
  int r0 = atomic_load_explicit(y, memory_order_acquire);
  int r1 = -1;
  if (r0 == 1) r1 = *x;
}

locations [x; 1:r1;]
exists (1:r0=1 /\ 1:r1=0)
)";

const std::string kStoreBufferingX86 = R"(X86 SB
"Fre PodWR Fre PodWR"
Cycle=Fre PodWR Fre PodWR
Relax=
Safe=Fre PodWR
Generator=diy7 (version 7.51+4(dev))
Prefetch=0:x=F,0:y=T,1:y=F,1:x=T
Com=Fr Fr
Orig=PodWR Fre PodWR Fre
{
}
 P0          | P1          ;
 MOV [x],$1  | MOV [y],$1  ;
 MOV EAX,[y] | MOV EAX,[x] ;
exists (0:EAX=0 /\ 1:EAX=0)
)";

const std::string kMessagePassingArm = R"(AArch64 MP+dmb.sy+po
Hash=0123456789abcdef
{
0:X1=x; 0:X3=y;
1:X1=y; 1:X3=x;
}
 P0          | P1          ;
 MOV W0,#1   | LDR W0,[X1] ;
 STR W0,[X1] | LDR W2,[X3] ;
 DMB SY      |             ;
 MOV W2,#1   |             ;
 STR W2,[X3] |             ;
exists (1:X0=1 /\ 1:X2=0)
)";

TEST(LitmusFrame, HeaderPreambleAndComments) {
  const LitmusTest test = parse(kMessagePassing);
  EXPECT_EQ(test.arch, Arch::C);
  EXPECT_EQ(test.name, "MP+rel+acq");
  EXPECT_EQ(test.file, "test.litmus");
  ASSERT_EQ(test.threads.size(), 2U);
  EXPECT_EQ(test.threads[0].pos.line, 6);
  EXPECT_EQ(test.threads[1].pos.line, 11);
  ASSERT_EQ(test.locations.size(), 2U);
  EXPECT_EQ(test.locations[0].type, "int");
  EXPECT_EQ(test.locations[1].type, "atomic_int*");
  ASSERT_EQ(test.observed.size(), 2U);
  EXPECT_EQ(test.observed[0].kind, CondTerm::Kind::Memory);
  EXPECT_EQ(test.observed[0].location, 0);
  EXPECT_EQ(test.observed[1].kind, CondTerm::Kind::Register);
  EXPECT_EQ(test.observed[1].thread, 1);
  EXPECT_EQ(test.observed[1].reg, "r1");
  EXPECT_EQ(test.condition.pos.line, 18);
  EXPECT_EQ(test.condition.pos.col, 1);
}

TEST(LitmusFrame, InitBlockForms) {
  const LitmusTest test = parse(R"(C init
{ [a] = 1; int b = -2; atomic_int c = 0x10; int* d = a; int *e = &b; unsigned int f; g = 0xffffffffffffffff }
P0 (atomic_int* a) { atomic_store(a, 1); }
exists (a=1)
)");
  ASSERT_EQ(test.locations.size(), 7U);
  const std::vector<std::string> names = {"a", "b", "c", "d", "e", "f", "g"};
  const std::vector<std::string> types = {"atomic_int*",  "int", "atomic_int", "int*", "int*",
                                          "unsigned int", ""};
  const std::vector<Value> inits = {1, -2, 16, address_of(0), address_of(1), 0, -1};
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(test.locations[i].name, names[i]);
    EXPECT_EQ(test.locations[i].type, types[i]) << names[i];
    EXPECT_EQ(test.locations[i].init, inits[i]) << names[i];
  }
  EXPECT_EQ(test.locations[2].pos.line, 2);
  EXPECT_EQ(test.locations[2].pos.col, 35);
}

TEST(LitmusFrame, X86TableAndMetadata) {
  const LitmusTest test = parse(kStoreBufferingX86);
  EXPECT_EQ(test.arch, Arch::X86);
  EXPECT_EQ(test.name, "SB");
  ASSERT_EQ(test.threads.size(), 2U);
  for (const Thread& thread : test.threads) {
    ASSERT_EQ(thread.code.size(), 2U);
    EXPECT_EQ(thread.code[0].kind, InstrKind::Store);
    EXPECT_EQ(thread.code[1].kind, InstrKind::Load);
    EXPECT_NE(thread.find_register("EAX"), -1);
  }
  EXPECT_EQ(test.threads[1].pos.line, 12);
  EXPECT_EQ(test.threads[1].pos.col, 16);
  EXPECT_EQ(test.threads[1].code[0].pos.line, 13);
  EXPECT_EQ(test.threads[1].code[0].pos.col, 16);
  EXPECT_NE(test.find_location("x"), -1);
  EXPECT_EQ(test.condition.prop.args.at(1).term.reg, "EAX");
}

TEST(LitmusFrame, AArch64RegisterInitsHoldAddresses) {
  const LitmusTest test = parse(kMessagePassingArm);
  EXPECT_EQ(test.arch, Arch::AArch64);
  ASSERT_EQ(test.threads.size(), 2U);
  EXPECT_EQ(test.threads[0].code.size(), 5U);
  EXPECT_EQ(test.threads[1].code.size(), 2U);
  const Thread& writer = test.threads[0];
  const int x1 = writer.find_register("X1");
  const int x3 = writer.find_register("X3");
  ASSERT_GE(x1, 0);
  ASSERT_GE(x3, 0);
  EXPECT_EQ(writer.register_init[static_cast<std::size_t>(x1)], address_of(test.find_location("x")));
  EXPECT_EQ(writer.register_init[static_cast<std::size_t>(x3)], address_of(test.find_location("y")));
  // W0 in the code and X0 in the condition are one register.
  EXPECT_EQ(test.condition.prop.args.at(0).term.reg, "X0");
}

// A condition on a register the thread never touches would silently read 0:
// it is an error unless the init block sets the register.
TEST(LitmusFrame, AsmRegisterOnlyInTheConditionIsAnError) {
  EXPECT_EQ(error_of(R"(X86 T
{ x = 0; }
 P0         ;
 MOV [x],$1 ;
exists (0:EBX=0)
)"),
            "5:11: undefined register 'EBX' (P0 neither uses it nor sets it in the init block)");
  const LitmusTest test = parse(R"(X86 T
{ x = 0; 0:EBX=3; }
 P0         ;
 MOV [x],$1 ;
exists (0:EBX=3)
)");
  EXPECT_NE(test.threads[0].find_register("EBX"), -1);
}

TEST(LitmusFrame, AsmEmptyCellsAndDoubleBars) {
  const LitmusTest test = parse(R"(X86 T
{ x = 0; }
 P0 | P1 | P2 ;
    ||  MOV [x],$1 ;
 MOV EAX,[x] ;
exists (x=1)
)");
  ASSERT_EQ(test.threads.size(), 3U);
  EXPECT_EQ(test.threads[0].code.size(), 1U);
  EXPECT_EQ(test.threads[1].code.size(), 0U);
  EXPECT_EQ(test.threads[2].code.size(), 1U);
}

TEST(LitmusFrame, QuantifiersAndFilter) {
  const std::string prefix = "C Q\n{}\nP0 (atomic_int* x) { int r0 = atomic_load(x); }\n";
  EXPECT_EQ(parse(prefix + "exists (0:r0=0)").condition.quantifier, Quantifier::Exists);
  EXPECT_EQ(parse(prefix + "~exists (0:r0=0)").condition.quantifier, Quantifier::NotExists);
  EXPECT_EQ(parse(prefix + "~ exists (0:r0=0)").condition.quantifier, Quantifier::NotExists);
  EXPECT_EQ(parse(prefix + "forall (0:r0=0 \\/ 0:r0=1)").condition.quantifier, Quantifier::Forall);
  const LitmusTest filtered = parse(prefix + "filter (x=0)\nexists true");
  ASSERT_TRUE(filtered.filter.has_value());
  EXPECT_EQ(filtered.filter->kind, Prop::Kind::Eq);
  EXPECT_EQ(filtered.filter->term.kind, CondTerm::Kind::Memory);
  EXPECT_EQ(filtered.condition.prop.kind, Prop::Kind::True);
  const LitmusTest both = parse(prefix + "locations [0:r0]\nfilter ~false\nexists ([x]!=1)");
  EXPECT_EQ(both.observed.size(), 1U);
  EXPECT_EQ(both.filter->kind, Prop::Kind::Not);
  EXPECT_EQ(both.condition.prop.kind, Prop::Kind::Ne);
}

TEST(LitmusFrame, ConnectivePrecedence) {
  const std::string prefix = "C P\n{ y = 0; }\nP0 (atomic_int* x) { int r0 = atomic_load(x); }\nexists ";
  // ~ > /\ > \/ > =>
  const Prop mixed = parse(prefix + "0:r0=0 \\/ 0:r0=1 /\\ x=1").condition.prop;
  ASSERT_EQ(mixed.kind, Prop::Kind::Or);
  EXPECT_EQ(mixed.args[0].kind, Prop::Kind::Eq);
  EXPECT_EQ(mixed.args[1].kind, Prop::Kind::And);
  const Prop negated = parse(prefix + "~0:r0=0 /\\ x=1").condition.prop;
  ASSERT_EQ(negated.kind, Prop::Kind::And);
  EXPECT_EQ(negated.args[0].kind, Prop::Kind::Not);
  const Prop implication = parse(prefix + "x=1 => 0:r0=1 => y=0 \\/ y=1").condition.prop;
  ASSERT_EQ(implication.kind, Prop::Kind::Implies);
  EXPECT_EQ(implication.args[0].kind, Prop::Kind::Eq);
  ASSERT_EQ(implication.args[1].kind, Prop::Kind::Implies);
  EXPECT_EQ(implication.args[1].args[1].kind, Prop::Kind::Or);
  const Prop grouped = parse(prefix + "(0:r0=0 \\/ 0:r0=1) /\\ x=1").condition.prop;
  ASSERT_EQ(grouped.kind, Prop::Kind::And);
  EXPECT_EQ(grouped.args[0].kind, Prop::Kind::Or);
  const Prop address = parse(prefix + "0:r0=y").condition.prop;
  EXPECT_EQ(address.value, address_of(parse(prefix + "true").find_location("y")));
  const Prop negative = parse(prefix + "0:r0=-3").condition.prop;
  EXPECT_EQ(negative.value, -3);
}

TEST(LitmusFrame, LongConjunctionsStayShallow) {
  std::string condition = "exists (0:r0=0";
  for (int i = 0; i < 1000; ++i) condition += " /\\ 0:r0=0";
  const LitmusTest test =
      parse("C L\n{}\nP0 (atomic_int* x) { int r0 = atomic_load(x); }\n" + condition + ")");
  int depth = 0;
  for (const Prop* prop = &test.condition.prop; !prop->args.empty(); prop = &prop->args[0]) ++depth;
  EXPECT_LE(depth, 12);
}

TEST(LitmusFrame, ParseLitmusFileReadsAndReportsMissingFiles) {
  try {
    parse_litmus_file("/nonexistent/dir/missing.litmus");
    ADD_FAILURE() << "no error";
  } catch (const ParseError& error) {
    EXPECT_EQ(error.file(), "/nonexistent/dir/missing.litmus");
    EXPECT_EQ(error.pos().line, 0);
  }
}

// ---- errors ------------------------------------------------------------------

std::string nine_threads() {
  std::string text = "C many\n{}\n";
  for (int i = 0; i < 9; ++i) text += "P" + std::to_string(i) + " (atomic_int* x) { atomic_store(x, 1); }\n";
  return text + "exists (x=1)\n";
}

// An asm row may run over lines (blanks, newlines too, separate words); an
// error inside it points at its own line, not past the end of the row's
// first line (found by the litmus parser fuzzer, docs/fuzzing.md).
TEST(LitmusFrameErrors, AsmRowOverLinesPointsAtTheRightLine) {
  const std::string text =
      "X86_64 T\n{ x=0; }\n P0 | P1 ;\n movl $1,%eax   movl $2,%ebx\n\"oops | movl $1,%eax ;\nexists (x=0)\n";
  EXPECT_EQ(error_of(text).substr(0, 4), "5:1:") << error_of(text);
}

TEST(LitmusFrameErrors, PositionedMessages) {
  const std::string c_head = "C T\n{ x = 0; }\nP0 (atomic_int* x) { int r0 = atomic_load(x); }\n";
  EXPECT_EQ(error_of(""), "1:1: unexpected end of file");
  EXPECT_EQ(error_of("PPC SB\n{}\n"), "1:1: unsupported architecture 'PPC'");
  EXPECT_EQ(error_of("C\n"), "2:1: unexpected end of file");
  EXPECT_EQ(error_of("C\n{}"), "1:2: expected a test name after the architecture");
  EXPECT_EQ(error_of("C T\n{ x = 0;"), "2:9: unexpected end of file");
  EXPECT_EQ(error_of("C T\n{ x = 0; }\nP0 (atomic_int* x) { int r0 = "), "3:31: unexpected end of file");
  EXPECT_EQ(error_of("C T\n(* open (* nested *) comment"), "2:29: unexpected end of file");
  EXPECT_EQ(error_of(c_head + "exists (0:r0=0 /\\"), "4:18: unexpected end of file");
  EXPECT_EQ(error_of(c_head), "4:1: unexpected end of file");
  EXPECT_EQ(error_of("C T\n{ x = 0 y = 0; }\n"), "2:9: expected ';' after init entry");
  EXPECT_EQ(error_of("C T\nfoo bar\n{}"), "2:1: expected '{' to start the init block");
  EXPECT_EQ(error_of(c_head + "exists (0:r9=0)"), "4:11: undefined register 'r9'");
  EXPECT_EQ(error_of(c_head + "exists (2:r0=0)"), "4:9: unknown thread 2");
  EXPECT_EQ(error_of(c_head + "exists (z=1)"), "4:9: unknown location 'z'");
  EXPECT_EQ(error_of(c_head + "exists (0:r0=z)"), "4:14: unknown location 'z'");
  EXPECT_EQ(error_of(c_head + "exists (0:r0=0) junk"), "4:17: unexpected 'junk' after the condition");
  EXPECT_EQ(error_of(c_head + "~forall (0:r0=0)"), "4:2: expected 'exists' after '~'");
  EXPECT_EQ(error_of(c_head + "0:r0=0"), "4:1: expected 'exists', '~exists' or 'forall'");
  EXPECT_EQ(error_of(c_head + "exists (0:r0 0)"), "4:14: expected '=' or '!='");
  EXPECT_EQ(error_of(c_head + "exists (0:r0=0"), "4:15: unexpected end of file");
  EXPECT_EQ(error_of(c_head + "exists (0:r0=0))"), "4:16: unexpected ')' after the condition");
  EXPECT_EQ(error_of(nine_threads()), "11:1: too many threads (9 > 8)");
  EXPECT_EQ(error_of("C T\n{}\nP1 (atomic_int* x) { }\nexists (x=0)"), "3:1: expected 'P0'");
  EXPECT_EQ(error_of("C T\n{}\nP0 (atomic_int* x) { }\nP2 (atomic_int* x) { }\nexists (x=0)"),
            "4:1: expected 'P1'");
  EXPECT_EQ(error_of("C T\n{ 3:r0 = 1; }\nP0 (atomic_int* x) { int r0; }\nexists (x=0)"),
            "2:3: unknown thread 3");
  EXPECT_EQ(error_of("C T\n{ 0:r5 = 1; }\nP0 (atomic_int* x) { int r0; }\nexists (x=0)"),
            "2:5: undefined register 'r5'");
  EXPECT_EQ(error_of("C T\n{ x = 0; x = 1; }\n"), "2:10: duplicate initialisation of 'x'");
  EXPECT_EQ(error_of("C T\n{ x = \x01; }\n"), "2:7: unexpected character '\\x01'");
  EXPECT_EQ(error_of("C T\n{ x = \xff; }\n"), "2:7: unexpected character '\\xff'");
  EXPECT_EQ(error_of("C T\n{ x = 99999999999999999999; }\n"),
            "2:7: integer literal out of range '99999999999999999999'");
  EXPECT_EQ(error_of("C T\n{ x = 12ab; }\n"), "2:7: invalid number '12ab'");
  EXPECT_EQ(error_of("C T\n{}\nP0 (atomic_int* x) {\n  while (1) {}\n}\nexists (x=0)"),
            "4:3: unsupported statement 'while'");
  EXPECT_EQ(error_of("C T\n{}\nP0 (x) { }\nexists (x=0)"), "3:5: expected a type before parameter 'x'");
  EXPECT_EQ(error_of("C T\n{}\nP0 (atomic_int* x) atomic_store(x, 1);\nexists (x=0)"),
            "3:20: expected '{' to start the thread body");
}

TEST(LitmusFrameErrors, AsmFrameErrors) {
  EXPECT_EQ(error_of("X86 T\n{ 0:FOO=1; }\n P0 ;\n MOV [x],$1 ;\nexists (x=1)"),
            "2:5: unknown register 'FOO'");
  EXPECT_EQ(error_of("X86 T\n{}\n P0 ;\n MOV [x],$1 ;\nexists (0:FOO=1)"), "5:11: unknown register 'FOO'");
  EXPECT_EQ(error_of("X86 T\n{}\n P0 | P2 ;\n"), "3:7: expected 'P1'");
  EXPECT_EQ(error_of("X86 T\n{}\n P0 | P1 ;\n MOV [x],$1 | MOV [y],$1 | MOV [z],$1 ;\nexists (x=1)"),
            "4:26: more cells than threads (2) in a row");
  EXPECT_EQ(error_of("X86 T\n{}\n P0 | P1 ;\n MOV [x],$1 | MOV [y],$1"), "4:25: unexpected end of file");
  EXPECT_EQ(error_of("X86 T\n{}\n P0 | P1 ;\n MOV [x],$1 | MOV [y],$1 ;\n"), "5:1: unexpected end of file");
  EXPECT_EQ(error_of("X86 T\n{}\n P0 | P1 | P2 | P3 | P4 | P5 | P6 | P7 | P8 ;\n"),
            "3:42: too many threads (9 > 8)");
}

TEST(LitmusFrameErrors, DeepConditionNesting) {
  const std::string head = "C T\n{ x = 0; }\nP0 (atomic_int* x) { }\nexists ";
  EXPECT_EQ(error_of(head + std::string(1000, '(') + "x=0" + std::string(1000, ')')),
            "4:73: condition nested too deeply");
  EXPECT_EQ(error_of(head + std::string(1000, '~') + "x=0"), "4:72: condition nested too deeply");
  std::string implications = "x=0";
  for (int i = 0; i < 1000; ++i) implications += " => x=0";
  EXPECT_EQ(error_of(head + implications), "4:463: condition nested too deeply");
}

TEST(LitmusFrameErrors, OversizedFile) {
  const std::string huge(kMaxFileBytes + 1, ' ');
  EXPECT_EQ(error_of(huge), "1:1: file too large (1048577 bytes > 1048576)");
}

// Every prefix and many single-byte corruptions of valid files either parse or
// raise ParseError: never another exception, a crash or a hang.
void expect_only_parse_errors(const std::string& valid) {
  auto check = [](const std::string& text) {
    try {
      parse(text);
    } catch (const ParseError&) {
    } catch (const std::exception& other) {
      ADD_FAILURE() << "non-ParseError " << other.what() << " for:\n" << text;
    } catch (...) {
      ADD_FAILURE() << "unknown exception for:\n" << text;
    }
  };
  for (std::size_t length = 0; length <= valid.size(); ++length) check(valid.substr(0, length));
  static const char kReplacements[] = "\0\x01\xff(){}[];:|*&=~-/\\\"P0x9 \nrX";
  const std::string replacements(kReplacements, sizeof kReplacements - 1);
  for (std::size_t i = 0; i < valid.size(); ++i) {
    for (char replacement : replacements) {
      std::string corrupted = valid;
      corrupted[i] = replacement;
      check(corrupted);
    }
    std::string deleted = valid;
    deleted.erase(i, 1);
    check(deleted);
  }
}

TEST(LitmusFrameRobustness, TruncationsAndCorruptionsOnlyRaiseParseErrors) {
  expect_only_parse_errors(kMessagePassing);
  expect_only_parse_errors(kStoreBufferingX86);
  expect_only_parse_errors(kMessagePassingArm);
  expect_only_parse_errors(R"(C CAS
{ x = 0; }
P0 (atomic_int* x) {
  int r0 = 0;
  int r1 = atomic_compare_exchange_strong_explicit(x, &r0, 1, memory_order_acq_rel, memory_order_relaxed);
  if (r1 != 0) { atomic_fetch_add(x, 2); } else atomic_thread_fence(memory_order_seq_cst);
}
forall (~(0:r1=1 => x=3) \/ [x]!=0)
)");
}

TEST(LitmusFrameRobustness, TruncatedFilesReportEndOfFileAtTheEnd) {
  const std::string& valid = kMessagePassing;
  // Cut just before the last character of each line: every such prefix is
  // incomplete, so it must fail exactly at its own end.
  for (std::size_t length = 1; length + 1 < valid.size(); ++length) {
    if (valid[length] != '\n' || valid[length - 1] == '\n') continue;
    const std::string prefix = valid.substr(0, length);
    int line = 1;
    int col = 1;
    for (char c : prefix) {
      if (c == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    try {
      parse(prefix);
      ADD_FAILURE() << "parsed a truncated file:\n" << prefix;
    } catch (const ParseError& error) {
      if (error.message() != "unexpected end of file") continue;  // e.g. `int r1 = -` is an error earlier
      EXPECT_EQ(error.pos().line, line) << prefix;
      EXPECT_EQ(error.pos().col, col) << prefix;
    }
  }
}

// ---- printer -------------------------------------------------------------------

TEST(LitmusPrinter, ConditionsInHerdSyntax) {
  const std::string head =
      "C T\n{ x = 0; y = 0; }\nP0 (atomic_int* x) { int r0 = atomic_load(x); }\n"
      "P1 (atomic_int* y) { int r0 = atomic_load(y); }\n";
  auto printed = [&](const std::string& condition) {
    const LitmusTest test = parse(head + condition);
    return print_condition(test, test.condition);
  };
  EXPECT_EQ(printed("exists (0:r0=0 /\\ 1:r0=0)"), "exists (0:r0=0 /\\ 1:r0=0)");
  EXPECT_EQ(printed("~exists 0:r0=1 \\/ x=2 /\\ ~(1:r0=x)"), "~exists (0:r0=1 \\/ x=2 /\\ ~1:r0=x)");
  EXPECT_EQ(printed("forall ((0:r0=0 \\/ 0:r0=1) /\\ [y]!=-1)"), "forall ((0:r0=0 \\/ 0:r0=1) /\\ y!=-1)");
  EXPECT_EQ(printed("exists ((x=1 => y=1) => true)"), "exists ((x=1 => y=1) => true)");
  EXPECT_EQ(printed("exists (x=1 => (y=1 => false))"), "exists (x=1 => y=1 => false)");
  EXPECT_EQ(printed("exists ~(x=1 /\\ y=1)"), "exists (~(x=1 /\\ y=1))");
  EXPECT_EQ(printed("exists (0:r0=0 /\\ 0:r0=1 /\\ 1:r0=0 /\\ 1:r0=1 /\\ x=0)"),
            "exists (0:r0=0 /\\ 0:r0=1 /\\ 1:r0=0 /\\ 1:r0=1 /\\ x=0)");
}

TEST(LitmusPrinter, PrintedConditionsParseBackToTheSameText) {
  const std::string head = "C T\n{ x = 0; }\nP0 (atomic_int* x) { int r0 = atomic_load(x); }\n";
  for (const std::string condition :
       {"exists (0:r0=0 \\/ ~(x=1 \\/ 0:r0=x) => x!=2 /\\ (true \\/ false))", "forall (~~x=1)"}) {
    const LitmusTest first = parse(head + condition);
    const std::string printed = print_condition(first, first.condition);
    const LitmusTest second = parse(head + printed);
    EXPECT_EQ(print_condition(second, second.condition), printed);
  }
}

TEST(LitmusPrinter, ValuesAndTerms) {
  const LitmusTest test = parse(kMessagePassing);
  EXPECT_EQ(print_value(test, address_of(1)), "y");
  EXPECT_EQ(print_value(test, address_of(5)), std::to_string(address_of(5)));
  EXPECT_EQ(print_value(test, -7), "-7");
  EXPECT_EQ(print_term(test, test.observed[0]), "x");
  EXPECT_EQ(print_term(test, test.observed[1]), "1:r1");
  EXPECT_EQ(print_prop(test, test.condition.prop), "1:r0=1 /\\ 1:r1=0");
}

}  // namespace
}  // namespace mh::litmus
