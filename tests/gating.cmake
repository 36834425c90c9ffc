# Tests of user implementations and CI gating (issue 5): the .npy reader against files numpy
# writes, plugins, captured outputs, `gelucheck inputs` and `gelucheck gate`, then the examples.

# A plugin built only for the tests, with kernels whose errors are known in closed form.
add_library(gelucheck_test_kernels MODULE plugin_test_kernels.cpp)
target_include_directories(gelucheck_test_kernels PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(gelucheck_test_kernels PRIVATE m)
target_compile_options(gelucheck_test_kernels PRIVATE ${GELUCHECK_WARNINGS})

# .npy files written by numpy (Debian's python3-numpy), with their expected contents.
add_test(NAME npy_numpy_files
  COMMAND ${GELUCHECK_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/npy_numpy_files.py
          --out ${CMAKE_CURRENT_BINARY_DIR}/npy_numpy_files)
set_tests_properties(npy_numpy_files PROPERTIES FIXTURES_SETUP numpy_files)

gelucheck_add_tests(gelucheck_gating_tests
  SOURCES test_npy_numpy.cpp test_user_implementations.cpp test_gate_command.cpp
          test_hardening.cpp
  PROPERTIES FIXTURES_REQUIRED numpy_files)
target_compile_definitions(gelucheck_gating_tests PRIVATE
  GELUCHECK_TEST_PLUGIN="$<TARGET_FILE:gelucheck_test_kernels>"
  GELUCHECK_PYTHON3="${GELUCHECK_PYTHON3}"
  GELUCHECK_NUMPY_FILES="${CMAKE_CURRENT_BINARY_DIR}/npy_numpy_files")
add_dependencies(gelucheck_gating_tests gelucheck_test_kernels)

include(${CMAKE_CURRENT_LIST_DIR}/examples.cmake)
