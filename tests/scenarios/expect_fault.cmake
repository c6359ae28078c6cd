# Runs megacycle in a way that must fail at run time (injected fault, unwritable or full output folder,
# a run too large for memory) and checks that it fails cleanly:
#   - it ends within TIMEOUT seconds (no hang) with a non-zero exit status (EXIT_CODE if given),
#   - stderr contains EXPECT,
#   - OUT does not exist, and nothing under OUT.incomplete claims to be complete.
# Usage: cmake -DCOMMAND=<prog>|<arg>|... -DOUT=<folder> -DEXPECT=<substring> [-DEXIT_CODE=n]
#              [-DTIMEOUT=s] [-DMOUNT_TMPFS_KB=n] -P expect_fault.cmake
# With MOUNT_TMPFS_KB, OUT's parent is a fresh tmpfs of that size (a full disk); the test is skipped
# (exit 77) where tmpfs cannot be mounted.
cmake_minimum_required(VERSION 3.25)
foreach(var COMMAND OUT EXPECT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "expect_fault.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED TIMEOUT)
  set(TIMEOUT 60)
endif()
string(REPLACE "|" ";" command "${COMMAND}")

get_filename_component(parent "${OUT}" DIRECTORY)
if(DEFINED MOUNT_TMPFS_KB)
  execute_process(COMMAND umount "${parent}" ERROR_QUIET OUTPUT_QUIET)
  file(REMOVE_RECURSE "${parent}")
  file(MAKE_DIRECTORY "${parent}")
  execute_process(COMMAND mount -t tmpfs -o size=${MOUNT_TMPFS_KB}k tmpfs "${parent}" RESULT_VARIABLE mounted
                  ERROR_VARIABLE mount_err)
  if(NOT mounted EQUAL 0)
    message("SKIP: cannot mount a tmpfs here (${mount_err})")
    cmake_language(EXIT 77)
  endif()
else()
  file(REMOVE_RECURSE "${OUT}" "${OUT}.incomplete")
endif()

execute_process(COMMAND ${command} RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out TIMEOUT ${TIMEOUT})
set(problems "")
if(rc MATCHES "timeout")
  string(APPEND problems "\n  did not end within ${TIMEOUT} s (a hang)")
elseif(rc EQUAL 0)
  string(APPEND problems "\n  exit status 0; expected a failure")
elseif(DEFINED EXIT_CODE AND NOT rc EQUAL EXIT_CODE)
  string(APPEND problems "\n  exit status ${rc}; expected ${EXIT_CODE}")
endif()
string(FIND "${err}" "${EXPECT}" found)
if(found EQUAL -1)
  string(APPEND problems "\n  stderr lacks \"${EXPECT}\"")
endif()
if(EXISTS "${OUT}")
  string(APPEND problems "\n  ${OUT} exists: a failed run must not look finished")
endif()
if(EXISTS "${OUT}.incomplete/manifest.json")
  file(READ "${OUT}.incomplete/manifest.json" manifest)
  if(manifest MATCHES "\"complete\": true")
    string(APPEND problems "\n  ${OUT}.incomplete/manifest.json says complete")
  endif()
endif()
if(DEFINED MOUNT_TMPFS_KB)
  execute_process(COMMAND umount "${parent}")
endif()
if(problems)
  message(FATAL_ERROR "failure was not clean:${problems}\n--- stderr ---\n${err}")
endif()
