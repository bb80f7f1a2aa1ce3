// Litmus test -> C++ source that runs it on the host's cores. One generator
// for the whole suite (the build runs it over litmus/) and for a user's file
// (`memharness litmus run FILE` compiles it on the spot): no per-test code is
// written by hand.
//
// Every thread becomes a function `void thread_T(word* const* locations,
// word* registers)` that runs the thread once on one instance of the test's
// locations and leaves its registers' final values in `registers` (in
// litmus::Thread::registers order). Values, addresses included, are in the
// litmus IR's integer space (litmus::address_of): only a memory access turns
// an address into a pointer, so address dependencies stay data flow.
//
// C tests use std::atomic_ref with their memory orders and run anywhere;
// X86 / X86_64 tests use x86-64 inline assembly; AArch64 tests AArch64
// inline assembly. Each instruction is its own `asm volatile` with a
// "memory" clobber, so the compiler neither reorders nor merges accesses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "litmus/ast.hpp"

namespace mh::run {

// Why a test cannot run natively on `host`, or nothing when it can.
enum class HostArch { X86_64, AArch64, Other };
HostArch host_arch();
const char* host_arch_name(HostArch arch);
std::optional<std::string> unsupported_on(const litmus::Test& test, HostArch host);

// Why the perpetual mode cannot run the test, or nothing when it can
// (docs/hardware.md lists the shapes it supports).
std::optional<std::string> perpetual_unsupported(const litmus::Test& test);

struct GeneratedTest {
  std::string key;        // hash of the generated code: a test whose code is the same runs the same
  std::string namespace_name;
  std::string code;       // the namespace with the thread functions
  bool perpetual = false; // also has perpetual_T functions
};

// The test's thread functions for `host` (and, where the mode supports the
// test, the perpetual ones). Throws std::invalid_argument with the reason
// when the test cannot run there.
GeneratedTest generate_test(const litmus::Test& test, HostArch host);

// A whole translation unit for a set of tests: a prelude, each test's code,
// and a table that the runner reads: registered into the binary
// (`registered = true`, the suite) or exported as `mh_native_tests` for
// dlopen (a user's file compiled on the spot).
std::string generate_unit(const std::vector<GeneratedTest>& tests, const std::vector<litmus::Test>& sources,
                          bool registered);

}  // namespace mh::run
