# Every test of the harness itself, registered here and one way: a shell test is
# ps_script_test (bash SCRIPT BINARY SOURCE_DIR, the script sourcing harness/tests/lib.sh),
# a unit test is a test_*.c linked against core. The suites (run against soketi and the
# SDKs) stay in CMakeLists.txt (ps_suite).

# ps_script_test(NAME SCRIPT [ARGS...]): bash SCRIPT (relative to the source dir) with
# ARGS, by default the pushspec binary and the source dir.
function(ps_script_test name script)
  set(args ${ARGN})
  if(NOT args)
    set(args $<TARGET_FILE:pushspec> ${CMAKE_SOURCE_DIR})
  endif()
  add_test(NAME ${name} COMMAND bash ${CMAKE_SOURCE_DIR}/${script} ${args})
endfunction()

file(GLOB PS_UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/harness/tests/test_*.c)
foreach(src ${PS_UNIT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE pushspec_core)
  target_compile_definitions(${name} PRIVATE PS_TEST_DATA="${CMAKE_SOURCE_DIR}/harness/tests")
  add_test(NAME ${name} COMMAND ${name})
endforeach()
# The memory ceiling's accounting with a store that draws from it (the clock and limit sink stubbed)
target_sources(test_budget PRIVATE ${CMAKE_SOURCE_DIR}/harness/net/budget.c ${CMAKE_SOURCE_DIR}/harness/net/transcript.c)

# The binary's own behaviour (CLI, runner, Lua sandbox) is tested through it.
file(GLOB PS_CLI_TESTS CONFIGURE_DEPENDS RELATIVE ${CMAKE_SOURCE_DIR} ${CMAKE_SOURCE_DIR}/harness/tests/cli_*.sh)
foreach(script ${PS_CLI_TESTS})
  get_filename_component(name ${script} NAME_WE)
  ps_script_test(${name} ${script})
endforeach()

# Hostile peers (harness/tests/hostile/peer.py) against the binary: floods, an
# echoed secret, a stubborn adapter; each checks its outcome and peak memory.
file(GLOB PS_HOSTILE_TESTS CONFIGURE_DEPENDS RELATIVE ${CMAKE_SOURCE_DIR} ${CMAKE_SOURCE_DIR}/harness/tests/hostile/test_*.sh)
foreach(script ${PS_HOSTILE_TESTS})
  get_filename_component(name ${script} NAME_WE)
  string(REPLACE "test_" "hostile_" name ${name})
  ps_script_test(${name} ${script})
endforeach()

# The Lua modules offline, with the stand-alone interpreter: the shared verifiers
# (ps.verify), how prelude.lua wires the modules (loader, chunk names, sandbox), and
# explore's model, generator and shrinker.
find_program(PS_LUA_INTERPRETER NAMES lua5.4 REQUIRED)
foreach(name lua_verify lua_modules lua_explore lua_explore_diff)
  add_test(NAME ${name} COMMAND ${PS_LUA_INTERPRETER} ${CMAKE_SOURCE_DIR}/harness/tests/${name}.lua
    ${CMAKE_SOURCE_DIR}/harness/lua)
endforeach()

# The clause audit (issue 10): every rule split into clauses in scenarios/CLAUSES.md, every
# clause checked by a labelled check, no scenario using a label the catalog does not define.
ps_script_test(clauses ci/check-clauses.sh $<TARGET_FILE:pushspec>)

# The tool as installed and as documented: init against the CI soketi, the CI example, the
# documents (no machine paths; every file and function they name exists) and the man page.
ps_script_test(init_soketi harness/tests/soketi_init.sh)
add_test(NAME ci_example COMMAND python3 ${CMAKE_SOURCE_DIR}/ci/check-example.py
  $<TARGET_FILE:pushspec> ${CMAKE_SOURCE_DIR}/ci/examples/github-actions.yml)
ps_script_test(docs_paths harness/tests/docs_paths.sh ${CMAKE_SOURCE_DIR})
ps_script_test(docs_names harness/tests/docs_names.sh ${CMAKE_SOURCE_DIR})
ps_script_test(manpage harness/tests/manpage.sh ${CMAKE_BINARY_DIR}/pushspec.1 $<TARGET_FILE:pushspec>)
