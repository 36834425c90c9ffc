# Installs the library, the tool and a CMake package, so that another project can write
#   find_package(gelucheck 0.1 REQUIRED)
#   target_link_libraries(my_tests PRIVATE gelucheck::core)  # #include <gelucheck/STAGE/...hpp>
# and get the library with its public dependencies (Boost, fmt, MPFR, nlohmann_json) found, the
# plugin ABI header as gelucheck::plugin_abi, and the tool as gelucheck::gelucheck.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set_target_properties(gelucheck_core PROPERTIES EXPORT_NAME core)
target_compile_features(gelucheck_core PUBLIC cxx_std_20)
# Installed headers live in include/gelucheck/STAGE/ and include each other as "STAGE/NAME.hpp",
# so include/gelucheck is on the include path too.
target_include_directories(gelucheck_core PUBLIC $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/gelucheck>)
add_library(gelucheck::core ALIAS gelucheck_core)

add_library(gelucheck_plugin_abi INTERFACE)
set_target_properties(gelucheck_plugin_abi PROPERTIES EXPORT_NAME plugin_abi)
target_include_directories(gelucheck_plugin_abi
  INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/src/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/gelucheck
  FILES_MATCHING PATTERN "*.hpp" PATTERN "cli" EXCLUDE)
# The plugin ABI is C and stands alone: <gelucheck/plugin_abi.h>.
install(FILES ${PROJECT_SOURCE_DIR}/src/implementations/plugin_abi.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/gelucheck)
install(TARGETS gelucheck_core gelucheck_plugin_abi gelucheck EXPORT gelucheckTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(GELUCHECK_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/gelucheck)
install(EXPORT gelucheckTargets NAMESPACE gelucheck:: DESTINATION ${GELUCHECK_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/gelucheckConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/gelucheckConfig.cmake INSTALL_DESTINATION ${GELUCHECK_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/gelucheckConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/gelucheckConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/gelucheckConfigVersion.cmake
        DESTINATION ${GELUCHECK_CMAKE_DIR})

# Bash completion, and the man page generated from --help and --version by Debian's help2man
# (when it is installed: scripts/install-deps.sh installs it).
install(FILES ${PROJECT_SOURCE_DIR}/share/gelucheck.bash-completion
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME gelucheck)
find_program(GELUCHECK_HELP2MAN help2man)
if(GELUCHECK_HELP2MAN)
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/gelucheck.1
    COMMAND ${GELUCHECK_HELP2MAN} --no-info --section=1
            "--name=input-by-input accuracy of low-precision activation functions"
            --output=${CMAKE_BINARY_DIR}/gelucheck.1 $<TARGET_FILE:gelucheck>
    DEPENDS gelucheck
    COMMENT "Generating the man page gelucheck.1 (help2man)")
  add_custom_target(gelucheck_man ALL DEPENDS ${CMAKE_BINARY_DIR}/gelucheck.1)
  install(FILES ${CMAKE_BINARY_DIR}/gelucheck.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man not found (apt-get install help2man): no man page")
endif()
