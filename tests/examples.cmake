# CI of the examples: install gelucheck into the build tree, build examples/consumer (a project
# asserting accuracy in its own Catch2 test) and examples/plugin against the installed package as
# a user would, capture outputs with numpy standing in for a framework, and gate them:
# examples/gate/gate.toml must pass (exit 0), examples/gate/gate_degraded.toml must fail (exit 1)
# naming the failing check, the limits and the worst inputs.
set(EXAMPLES_DIR ${CMAKE_BINARY_DIR}/examples)
set(EXAMPLES_PREFIX ${EXAMPLES_DIR}/prefix)
set(EXAMPLES_GELUCHECK ${EXAMPLES_PREFIX}/${CMAKE_INSTALL_BINDIR}/gelucheck)
set(EXAMPLES_BUILD_OPTIONS
  -DCMAKE_PREFIX_PATH=${EXAMPLES_PREFIX} -DCMAKE_BUILD_TYPE=Release
  -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER})
# The gate files name the plugin and the captured outputs relative to themselves.
configure_file(${PROJECT_SOURCE_DIR}/examples/gate/gate.toml ${EXAMPLES_DIR}/gate/gate.toml COPYONLY)
configure_file(${PROJECT_SOURCE_DIR}/examples/gate/gate_degraded.toml
               ${EXAMPLES_DIR}/gate/gate_degraded.toml COPYONLY)

add_test(NAME examples_install
  COMMAND ${CMAKE_COMMAND} --install ${CMAKE_BINARY_DIR} --prefix ${EXAMPLES_PREFIX})
set_tests_properties(examples_install PROPERTIES FIXTURES_SETUP gelucheck_installed)

add_test(NAME examples_consumer
  COMMAND ${CMAKE_CTEST_COMMAND} --build-and-test ${PROJECT_SOURCE_DIR}/examples/consumer
          ${EXAMPLES_DIR}/consumer --build-generator ${CMAKE_GENERATOR}
          --build-options ${EXAMPLES_BUILD_OPTIONS}
          --test-command ${CMAKE_CTEST_COMMAND} --output-on-failure)
set_tests_properties(examples_consumer PROPERTIES FIXTURES_REQUIRED gelucheck_installed)

add_test(NAME examples_plugin
  COMMAND ${CMAKE_CTEST_COMMAND} --build-and-test ${PROJECT_SOURCE_DIR}/examples/plugin
          ${EXAMPLES_DIR}/plugin --build-generator ${CMAKE_GENERATOR}
          --build-options ${EXAMPLES_BUILD_OPTIONS})
set_tests_properties(examples_plugin PROPERTIES
  FIXTURES_REQUIRED gelucheck_installed FIXTURES_SETUP example_plugin)

add_test(NAME examples_inputs
  COMMAND ${EXAMPLES_GELUCHECK} inputs -t bf16 --range -8:8 -o ${EXAMPLES_DIR}/gate/inputs_bf16.npy)
set_tests_properties(examples_inputs PROPERTIES
  FIXTURES_REQUIRED gelucheck_installed FIXTURES_SETUP example_inputs)
add_test(NAME examples_capture
  COMMAND ${GELUCHECK_PYTHON3} ${PROJECT_SOURCE_DIR}/examples/capture/capture_with_numpy.py
          ${EXAMPLES_DIR}/gate/inputs_bf16.npy ${EXAMPLES_DIR}/gate/captured_gelu_bf16.npy)
set_tests_properties(examples_capture PROPERTIES
  FIXTURES_REQUIRED example_inputs FIXTURES_SETUP example_capture)

add_test(NAME examples_gate_passes
  COMMAND ${EXAMPLES_GELUCHECK} gate ${EXAMPLES_DIR}/gate/gate.toml
          --junit ${EXAMPLES_DIR}/gate/gate.junit.xml --json ${EXAMPLES_DIR}/gate/gate.json)
set_tests_properties(examples_gate_passes PROPERTIES
  FIXTURES_REQUIRED "example_plugin;example_capture")

add_test(NAME examples_gate_degraded_fails
  COMMAND ${CMAKE_COMMAND} -DEXPECT_EXIT=1
          "-DMATCH1=FAIL degraded bf16 kernel \\(.*gate_degraded.toml:[0-9]+\\)"
          "-DMATCH2=max_ulp = [0-9.]+ fails <= 0.501"
          "-DMATCH3=min_correctly_rounded = [0-9.]+ fails >= 0.99"
          "-DMATCH4=worst inputs by \\|ULP error\\|:\n +x = -[0-9.]+ \\(0x[0-9a-f]+, -0x"
          -P ${CMAKE_CURRENT_SOURCE_DIR}/run_and_expect.cmake --
          ${EXAMPLES_GELUCHECK} gate ${EXAMPLES_DIR}/gate/gate_degraded.toml)
set_tests_properties(examples_gate_degraded_fails PROPERTIES FIXTURES_REQUIRED example_plugin)
