# The protocols' stress variants (stress/): registered by static
# initialisers, so an object library linked whole into every binary that runs
# them. Always optimised: they run on hardware, whatever the build type.
file(GLOB MEMHARNESS_STRESS_SOURCES CONFIGURE_DEPENDS stress/*.cpp)
list(FILTER MEMHARNESS_STRESS_SOURCES EXCLUDE REGEX "stress/main\\.cpp$")
add_library(memharness_stress OBJECT ${MEMHARNESS_STRESS_SOURCES})
target_include_directories(memharness_stress PUBLIC ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/src)
target_link_libraries(memharness_stress PUBLIC memharness_run fmt::fmt nlohmann_json::nlohmann_json Threads::Threads)
target_compile_options(memharness_stress PRIVATE -O2)

# One binary per protocol, for copying to a board on its own: the same
# command as `memharness stress`, restricted to the protocol's variants.
# Call with the library that has the command (src/cli) and the report.
function(memharness_add_stress_binaries command_library)
  foreach(protocol pipe_handoff futex_mutex shm_semaphore)
    string(REPLACE "_" "-" binary_suffix ${protocol})
    add_executable(memharness-stress-${binary_suffix} stress/main.cpp)
    target_link_libraries(memharness-stress-${binary_suffix} PRIVATE ${command_library} memharness_stress)
    target_compile_definitions(memharness-stress-${binary_suffix} PRIVATE
      MEMHARNESS_STRESS_PROTOCOL="${protocol}")
    install(TARGETS memharness-stress-${binary_suffix} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endforeach()
endfunction()
