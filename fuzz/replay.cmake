# Regression replay (ctest fuzz_replay_<target>): every file kept under
# corpus/<target>/, the regress-* reproducers of past findings included, run
# once through the target's properties by a plain main() (afl_driver.c), no
# fuzzing engine. Built with the project's compiler and flags, so CI replays
# them under ASan+UBSan. Fuzz builds (PUSHSPEC_FUZZ=ON) replay with the
# fuzzers themselves instead.
file(GLOB PS_REPLAY_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fuzz/fuzz_*.c)
foreach(src ${PS_REPLAY_SOURCES})
  get_filename_component(name ${src} NAME_WE)
  add_executable(replay_${name} ${src} ${CMAKE_SOURCE_DIR}/fuzz/afl_driver.c)
  target_link_libraries(replay_${name} PRIVATE pushspec_core)
  file(GLOB inputs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/corpus/${name}/*)
  if(NOT inputs)
    message(FATAL_ERROR "corpus/${name}/ is empty: fuzz/seeds.sh writes its seeds")
  endif()
  add_test(NAME fuzz_replay_${name} COMMAND replay_${name} ${inputs})
endforeach()
target_sources(replay_fuzz_adapter_lines PRIVATE ${CMAKE_SOURCE_DIR}/harness/lua/luajson.c)
target_link_libraries(replay_fuzz_adapter_lines PRIVATE PkgConfig::LUA m)
