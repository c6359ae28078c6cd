# Stops a run at a checkpoint, resumes it, and requires the outputs of an uninterrupted run, byte for byte
# (docs/checkpoints.md):
#   1. reference: the scenario in one go at RESUME_RANKS ranks, into OUTROOT/reference;
#   2. the run at FIRST_RANKS ranks into OUTROOT/run with MEGACYCLE_TEST_FAULT=FAULT [--checkpoint-every
#      EVERY]: "signal:rank=R:quarter=Q" raises SIGTERM on rank R, so the run stops at a checkpoint after
#      quarter Q (exit status 3, one line saying how to resume); "kill:rank=R:quarter=Q" crashes it, so only
#      the last periodic checkpoint is left. Either way OUTROOT/run.checkpoint/latest must name
#      quarter-<QUARTER> and OUTROOT/run must not exist; a fresh run into OUTROOT/run is then refused
#      (exit status 2: resume it, or --overwrite);
#   3. with CORRUPT (truncate: the last part file loses its last 100 bytes; flip: a byte of global.bin is
#      changed), the resume must fail: exit status 2, EXPECT on stderr ('|'-separated: each of them), no OUTROOT/run or run.incomplete,
#      the checkpoint left as it was. Stops there;
#   4. the resume at RESUME_RANKS ranks: megacycle run --resume OUTROOT/run.checkpoint (no --out: the
#      original folder is the default);
#   5. the same CSV files as the reference, each identical; manifest.json complete, resumed_from_quarter =
#      [QUARTER], ranks_history = [FIRST_RANKS, RESUME_RANKS]; the checkpoint folder removed.
#
# Usage: cmake -DMPIEXEC=<mpiexec> -DNUMPROC_FLAG=-n -DPROGRAM=<megacycle> -DSCENARIO=<file> -DOUTROOT=<dir>
#              -DFIRST_RANKS=n -DRESUME_RANKS=n -DFAULT=<fault> -DQUARTER=q [-DEVERY=n] [-DARGS=<arg>|...]
#              [-DCORRUPT=truncate|flip -DEXPECT=<substring>] -P restart.cmake
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/../compare_files.cmake)
foreach(var MPIEXEC NUMPROC_FLAG PROGRAM SCENARIO OUTROOT FIRST_RANKS RESUME_RANKS FAULT QUARTER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "restart.cmake: -D${var}=... is required")
  endif()
endforeach()
set(args "")
if(DEFINED ARGS)
  string(REPLACE "|" ";" args "${ARGS}")
endif()
set(ENV{OMPI_ALLOW_RUN_AS_ROOT} 1)
set(ENV{OMPI_ALLOW_RUN_AS_ROOT_CONFIRM} 1)
set(ENV{OMPI_MCA_rmaps_base_oversubscribe} 1)
unset(ENV{MEGACYCLE_TEST_FAULT})

file(REMOVE_RECURSE "${OUTROOT}")
file(MAKE_DIRECTORY "${OUTROOT}")
set(run "${OUTROOT}/run")
set(checkpoint "${run}.checkpoint")
string(LENGTH "000${QUARTER}" n)
math(EXPR from "${n} - 4")
string(SUBSTRING "000${QUARTER}" ${from} 4 padded)
set(expected_folder "quarter-${padded}")

function(megacycle ranks)
  set(cmd "${MPIEXEC}" ${NUMPROC_FLAG} ${ranks} --oversubscribe "${PROGRAM}" ${ARGN})
  string(JOIN " " shown ${cmd})
  execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
  set(rc "${rc}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
  set(shown "${shown}" PARENT_SCOPE)
endfunction()

# 1. The reference (not needed when the resume is to be refused).
if(NOT DEFINED CORRUPT)
  megacycle(${RESUME_RANKS} run "${SCENARIO}" --out "${OUTROOT}/reference" --quiet ${args})
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "reference run failed (exit ${rc}): ${shown}\n${err}")
  endif()
endif()

# 2. The run that stops (or crashes).
set(every "")
if(DEFINED EVERY)
  set(every --checkpoint-every ${EVERY})
endif()
set(ENV{MEGACYCLE_TEST_FAULT} "${FAULT}")
megacycle(${FIRST_RANKS} run "${SCENARIO}" --out "${run}" --quiet ${every} ${args})
unset(ENV{MEGACYCLE_TEST_FAULT})
if(FAULT MATCHES "^signal:")
  if(NOT rc EQUAL 3)
    message(FATAL_ERROR "a run sent SIGTERM must stop with exit status 3, got ${rc}: ${shown}\n${err}")
  endif()
  set(line "megacycle: stopped at a checkpoint after quarter ${QUARTER} of ")
  string(FIND "${err}" "${line}" found)
  string(FIND "${err}" "(SIGTERM); resume with --resume ${checkpoint}" found_hint)
  if(found EQUAL -1 OR found_hint EQUAL -1)
    message(FATAL_ERROR "stderr lacks \"${line}N (SIGTERM); resume with --resume ${checkpoint}\":\n${err}")
  endif()
elseif(rc EQUAL 0 OR rc EQUAL 3)
  message(FATAL_ERROR "the crashed run exited with ${rc}: ${shown}\n${err}")
endif()
if(EXISTS "${run}")
  message(FATAL_ERROR "${run} exists after a stopped run: it must not look finished")
endif()
if(NOT EXISTS "${checkpoint}/latest")
  message(FATAL_ERROR "no ${checkpoint}/latest after the stopped run:\n${err}")
endif()
file(READ "${checkpoint}/latest" latest)
string(STRIP "${latest}" latest)
if(NOT latest STREQUAL expected_folder)
  message(FATAL_ERROR "${checkpoint}/latest names '${latest}', expected ${expected_folder}")
endif()
file(GLOB checkpoints RELATIVE "${checkpoint}" "${checkpoint}/*")
if(NOT checkpoints STREQUAL "latest;${expected_folder}")
  message(FATAL_ERROR "${checkpoint} holds [${checkpoints}]: only the newest checkpoint and `latest` should be kept")
endif()

# 2b. A fresh run into the same folder is refused while the checkpoint is there (exit 2), untouched.
execute_process(COMMAND "${PROGRAM}" run "${SCENARIO}" --out "${run}" --quiet ${args} RESULT_VARIABLE rc
                ERROR_VARIABLE err TIMEOUT 60)
string(FIND "${err}" "a checkpoint of an earlier run is there: continue it with --resume ${checkpoint}" found)
if(NOT rc EQUAL 2 OR found EQUAL -1 OR NOT EXISTS "${checkpoint}/${expected_folder}/checkpoint.json")
  message(FATAL_ERROR "a fresh run into ${run} with ${checkpoint} there: exit ${rc} (expected 2 and the message), "
                      "checkpoint kept: ${found}\n${err}")
endif()

# 3. A damaged checkpoint is refused.
if(DEFINED CORRUPT)
  set(folder "${checkpoint}/${expected_folder}")
  if(CORRUPT STREQUAL "truncate")
    math(EXPR last "${FIRST_RANKS} - 1")
    string(LENGTH "000${last}" n)
    math(EXPR from "${n} - 4")
    string(SUBSTRING "000${last}" ${from} 4 part)
    set(victim "${folder}/part-${part}.bin")
    set(edit "import os, sys\np = sys.argv[1]\nos.truncate(p, os.path.getsize(p) - 100)\n")
  elseif(CORRUPT STREQUAL "flip")
    set(victim "${folder}/global.bin")
    set(edit "import sys\np = sys.argv[1]\nb = bytearray(open(p, 'rb').read())\nb[len(b) // 2] ^= 0x40\n"
             "open(p, 'wb').write(b)\n")
  else()
    message(FATAL_ERROR "CORRUPT=${CORRUPT}: expected truncate or flip")
  endif()
  find_program(PYTHON python3 REQUIRED)
  string(JOIN "" edit ${edit})  # (no ';' in the code above: CMake would split it into a list)
  execute_process(COMMAND "${PYTHON}" -c "${edit}" "${victim}" RESULT_VARIABLE edited)
  if(NOT edited EQUAL 0)
    message(FATAL_ERROR "could not damage ${victim}")
  endif()
  megacycle(${RESUME_RANKS} run --resume "${checkpoint}" --quiet)
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "resuming from a damaged checkpoint: exit ${rc}, expected 2: ${shown}\n${err}")
  endif()
  string(REPLACE "|" ";" expected "${EXPECT}")
  foreach(e IN LISTS expected)
    string(FIND "${err}" "${e}" found)
    if(found EQUAL -1)
      message(FATAL_ERROR "stderr lacks \"${e}\":\n${err}")
    endif()
  endforeach()
  if(EXISTS "${run}" OR EXISTS "${run}.incomplete")
    message(FATAL_ERROR "a refused resume left ${run} or ${run}.incomplete behind")
  endif()
  if(NOT EXISTS "${checkpoint}/latest")
    message(FATAL_ERROR "a refused resume removed the checkpoint")
  endif()
  return()
endif()

# 4. The resume.
megacycle(${RESUME_RANKS} run --resume "${checkpoint}" --quiet)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "resume failed (exit ${rc}): ${shown}\n${err}")
endif()

# 5. The same files, byte for byte, and the manifest's record of the resume.
file(GLOB reference_csvs RELATIVE "${OUTROOT}/reference" "${OUTROOT}/reference/*.csv")
file(GLOB csvs RELATIVE "${run}" "${run}/*.csv")
list(SORT reference_csvs)
list(SORT csvs)
if(NOT csvs STREQUAL reference_csvs)
  message(FATAL_ERROR "the resumed run wrote [${csvs}], the uninterrupted run [${reference_csvs}]")
endif()
foreach(f IN LISTS csvs)
  megacycle_require_same_file("${OUTROOT}/reference/${f}" "${run}/${f}" "uninterrupted" "resumed"
    "${f} differs between the uninterrupted and the resumed run")
endforeach()
file(READ "${run}/manifest.json" manifest)
string(JSON complete GET "${manifest}" complete)
string(JSON resumed GET "${manifest}" resumed_from_quarter 0)
string(JSON history_length LENGTH "${manifest}" ranks_history)
string(JSON history0 GET "${manifest}" ranks_history 0)
string(JSON history1 GET "${manifest}" ranks_history 1)
string(JSON ranks GET "${manifest}" ranks)
if(NOT complete OR NOT resumed EQUAL QUARTER OR NOT history_length EQUAL 2 OR NOT history0 EQUAL FIRST_RANKS OR
   NOT history1 EQUAL RESUME_RANKS OR NOT ranks EQUAL RESUME_RANKS)
  message(FATAL_ERROR "manifest.json: complete ${complete}, resumed_from_quarter [${resumed}], ranks_history of "
                      "${history_length} [${history0}, ${history1}], ranks ${ranks}; expected true, [${QUARTER}], "
                      "[${FIRST_RANKS}, ${RESUME_RANKS}], ${RESUME_RANKS}")
endif()
if(EXISTS "${checkpoint}")
  message(FATAL_ERROR "${checkpoint} is still there after the run completed")
endif()
message(STATUS "resumed at ${RESUME_RANKS} rank(s) from ${FIRST_RANKS} rank(s) after quarter ${QUARTER}: ${csvs} identical")
