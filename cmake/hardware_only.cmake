# What runs on cores and nothing else: `memharness litmus check|run|stress`
# with the litmus suite compiled for the target, and the stress binaries.
# - The aarch64 preset cross-builds it, with a smoke run under qemu-aarch64
#   (CMAKE_CROSSCOMPILING_EMULATOR) whose results are labelled emulated: qemu
#   on an x86 host shows x86's orderings.
# - The tsan preset builds it with clang's ThreadSanitizer: the model
#   checker (src/check) does not compile with clang 14 (std::source_location)
#   and is not what TSan is for.
#
# Debian cross-packages no fmt, nlohmann-json or CLI11 for arm64 here, but
# all three can be used from their headers alone. Only their own folders are
# put on the include path: /usr/include as a whole would mix the host's C
# library headers into the target's.
set(MEMHARNESS_HOST_HEADERS ${CMAKE_CURRENT_BINARY_DIR}/host-headers)
file(MAKE_DIRECTORY ${MEMHARNESS_HOST_HEADERS})
foreach(header_dir fmt nlohmann CLI)
  find_path(MEMHARNESS_${header_dir}_PARENT NAMES ${header_dir} PATHS /usr/include NO_CMAKE_FIND_ROOT_PATH
    NO_DEFAULT_PATH)
  if(NOT MEMHARNESS_${header_dir}_PARENT)
    message(FATAL_ERROR "aarch64 build: /usr/include/${header_dir} not found (scripts/install-deps.sh installs it)")
  endif()
  file(CREATE_LINK ${MEMHARNESS_${header_dir}_PARENT}/${header_dir} ${MEMHARNESS_HOST_HEADERS}/${header_dir} SYMBOLIC)
endforeach()
add_library(memharness_fmt_headers INTERFACE)
target_include_directories(memharness_fmt_headers SYSTEM INTERFACE ${MEMHARNESS_HOST_HEADERS})
target_compile_definitions(memharness_fmt_headers INTERFACE FMT_HEADER_ONLY)
add_library(fmt::fmt ALIAS memharness_fmt_headers)
add_library(nlohmann_json::nlohmann_json ALIAS memharness_fmt_headers)
add_library(CLI11::CLI11 ALIAS memharness_fmt_headers)

include(cmake/native_litmus.cmake)

file(GLOB MEMHARNESS_HW_SOURCES CONFIGURE_DEPENDS src/axiom/*.cpp src/report/*.cpp src/cli/*.cpp tsan/*.cpp)
list(FILTER MEMHARNESS_HW_SOURCES EXCLUDE REGEX
  "src/(cli/(all_command|check_command|model_suite|suite)|report/model_check_json)\\.cpp$")
include(cmake/stress.cmake)
list(FILTER MEMHARNESS_HW_SOURCES EXCLUDE REGEX "src/cli/main\\.cpp$")
add_library(memharness_hw_core STATIC ${MEMHARNESS_HW_SOURCES})
target_include_directories(memharness_hw_core PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/src ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(memharness_hw_core PUBLIC memharness_run fmt::fmt)
target_compile_definitions(memharness_hw_core PUBLIC MEMHARNESS_HARDWARE_ONLY MEMHARNESS_VERSION="${PROJECT_VERSION}"
  MEMHARNESS_SOURCE_DIR="${CMAKE_CURRENT_SOURCE_DIR}" MEMHARNESS_INSTALL_DATADIR="${CMAKE_INSTALL_FULL_DATADIR}")
add_executable(memharness src/cli/main.cpp)
target_link_libraries(memharness PRIVATE memharness_hw_core memharness_native_suite memharness_stress)
memharness_add_stress_binaries(memharness_hw_core)
if(CMAKE_CXX_FLAGS MATCHES "-fsanitize=thread")
  include(tsan/tsan.cmake)
endif()

# The emulated smoke run: a few AArch64 and C tests for a moment each, in
# every mode. It proves that the binaries run and judge their states, not
# anything about ARM's orderings.
enable_testing()
if(CMAKE_CROSSCOMPILING_EMULATOR)
  foreach(mode barrier timebase perpetual)
    add_test(NAME emulated_aarch64_smoke_${mode}
      COMMAND memharness litmus run
        ${PROJECT_SOURCE_DIR}/litmus/aarch64/MP+dmb.sys.litmus ${PROJECT_SOURCE_DIR}/litmus/aarch64/SB+pos.litmus
        ${PROJECT_SOURCE_DIR}/litmus/aarch64/MP+dmb.sy+addr.litmus ${PROJECT_SOURCE_DIR}/litmus/aarch64/Atom+ldxr-stxrs.litmus
        ${PROJECT_SOURCE_DIR}/litmus/c/MP+rel+acq.litmus
        --mode ${mode} --budget 2s --no-progress)
    set_tests_properties(emulated_aarch64_smoke_${mode} PROPERTIES TIMEOUT 120 LABELS emulated
      PASS_REGULAR_EXPRESSION "Emulated: " FAIL_REGULAR_EXPRESSION "FORBIDDEN|!!!|internal error")
  endforeach()
  # Every stress variant for a moment: real futexes, pipes, processes and
  # semaphores through qemu-user's system calls. Correct variants must pass;
  # hunted bugs that need an ARM reordering are not expected (the orderings
  # are the host's).
  add_test(NAME emulated_aarch64_stress_smoke
    COMMAND memharness stress --budget 12s --no-progress)
  set_tests_properties(emulated_aarch64_stress_smoke PROPERTIES TIMEOUT 120 LABELS emulated
    PASS_REGULAR_EXPRESSION "emulated: the host's orderings"
    FAIL_REGULAR_EXPRESSION "[1-9][0-9]* FAILED|internal error|memharness: ")
endif()
