# co_module(NAME DEPS ...): turns src/NAME/ into the static library co_NAME from every
# *.cc that is not a test, benchmark or fuzz target, and into the test binary NAME_test
# from every *_test.cc beside it. Adding a file to a module needs no CMake change.
function(co_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  list(FILTER sources EXCLUDE REGEX "_(test|benchmark|fuzz)\\.cc$")
  list(FILTER sources EXCLUDE REGEX "/main\\.cc$")
  if(sources)
    add_library(co_${name} STATIC ${sources})
    target_include_directories(co_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(co_${name} PUBLIC ${ARG_DEPS})
  else()
    add_library(co_${name} INTERFACE)
    target_include_directories(co_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(co_${name} INTERFACE ${ARG_DEPS})
  endif()
  if(tests)
    add_executable(${name}_test ${tests})
    target_link_libraries(${name}_test PRIVATE co_${name} ${ARG_TEST_DEPS} GTest::gmock GTest::gtest_main)
    target_compile_definitions(${name}_test PRIVATE CO_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    gtest_discover_tests(${name}_test DISCOVERY_MODE PRE_TEST
                         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                         PROPERTIES LABELS unit)
  endif()
endfunction()
