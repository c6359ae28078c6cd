# Runs a scenario that must succeed and checks what the run leaves behind:
#   - exit status 0, OUT/quarterly.csv and OUT/manifest.json exist, OUT.incomplete does not,
#   - manifest.json is valid JSON with "complete": true, scenario_sha256 = 64 lowercase hex digits equal
#     to the SHA-256 of scenario_effective_text, and "quarters" = QUARTERS,
#   - quarterly.csv has a header line plus one line per quarter,
#   - every file the manifest's "outputs" lists exists in OUT.
#
# Usage: cmake -DPROGRAM=<megacycle> -DSCENARIO=<file> -DOUT=<folder> -DQUARTERS=<n>
#              [-DSETS=<path=value>|<path=value>...] [-DLAUNCHER=<mpiexec>|-n|2|...] -P check_run.cmake
# Lists are '|'-separated (';' does not survive add_test).
cmake_minimum_required(VERSION 3.25)

foreach(var PROGRAM SCENARIO OUT QUARTERS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_run.cmake: -D${var}=... is required")
  endif()
endforeach()

set(args run "${SCENARIO}" --out "${OUT}" --quiet)
if(DEFINED SETS)
  string(REPLACE "|" ";" sets "${SETS}")
  foreach(s IN LISTS sets)
    list(APPEND args --set "${s}")
  endforeach()
endif()
set(launcher "")
if(DEFINED LAUNCHER)
  string(REPLACE "|" ";" launcher "${LAUNCHER}")
endif()

file(REMOVE_RECURSE "${OUT}" "${OUT}.incomplete")
execute_process(COMMAND ${launcher} "${PROGRAM}" ${args}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "run failed (exit ${rc}):\nstdout:\n${out}\nstderr:\n${err}")
endif()

foreach(f quarterly.csv manifest.json)
  if(NOT EXISTS "${OUT}/${f}")
    message(FATAL_ERROR "run succeeded but ${OUT}/${f} is missing")
  endif()
endforeach()
if(EXISTS "${OUT}.incomplete")
  message(FATAL_ERROR "run succeeded but ${OUT}.incomplete was left behind")
endif()

file(READ "${OUT}/manifest.json" manifest)
string(JSON complete_type ERROR_VARIABLE json_err TYPE "${manifest}" complete)
if(json_err)
  message(FATAL_ERROR "manifest.json: no \"complete\" member (${json_err}):\n${manifest}")
endif()
string(JSON complete GET "${manifest}" complete)
if(NOT complete_type STREQUAL "BOOLEAN" OR NOT complete)
  message(FATAL_ERROR "manifest.json: \"complete\" is ${complete} (${complete_type}), expected true")
endif()
# Also the exact spelling, which shell scripts may grep for.
string(FIND "${manifest}" "\"complete\": true" at)
if(at EQUAL -1)
  message(FATAL_ERROR "manifest.json does not contain the text '\"complete\": true'")
endif()

string(JSON sha ERROR_VARIABLE json_err GET "${manifest}" scenario_sha256)
if(json_err OR NOT sha MATCHES "^[0-9a-f]+$")
  message(FATAL_ERROR "manifest.json: scenario_sha256 missing or not lowercase hex: '${sha}' ${json_err}")
endif()
string(LENGTH "${sha}" sha_len)
if(NOT sha_len EQUAL 64)
  message(FATAL_ERROR "manifest.json: scenario_sha256 has ${sha_len} hex digits, expected 64: ${sha}")
endif()
string(JSON effective ERROR_VARIABLE json_err GET "${manifest}" scenario_effective_text)
if(NOT json_err)
  string(SHA256 expected_sha "${effective}")
  if(NOT sha STREQUAL expected_sha)
    message(FATAL_ERROR "manifest.json: scenario_sha256 ${sha} is not the SHA-256 of "
                        "scenario_effective_text (${expected_sha})")
  endif()
endif()

string(JSON quarters ERROR_VARIABLE json_err GET "${manifest}" quarters)
if(json_err OR NOT quarters EQUAL QUARTERS)
  message(FATAL_ERROR "manifest.json: quarters is '${quarters}', expected ${QUARTERS} ${json_err}")
endif()

string(JSON n_outputs ERROR_VARIABLE json_err LENGTH "${manifest}" outputs)
if(NOT json_err AND n_outputs GREATER 0)
  math(EXPR last "${n_outputs} - 1")
  foreach(i RANGE ${last})
    string(JSON output GET "${manifest}" outputs ${i})
    if(NOT EXISTS "${OUT}/${output}")
      message(FATAL_ERROR "manifest.json lists ${output}, but ${OUT}/${output} is missing")
    endif()
  endforeach()
endif()

file(STRINGS "${OUT}/quarterly.csv" lines)
list(LENGTH lines n_lines)
math(EXPR expected_lines "${QUARTERS} + 1")
if(NOT n_lines EQUAL expected_lines)
  message(FATAL_ERROR "quarterly.csv has ${n_lines} lines, expected ${expected_lines} (header + ${QUARTERS})")
endif()
list(GET lines 0 header)
if(NOT header MATCHES "^quarter,")
  message(FATAL_ERROR "quarterly.csv header does not start with 'quarter,': ${header}")
endif()
message(STATUS "run ok: ${OUT} complete, scenario_sha256 ${sha}, ${QUARTERS} quarters")
