# The microbenchmarks of ci/bench.sh (codec_bench, sign_bench), built like the unit
# tests against pushspec_core, and the ctest bench_smoke: ci/bench.sh in its quick
# mode on this build, checking that every figure line is printed and parses (no
# thresholds: timings stay out of tests). Its own soketi on 7101, apart from 6001.
if(NOT PUSHSPEC_FUZZ)   # a fuzz build instruments core for the fuzzers only
foreach(name codec_bench sign_bench)
  # The embedded catalogs: core's rules.c/clauses.c name them, and only the binary
  # has them. Linked here until core registers them itself.
  add_executable(${name} ${CMAKE_SOURCE_DIR}/ci/bench/${name}.c
    ${CMAKE_BINARY_DIR}/embedded_rules.c ${CMAKE_BINARY_DIR}/embedded_clauses.c)
  target_link_libraries(${name} PRIVATE pushspec_core)
endforeach()
add_test(NAME bench_smoke COMMAND bash ${CMAKE_SOURCE_DIR}/ci/bench/smoke.sh ${CMAKE_BINARY_DIR})
set_tests_properties(bench_smoke PROPERTIES TIMEOUT 600)
endif()
