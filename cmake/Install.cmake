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

# Public headers keep their folders: <prefix>/include/alc/{messages,actors}/...
install(FILES include/alc/alc.hpp include/alc/handles.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/alc)
file(GLOB ALC_MESSAGE_HEADERS ${PROJECT_SOURCE_DIR}/messages/*.hpp)
install(FILES ${ALC_MESSAGE_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/alc/messages)
install(FILES actors/client.hpp actors/registry_actor.hpp actors/runtime.hpp
              actors/runtime_options.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/alc/actors)
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
