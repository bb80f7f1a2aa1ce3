# The hardware runner (src/run) and the litmus suite compiled to native code:
# memharness-codegen turns every litmus/ folder that this host can run into
# one generated C++ unit, registered into the binaries that link
# memharness_native_suite. No per-test code is written by hand.
find_package(Threads REQUIRED)
find_package(PkgConfig)
# A cross build would find the host's hwloc: the runner reads sysfs there.
if(PkgConfig_FOUND AND NOT CMAKE_CROSSCOMPILING)
  pkg_check_modules(HWLOC IMPORTED_TARGET hwloc)
endif()

# The litmus language and the code generator: all the generator needs.
file(GLOB MEMHARNESS_LITMUS_SOURCES CONFIGURE_DEPENDS src/litmus/*.cpp src/run/codegen*.cpp)
list(FILTER MEMHARNESS_LITMUS_SOURCES EXCLUDE REGEX "src/run/codegen_main\\.cpp$")
add_library(memharness_litmus STATIC ${MEMHARNESS_LITMUS_SOURCES})
target_include_directories(memharness_litmus PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/src)
target_link_libraries(memharness_litmus PUBLIC fmt::fmt)

add_executable(memharness-codegen src/run/codegen_main.cpp)
target_link_libraries(memharness-codegen PRIVATE memharness_litmus)

# The runner: affinity, modes, perpetual analysis, on-the-spot compilation.
file(GLOB MEMHARNESS_RUN_SOURCES CONFIGURE_DEPENDS src/run/*.cpp)
list(FILTER MEMHARNESS_RUN_SOURCES EXCLUDE REGEX "src/run/codegen[^/]*\\.cpp$")
add_library(memharness_run STATIC ${MEMHARNESS_RUN_SOURCES})
target_link_libraries(memharness_run PUBLIC memharness_litmus Threads::Threads ${CMAKE_DL_LIBS})
# Tests that the binary lacks are compiled on the spot with the compiler that
# built it (MEMHARNESS_CXX overrides at run time).
target_compile_definitions(memharness_run PRIVATE MEMHARNESS_NATIVE_CXX="${CMAKE_CXX_COMPILER}")
if(HWLOC_FOUND)
  target_link_libraries(memharness_run PRIVATE PkgConfig::HWLOC)
  target_compile_definitions(memharness_run PRIVATE MEMHARNESS_HAVE_HWLOC)
endif()

# The suite, one generated unit per folder this host can run.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(MEMHARNESS_NATIVE_HOST x86_64)
  set(MEMHARNESS_NATIVE_FOLDERS c x86 x86_64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(MEMHARNESS_NATIVE_HOST aarch64)
  set(MEMHARNESS_NATIVE_FOLDERS c aarch64)
else()
  set(MEMHARNESS_NATIVE_HOST "")
  set(MEMHARNESS_NATIVE_FOLDERS "")
endif()
set(MEMHARNESS_NATIVE_UNITS "")
foreach(folder IN LISTS MEMHARNESS_NATIVE_FOLDERS)
  file(GLOB litmus_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/litmus/${folder}/*.litmus)
  set(unit ${CMAKE_CURRENT_BINARY_DIR}/generated/native_litmus_${folder}.cpp)
  add_custom_command(
    OUTPUT ${unit}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/generated
    COMMAND memharness-codegen --host ${MEMHARNESS_NATIVE_HOST} -o ${unit} ${litmus_files}
    DEPENDS memharness-codegen ${litmus_files}
    COMMENT "Generating native code for litmus/${folder}"
    VERBATIM)
  list(APPEND MEMHARNESS_NATIVE_UNITS ${unit})
endforeach()
# Registered by static initialisers: an object library, every object linked.
# Always optimised: the suite runs on hardware, whatever the build type.
add_library(memharness_native_suite OBJECT ${MEMHARNESS_NATIVE_UNITS} src/run/native_test.hpp)
target_include_directories(memharness_native_suite PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
target_compile_options(memharness_native_suite PRIVATE -O2)
