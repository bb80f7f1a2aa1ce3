// A litmus test compiled to native code, as the runner sees it: one function
// per thread (and, for the perpetual mode, one looping function per thread).
// The suite's tests are compiled into the binary and registered here; a
// user's file is compiled on the spot and loaded (native_loader.hpp).
#pragma once

#include <cstdint>
#include <string>

namespace mh::run {

using word = std::int64_t;

// Runs the thread once on one instance: `locations[L]` points at location L
// of that instance, `registers` receives the final values of the thread's
// registers (litmus::Thread::registers order).
using ThreadBody = void (*)(word* const* locations, word* registers);

// Runs iterations [first, first + count) back to back on one instance. The
// store of iteration k writes k + 1 (the value says which iteration wrote
// it; 0 is the initial value); load i of iteration k leaves what it read in
// reads[(k - first) * loads + i].
using PerpetualBody = void (*)(word* const* locations, word* reads, word first, word count);

// Layout shared with generated code compiled on the spot, which declares the
// same struct (codegen.cpp, kAbiVersion): change both or neither.
struct NativeTest {
  const char* key;  // hash of the generated code
  const char* name;
  int threads;
  const ThreadBody* bodies;
  const PerpetualBody* perpetual;  // nullptr: the perpetual mode cannot run it
};
inline constexpr int kNativeAbiVersion = 1;

// Registers a compiled test (static initialisers of the generated suite).
struct NativeRegistration {
  explicit NativeRegistration(const NativeTest* test);
};

// The compiled test whose generated code has this key, or nullptr.
const NativeTest* find_native_test(const std::string& key);
std::size_t native_test_count();

}  // namespace mh::run
