# Runs megacycle on bad input and checks that it fails the documented way:
#   - exit status 2,
#   - stderr contains the expected substring (which names file:line:column or the --set argument),
#   - stderr is one line (one message, no cascade of follow-on errors), unless LAUNCHER is given
#     (mpiexec adds its own lines),
#   - no output is left behind: neither OUT nor OUT.incomplete exists afterwards. With EXISTING=ON,
#     OUT is created first with a marker file and must be left exactly as it was.
#
# Usage: cmake -DPROGRAM=<megacycle> -DSCENARIO=<file> -DOUT=<folder> [-DEXPECT=<substring>]
#              [-DSUBCOMMAND=<run or validate>] [-DSETS=<path=value>|<path=value>...] [-DEXTRA=<arg>|<arg>...]
#              [-DLAUNCHER=<mpiexec>|-n|3|...] [-DEXISTING=ON] -P expect_failure.cmake
# Lists are '|'-separated (';' does not survive add_test). Without EXPECT, the expectation is read from
# the scenario's first line, which must be "# expect: <substring>".
cmake_minimum_required(VERSION 3.25)

foreach(var PROGRAM SCENARIO OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "expect_failure.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED SUBCOMMAND)
  set(SUBCOMMAND run)
endif()

if(NOT DEFINED EXPECT)
  file(STRINGS "${SCENARIO}" first_line LIMIT_COUNT 1)
  if(NOT first_line MATCHES "^# expect: (.+)$")
    message(FATAL_ERROR "${SCENARIO}: first line must be '# expect: <substring>', got '${first_line}'")
  endif()
  set(EXPECT "${CMAKE_MATCH_1}")
endif()

set(args ${SUBCOMMAND} "${SCENARIO}")
if(SUBCOMMAND STREQUAL "run")
  list(APPEND args --out "${OUT}" --quiet)
endif()
if(DEFINED SETS)
  string(REPLACE "|" ";" sets "${SETS}")
  foreach(s IN LISTS sets)
    list(APPEND args --set "${s}")
  endforeach()
endif()
if(DEFINED EXTRA)
  string(REPLACE "|" ";" extra "${EXTRA}")
  list(APPEND args ${extra})
endif()
set(launcher "")
if(DEFINED LAUNCHER)
  string(REPLACE "|" ";" launcher "${LAUNCHER}")
endif()

# Start from a known state.
file(REMOVE_RECURSE "${OUT}" "${OUT}.incomplete")
if(EXISTING)
  file(MAKE_DIRECTORY "${OUT}")
  file(WRITE "${OUT}/marker.txt" "left by expect_failure.cmake; must survive\n")
endif()

execute_process(COMMAND ${launcher} "${PROGRAM}" ${args}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
string(JOIN " " shown ${launcher} "${PROGRAM}" ${args})
set(context "command: ${shown}\nexit status: ${rc}\nstdout:\n${out}\nstderr:\n${err}")

set(problems "")
if(NOT rc STREQUAL "2")
  string(APPEND problems "  exit status is ${rc}, expected 2\n")
endif()
string(FIND "${err}" "${EXPECT}" at)
if(at EQUAL -1)
  string(APPEND problems "  stderr does not contain the expected text: ${EXPECT}\n")
endif()
if(NOT err MATCHES "megacycle: error: ")
  string(APPEND problems "  stderr has no 'megacycle: error: ' line\n")
endif()
if(NOT DEFINED LAUNCHER)
  string(STRIP "${err}" stripped)
  if(stripped MATCHES "\n")
    string(APPEND problems "  stderr has more than one line; expected a single error message\n")
  endif()
endif()
if(EXISTING)
  file(GLOB_RECURSE left RELATIVE "${OUT}" LIST_DIRECTORIES true "${OUT}/*")
  if(NOT left STREQUAL "marker.txt")
    string(APPEND problems "  existing folder ${OUT} was changed: it now holds '${left}'\n")
  else()
    file(READ "${OUT}/marker.txt" marker)
    if(NOT marker STREQUAL "left by expect_failure.cmake; must survive\n")
      string(APPEND problems "  marker file in existing folder ${OUT} was modified\n")
    endif()
  endif()
elseif(EXISTS "${OUT}")
  string(APPEND problems "  output folder ${OUT} exists after a failed run\n")
endif()
if(EXISTS "${OUT}.incomplete")
  string(APPEND problems "  ${OUT}.incomplete exists after a failed run\n")
endif()

if(problems)
  message(FATAL_ERROR "bad input was not rejected as expected:\n${problems}${context}")
endif()
message(STATUS "rejected as expected (exit 2): ${EXPECT}")
