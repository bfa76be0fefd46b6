# Installing and packaging: `cmake --install BUILD [--prefix P]` puts the binary, its man page
# (made at build time from the help texts), the SDK adapters and example targets in place;
# `cpack -G DEB` (in BUILD) makes a .deb that depends on the Debian runtime libraries.
include(GNUInstallDirs)

add_executable(pushspec-manpage harness/man/manpage.c harness/help.c harness/cli.c harness/cli_opts.c)
target_include_directories(pushspec-manpage PRIVATE harness)
target_link_libraries(pushspec-manpage PRIVATE m)   # cli_opts.c checks numbers with isfinite
target_compile_definitions(pushspec-manpage PRIVATE PUSHSPEC_VERSION="${PROJECT_VERSION}")
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/pushspec.1
  COMMAND pushspec-manpage ${CMAKE_BINARY_DIR}/pushspec.1
  DEPENDS pushspec-manpage COMMENT "Writing the man page pushspec.1 from the help texts")
add_custom_target(manpage ALL DEPENDS ${CMAKE_BINARY_DIR}/pushspec.1)

install(TARGETS pushspec RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_BINARY_DIR}/pushspec.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
file(GLOB PS_ADAPTERS CONFIGURE_DEPENDS ci/adapters/*.js)
install(PROGRAMS ${PS_ADAPTERS} DESTINATION ${CMAKE_INSTALL_DATADIR}/pushspec/adapters)
install(DIRECTORY ci/adapters/lib ci/adapters/browser DESTINATION ${CMAKE_INSTALL_DATADIR}/pushspec/adapters)
install(FILES ci/adapters/PROTOCOL.md DESTINATION ${CMAKE_INSTALL_DATADIR}/pushspec/adapters)
file(GLOB PS_EXPECTS CONFIGURE_DEPENDS ci/targets/*.expect)
install(FILES ci/targets/soketi.lua ${PS_EXPECTS} ci/soketi.json ci/examples/github-actions.yml
  DESTINATION ${CMAKE_INSTALL_DATADIR}/pushspec/examples)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Depends: dpkg-shlibdeps (dpkg-dev) names the package of each library the binary links, with
# its version, on the machine that builds the .deb (on Debian 12: libwebsockets17, libcjson1,
# liblua5.4-0, libsodium23, libssl3, libc6); ci/test.sh checks them against dpkg -S.
set(CPACK_PACKAGE_NAME pushspec)
set(CPACK_PACKAGE_CONTACT "pushspec maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "conformance harness and fuzzer for the Pusher Channels protocol v7")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nodejs")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
# Its tests (init_soketi, ci_example, docs_paths, manpage): harness/tests/tests.cmake.
