# The `package_consumer` test (tests/CMakeLists.txt): install this build into
# a fresh prefix, then configure, build and run tests/package_consumer
# against that prefix alone, as a user's project would.
#   cmake -DBUILD_DIR=... -DCONFIG=... -DPREFIX=... -DCONSUMER_SOURCE=... -DCONSUMER_BUILD=...
#         -DGENERATOR=... -DCXX_COMPILER=... -DBUILD_TYPE=... -DCXX_FLAGS=... -DLINKER_FLAGS=...
#         -P package_consumer_test.cmake
# The compiler and flags are this build's, so that a sanitizer build's
# library links into a consumer built the same way.

function(run_step description)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "package_consumer: ${description} failed: ${status}")
  endif()
endfunction()

file(REMOVE_RECURSE "${PREFIX}" "${CONSUMER_BUILD}")

set(config_args)
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()
run_step("installing into ${PREFIX}" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" ${config_args})

run_step("configuring the consumer" "${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE}" -B "${CONSUMER_BUILD}"
  -G "${GENERATOR}"
  "-DCMAKE_PREFIX_PATH=${PREFIX}"
  "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
  "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}"
  "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
  "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}"
  # Only the installed prefix may satisfy find_package(memharness).
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)

# The package must have come from the prefix, not from a build tree.
file(STRINGS "${CONSUMER_BUILD}/CMakeCache.txt" package_dir REGEX "^memharness_DIR:")
string(FIND "${package_dir}" "${PREFIX}/" at)
if(NOT at GREATER -1)
  message(FATAL_ERROR "package_consumer: memharness was not found in ${PREFIX}: ${package_dir}")
endif()

run_step("building the consumer" "${CMAKE_COMMAND}" --build "${CONSUMER_BUILD}" ${config_args})
run_step("running the consumer" "${CONSUMER_BUILD}/message_passing_check")
