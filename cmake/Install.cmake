# cmake --install: headers, static libraries, example strategy packages and a
# CMake package (alcConfig.cmake + FindCAF) so a host does find_package(alc)
# and links alc::alc.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(ALC_INSTALL_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/alc")
set(ALC_INSTALL_PACKAGES_DIR "${CMAKE_INSTALL_DATADIR}/alc/packages")

# One target for hosts: the actors library and everything it needs.
# (Exported as alc::alc; named alc_api here because `alc` is the CLI.)
add_library(alc_api INTERFACE)
target_link_libraries(alc_api INTERFACE alc_actors)
target_include_directories(alc_api INTERFACE $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
                                             $<INSTALL_INTERFACE:include>)
set_target_properties(alc_api PROPERTIES EXPORT_NAME alc)
add_library(alc::alc ALIAS alc_api)

install(TARGETS alc_api alc_actors alc_wire alc_lua_bridge alc_messages
        EXPORT alcTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT alcTargets NAMESPACE alc:: DESTINATION ${ALC_INSTALL_CMAKE_DIR})

# Public headers: include/alc/*.hpp as <alc/...>; the value types and the
# registry's vocabulary they include keep their folders below it:
# <prefix>/include/alc/{messages,actors}/...
install(DIRECTORY include/alc/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/alc FILES_MATCHING
        PATTERN "*.hpp")
file(GLOB ALC_MESSAGE_HEADERS ${PROJECT_SOURCE_DIR}/messages/*.hpp)
install(FILES ${ALC_MESSAGE_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/alc/messages)
install(FILES actors/registry_actor.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/alc/actors)
# The command line, next to the libraries it is built from.
install(TARGETS alc RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY examples/packages/ DESTINATION ${ALC_INSTALL_PACKAGES_DIR})

configure_package_config_file(cmake/alcConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/alcConfig.cmake
  INSTALL_DESTINATION ${ALC_INSTALL_CMAKE_DIR}
  PATH_VARS ALC_INSTALL_PACKAGES_DIR)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/alcConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/alcConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/alcConfigVersion.cmake
              cmake/FindCAF.cmake
        DESTINATION ${ALC_INSTALL_CMAKE_DIR})
