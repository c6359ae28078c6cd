# Checkpoint and restart (label "checkpoint"; docs/checkpoints.md). Included by CMakeLists.txt here.
#
#   checkpoint_restart_np2         small_industry at 2 ranks, --checkpoint-every 4, rank 1 killed in
#                                  quarter 6: resumed from the quarter-4 checkpoint at 2 ranks, every CSV
#                                  equals an uninterrupted run's (restart.cmake)
#   checkpoint_restart_np3_to_np2  SIGTERM raised on rank 2 in quarter 3 (test fault): stops with exit 3
#                                  after quarter 4; resumed at 2 ranks, identical CSVs
#   checkpoint_restart_np1_to_np2  written at 1 rank (periodic checkpoint at 4, SIGTERM in quarter 5: only
#                                  the quarter-6 one is kept), resumed at 2 ranks, identical CSVs
#   checkpoint_sigterm_np2         a real SIGTERM to both ranks of a running job once its first progress
#                                  line appears: exit 3, then the resumed run equals an uninterrupted one
#                                  (sigterm_restart.py; skipped if the run ends before the signal)
#   checkpoint_truncated_refused   a part file 100 bytes short: the resume exits 2 naming the file, writes
#                                  nothing and leaves the checkpoint as it was
#   checkpoint_corrupt_refused     a flipped byte in global.bin: likewise, "the file is corrupt"
#   checkpoint_resume_with_scenario_refused, checkpoint_no_scenario_refused  --resume with a scenario
#                                  file, and neither: exit 2 with the message
set(restart_env "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1")
set(checkpoint_scenario ${CMAKE_CURRENT_SOURCE_DIR}/small_industry.textproto)

function(megacycle_restart_test name first resume fault quarter)
  cmake_parse_arguments(R "" "EVERY;CORRUPT;EXPECT" "" ${ARGN})
  set(args -DMPIEXEC=${MPIEXEC_EXECUTABLE} -DNUMPROC_FLAG=${MPIEXEC_NUMPROC_FLAG} -DPROGRAM=$<TARGET_FILE:megacycle>
           -DSCENARIO=${checkpoint_scenario} -DOUTROOT=${CMAKE_CURRENT_BINARY_DIR}/out/${name}
           -DFIRST_RANKS=${first} -DRESUME_RANKS=${resume} -DFAULT=${fault} -DQUARTER=${quarter})
  if(R_EVERY)
    list(APPEND args -DEVERY=${R_EVERY})
  endif()
  if(R_CORRUPT)
    list(APPEND args -DCORRUPT=${R_CORRUPT} "-DEXPECT=${R_EXPECT}")
  endif()
  add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} ${args} -P ${CMAKE_CURRENT_SOURCE_DIR}/restart.cmake)
  set(processors ${first})
  if(resume GREATER first)
    set(processors ${resume})
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "checkpoint;mpi" PROCESSORS ${processors} TIMEOUT 120
                                          ENVIRONMENT "${restart_env}")
endfunction()

megacycle_restart_test(checkpoint_restart_np2 2 2 kill:rank=1:quarter=6 4 EVERY 4)
megacycle_restart_test(checkpoint_restart_np3_to_np2 3 2 signal:rank=2:quarter=3 4)
megacycle_restart_test(checkpoint_restart_np1_to_np2 1 2 signal:rank=0:quarter=5 6 EVERY 4)
megacycle_restart_test(checkpoint_truncated_refused 2 2 signal:rank=0:quarter=2 3 CORRUPT truncate
  EXPECT "part-0001.bin: |bytes, the checkpoint header records|: the file is truncated or was replaced")
megacycle_restart_test(checkpoint_corrupt_refused 2 2 signal:rank=1:quarter=2 3 CORRUPT flip
  EXPECT "global.bin: SHA-256 |differs from the checkpoint header's|: the file is corrupt")

add_test(NAME checkpoint_sigterm_np2
         COMMAND ${MEGACYCLE_TEST_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/sigterm_restart.py --program $<TARGET_FILE:megacycle>
                 --mpiexec ${MPIEXEC_EXECUTABLE} --scenario ${checkpoint_scenario}
                 --out ${CMAKE_CURRENT_BINARY_DIR}/out/checkpoint_sigterm_np2
                 --set enterprises.population=300000 --set quarters=24)
set_tests_properties(checkpoint_sigterm_np2 PROPERTIES LABELS "checkpoint;mpi" PROCESSORS 2 TIMEOUT 120
                                                       SKIP_RETURN_CODE 77 ENVIRONMENT "${restart_env}")

add_test(NAME checkpoint_resume_with_scenario_refused
         COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:megacycle> -DSCENARIO=${CMAKE_CURRENT_SOURCE_DIR}/small.textproto
                 -DOUT=${CMAKE_CURRENT_BINARY_DIR}/out/checkpoint_resume_with_scenario_refused
                 "-DEXTRA=--resume|${CMAKE_CURRENT_BINARY_DIR}/out/nowhere.checkpoint"
                 "-DEXPECT=give a scenario file or --resume, not both (a checkpoint holds its scenario)"
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_failure.cmake)
add_test(NAME checkpoint_no_scenario_refused
         COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:megacycle> -DSCENARIO=
                 -DOUT=${CMAKE_CURRENT_BINARY_DIR}/out/checkpoint_no_scenario_refused
                 "-DEXPECT=run: give a scenario file, or --resume OUT.checkpoint to continue a stopped run"
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_failure.cmake)
set_tests_properties(checkpoint_resume_with_scenario_refused checkpoint_no_scenario_refused
                     PROPERTIES LABELS "checkpoint;scenario")
