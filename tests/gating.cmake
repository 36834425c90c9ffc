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

# Captures at scale, numpy standing in for the framework: `inputs --shard` + `table --shard` +
# `merge` equal one run byte for byte; '<V2'/'|V2' bf16 outputs grade as their bits.
add_test(NAME capture_at_scale
  COMMAND ${GELUCHECK_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/capture_at_scale.py
          $<TARGET_FILE:gelucheck> ${CMAKE_CURRENT_BINARY_DIR}/capture_at_scale)

# Every JSON document against its schema in docs/schemas (python3-jsonschema).
add_test(NAME json_schemas
  COMMAND ${GELUCHECK_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/validate_json_schemas.py
          $<TARGET_FILE:gelucheck> ${PROJECT_SOURCE_DIR}/docs/schemas
          ${CMAKE_CURRENT_BINARY_DIR}/json_schemas)

# The Python module (python/): its pytest tests, numpy standing in for the frameworks, and the
# documented install command in a fresh virtual environment.
if(TARGET gelucheck_python)
  add_test(NAME python_pytest
    COMMAND ${GELUCHECK_PYTHON3} -m pytest -q -p no:cacheprovider
            ${PROJECT_SOURCE_DIR}/python/tests)
  set_tests_properties(python_pytest PROPERTIES ENVIRONMENT
    "PYTHONPATH=${CMAKE_BINARY_DIR}/python;GELUCHECK_BINARY=$<TARGET_FILE:gelucheck>")
  add_test(NAME python_install_venv
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/python_install_venv.sh ${CMAKE_BINARY_DIR}
            ${CMAKE_CURRENT_BINARY_DIR}/python_venv)
endif()
