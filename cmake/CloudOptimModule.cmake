# co_module(NAME DEPS ...): turns src/NAME/ into the static library co_NAME from every
# *.cc that is not a test, benchmark or fuzz target, and into the test binary NAME_test
# from every *_test.cc beside it. Adding a file to a module needs no CMake change.
# PCH lists heavy third-party headers that many of the module's files include; with CO_PCH on
# they are precompiled once for the library (and, in the sanitizer build, the test binaries reuse
# one GoogleTest/GMock PCH). With CO_UNITY the library and the test binary compile in unity
# batches, so names in the anonymous namespaces of a module's files (test files included)
# must not clash: share a helper through a header.
function(co_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;TEST_DEPS;PCH" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  list(FILTER sources EXCLUDE REGEX "_(test|benchmark|fuzz)\\.cc$")
  list(FILTER sources EXCLUDE REGEX "/main\\.cc$")
  if(sources)
    add_library(co_${name} STATIC ${sources})
    target_include_directories(co_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(co_${name} PUBLIC ${ARG_DEPS})
    if(CO_PCH AND ARG_PCH)
      target_precompile_headers(co_${name} PRIVATE ${ARG_PCH})
    endif()
    if(CO_UNITY)
      # In a unity batch every .cc is an included file, so GCC would warn about a class whose
      # member's type is in another file's anonymous namespace; it is not a header here.
      set_target_properties(co_${name} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 16)
      target_compile_options(co_${name} PRIVATE -Wno-subobject-linkage)
    endif()
  else()
    add_library(co_${name} INTERFACE)
    target_include_directories(co_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(co_${name} INTERFACE ${ARG_DEPS})
  endif()
  if(tests AND CO_UNIT_TESTS)
    add_executable(${name}_test ${tests})
    target_link_libraries(${name}_test PRIVATE co_${name} ${ARG_TEST_DEPS} GTest::gmock GTest::gtest_main)
    target_compile_definitions(${name}_test PRIVATE CO_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    # Only in the -O0 sanitizer build: at -O2, GCC 12 reports its false -Warray-bounds on
    # std::string concatenation in test files once GoogleTest comes from a PCH (-Werror).
    if(CO_PCH AND CO_SANITIZE)
      co_test_pch()
      target_precompile_headers(${name}_test REUSE_FROM co_test_pch)
    endif()
    if(CO_UNITY)
      set_target_properties(${name}_test PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 16)
      target_compile_options(${name}_test PRIVATE -Wno-subobject-linkage)
    endif()
    gtest_discover_tests(${name}_test DISCOVERY_MODE PRE_TEST
                         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                         PROPERTIES LABELS unit)
  endif()
endfunction()

# co_test_pch(): the one GoogleTest/GMock precompiled header every unit test binary reuses
# (REUSE_FROM), built by a target of its own with the same flags and definitions as the tests.
# Parsing gmock.h + gtest.h is about a third of a small test file's compile time. GCC checks
# that a PCH fits the compile it is offered to and otherwise reads the headers as text.
function(co_test_pch)
  if(TARGET co_test_pch)
    return()
  endif()
  set(source ${PROJECT_BINARY_DIR}/co_test_pch.cc)
  if(NOT EXISTS ${source})
    file(WRITE ${source} "// Carries the shared GoogleTest/GMock precompiled header (CO_PCH).\n")
  endif()
  add_library(co_test_pch OBJECT ${source})
  target_link_libraries(co_test_pch PRIVATE GTest::gmock GTest::gtest)
  target_compile_definitions(co_test_pch PRIVATE CO_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_precompile_headers(co_test_pch PRIVATE <gmock/gmock.h> <gtest/gtest.h>)
endfunction()
