# Shared compile settings and helpers for logsieve targets.

add_library(logsieve_flags INTERFACE)
target_compile_options(logsieve_flags INTERFACE -Wall -Wextra -Wno-unused-parameter)
# GCC 12 reports a false -Wrestrict overlap for `"literal" + std::string` at -O2
# and above (GCC bug 105329, fixed in 13): a release build would greet users
# with warnings about the standard library's own memcpy.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(logsieve_flags INTERFACE -Wno-restrict)
endif()
target_include_directories(logsieve_flags INTERFACE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/include)
if(LOGSIEVE_SANITIZE)
  target_compile_options(logsieve_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                         -fno-sanitize-recover=undefined)
  target_link_options(logsieve_flags INTERFACE -fsanitize=address,undefined)
  # ASan instrumentation makes GCC's flow analysis report libstdc++'s own
  # std::regex/std::function members as maybe-uninitialized (false positives).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(logsieve_flags INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()

# Every library (not the apps, not the tests): what `make thread-safety` builds.
add_custom_target(logsieve_libraries)

# logsieve_library(NAME SOURCES... DEPS ...): one library target per src/ folder.
function(logsieve_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_link_libraries(${name} PUBLIC logsieve_flags ${ARG_DEPS})
  add_dependencies(logsieve_libraries ${name})
endfunction()

# logsieve_test(NAME [SERIAL] SOURCES... DEPS ... [LABELS ...]): a GoogleTest binary registered
# with ctest. SERIAL: its tests run with no other test beside them (RUN_SERIAL), for a test whose
# subject runs at low priority and would be starved by a parallel ctest.
function(logsieve_test name)
  cmake_parse_arguments(ARG "SERIAL" "" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT LOGSIEVE_TESTS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE logsieve_flags ${ARG_DEPS} logsieve_testing GTest::gmock
                        GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE LOGSIEVE_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                             LOGSIEVE_BINARY_DIR="${CMAKE_BINARY_DIR}")
  # XDG_CACHE_HOME: the compiled-rules cache of the binary and of in-process
  # stages goes to the build tree, never the user's own cache.
  # (ENVIRONMENT first: an empty LABELS value would shift the pairs after it.)
  set(serial "")
  if(ARG_SERIAL)
    set(serial RUN_SERIAL TRUE)
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES
                       ENVIRONMENT "XDG_CACHE_HOME=${CMAKE_BINARY_DIR}/test-cache"
                       LABELS "${ARG_LABELS}" ${serial})
endfunction()
