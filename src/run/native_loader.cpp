#include "run/native_loader.hpp"

#include "run/thread_sanitizer.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace mh::run {
namespace {

namespace fs = std::filesystem;

fs::path cache_directory() {
  if (const char* dir = std::getenv("MEMHARNESS_CACHE_DIR"); dir != nullptr && *dir != '\0') return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0')
    return fs::path(xdg) / "memharness" / "native";
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    return fs::path(home) / ".cache" / "memharness" / "native";
  return fs::temp_directory_path() / "memharness-native";
}

std::string compiler() {
  if (const char* cxx = std::getenv("MEMHARNESS_CXX"); cxx != nullptr && *cxx != '\0') return cxx;
#ifdef MEMHARNESS_NATIVE_CXX
  return MEMHARNESS_NATIVE_CXX;
#else
  return "c++";
#endif
}

std::string quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

const NativeTest* open_object(const fs::path& object, const std::string& key) {
  void* handle = dlopen(object.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return nullptr;
  const auto* version = static_cast<const int*>(dlsym(handle, "mh_native_abi_version"));
  const auto* tests = static_cast<const NativeTest* const*>(dlsym(handle, "mh_native_tests"));
  if (version == nullptr || tests == nullptr || *version != kNativeAbiVersion) {
    dlclose(handle);
    return nullptr;
  }
  for (; *tests != nullptr; ++tests)
    if (key == (*tests)->key) return *tests;  // the handle stays open for the process's life
  dlclose(handle);
  return nullptr;
}

}  // namespace

const NativeTest& load_native_test(const litmus::Test& test, std::string* origin) {
  const GeneratedTest generated = generate_test(test, host_arch());
  if (const NativeTest* built_in = find_native_test(generated.key)) {
    if (origin != nullptr) *origin = "built in";
    return *built_in;
  }
  static std::mutex lock;
  const std::lock_guard guard(lock);

  const fs::path directory = cache_directory();
  std::error_code error;
  fs::create_directories(directory, error);
  if (error)
    throw std::runtime_error(fmt::format("cannot create {}: {}", directory.string(), error.message()));
  // A ThreadSanitizer build loads instrumented objects only: uninstrumented
  // code would hide the test's plain accesses from it.
  const fs::path object = directory / (generated.key + (kThreadSanitizer ? ".tsan.so" : ".so"));
  if (fs::exists(object)) {
    if (const NativeTest* cached = open_object(object, generated.key)) {
      if (origin != nullptr) *origin = "compiled earlier (" + object.string() + ")";
      return *cached;
    }
  }

  // Compile into temporaries and rename: a concurrent or killed run never
  // leaves a half-written object under the final name.
  const std::string unique = fmt::format("{}.{}", generated.key, getpid());
  const fs::path source = directory / (unique + ".cpp");
  const fs::path temporary = directory / (unique + ".so");
  const fs::path log = directory / (unique + ".log");
  {
    std::ofstream out(source, std::ios::binary);
    out << generate_unit({generated}, {test}, false);
    if (!out) throw std::runtime_error("cannot write " + source.string());
  }
  const std::string command =
      fmt::format("{} -std=c++20 -O2 -fPIC -shared{} -o {} {} > {} 2>&1", compiler(),
                  kThreadSanitizer ? " -fsanitize=thread" : "", quote(temporary.string()),
                  quote(source.string()), quote(log.string()));
  const int status = std::system(command.c_str());
  if (status != 0) {
    // One line: where the compiler's messages and the generated source are.
    fs::remove(temporary, error);
    throw std::runtime_error(
        fmt::format("compiling it with '{}' failed: see {} (source {}); set MEMHARNESS_CXX to "
                    "choose the compiler",
                    compiler(), log.string(), source.string()));
  }
  fs::rename(temporary, object, error);
  fs::remove(source, error);
  fs::remove(log, error);
  const NativeTest* loaded = open_object(object, generated.key);
  if (loaded == nullptr)
    throw std::runtime_error(fmt::format("cannot load {}: {}", object.string(), dlerror()));
  if (origin != nullptr) *origin = "compiled now (" + object.string() + ")";
  return *loaded;
}

}  // namespace mh::run
