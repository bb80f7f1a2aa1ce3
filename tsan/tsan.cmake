# The ThreadSanitizer suite's build glue, included by a hardware-only build
# compiled with -fsanitize=thread (the tsan preset): the probes, and one
# ctest entry per test of the suite, each `memharness tsan NAME` (which runs
# it under TSan and compares the verdict with tsan/expected.tsv's).
file(GLOB MEMHARNESS_TSAN_PROBES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/probes/*.cpp)
foreach(probe_source IN LISTS MEMHARNESS_TSAN_PROBES)
  get_filename_component(probe ${probe_source} NAME_WE)
  string(REPLACE "_" "-" probe ${probe})
  add_executable(memharness-tsan-probe-${probe} ${probe_source})
  target_link_libraries(memharness-tsan-probe-${probe} PRIVATE Threads::Threads)
  add_dependencies(memharness memharness-tsan-probe-${probe})
endforeach()

enable_testing()
set(tsan_tests "")
file(GLOB litmus_c CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/litmus/c/*.litmus)
foreach(file IN LISTS litmus_c)
  get_filename_component(name ${file} NAME_WE)
  # NAME_WE stops at the first dot; the test's name is the whole stem.
  get_filename_component(filename ${file} NAME)
  string(REGEX REPLACE "\\.litmus$" "" name ${filename})
  list(APPEND tsan_tests "litmus/c/${name}")
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/expected.tsv)
file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/expected.tsv rows REGEX "^(stress|probe)/")
foreach(row IN LISTS rows)
  string(REGEX MATCH "^[^\t]+" name "${row}")
  list(APPEND tsan_tests ${name})
endforeach()
foreach(name IN LISTS tsan_tests)
  add_test(NAME tsan:${name} COMMAND memharness tsan ${name})
  # A stress variant runs for 2 s (a hang: its watchdog, then up to three
  # attempts at an expected race); TSan slows everything 5 to 15 times.
  set_tests_properties(tsan:${name} PROPERTIES TIMEOUT 300 LABELS tsan
    FAIL_REGULAR_EXPRESSION "FAIL |memharness: ")
endforeach()

# Bad usage: a one-line reason (exit 2), nothing run.
add_test(NAME tsan_cli_unknown_test COMMAND memharness tsan no/such)
set_tests_properties(tsan_cli_unknown_test PROPERTIES LABELS tsan
  PASS_REGULAR_EXPRESSION "^memharness: no TSan test is named 'no/such' \\(see memharness tsan --list\\)\n$")
add_test(NAME tsan_cli_bad_stress_budget COMMAND memharness tsan stress/futex_mutex/take1 --stress-budget 1ms)
set_tests_properties(tsan_cli_bad_stress_budget PROPERTIES LABELS tsan
  PASS_REGULAR_EXPRESSION "^memharness: --stress-budget '1ms' is not a duration of at least 0.1 s")
