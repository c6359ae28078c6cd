# Runs one scenario at several rank counts and requires byte-identical results: every output file
# listed in the first run's manifest.json ("outputs": quarterly.csv, and firms.csv when the scenario
# has an industry) and every *.csv in its run folder, listed or not, must be the same at every rank
# count, and no rank count may write a CSV file the others do not. Also checks that each run's
# manifest reports the rank count it was started with (so a launcher that silently started K one-rank
# copies is caught) and "complete": true.
#
# Usage: cmake -DMPIEXEC=<mpiexec> -DNUMPROC_FLAG=-n -DPROGRAM=<megacycle> -DSCENARIO=<file>
#              -DOUTROOT=<folder> [-DRANKS=1|2|3|4] [-DARGS=<arg>|<arg>...] [-DMPIEXEC_ARGS=<arg>|...]
#              [-DREQUIRE=<file>|<file>...] -P rank_equality.cmake
# REQUIRE names outputs the manifest must list (default: quarterly.csv).
# Lists are '|'-separated (';' does not survive add_test). Run K writes OUTROOT/np<K>/.
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/../compare_files.cmake)

foreach(var MPIEXEC NUMPROC_FLAG PROGRAM SCENARIO OUTROOT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "rank_equality.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED RANKS)
  set(RANKS "1|2|3|4")
endif()
string(REPLACE "|" ";" ranks "${RANKS}")
set(args "")
if(DEFINED ARGS)
  string(REPLACE "|" ";" args "${ARGS}")
endif()
set(required quarterly.csv)
if(DEFINED REQUIRE)
  string(REPLACE "|" ";" required "${REQUIRE}")
endif()
set(mpiexec_args --oversubscribe)
if(DEFINED MPIEXEC_ARGS)
  string(REPLACE "|" ";" mpiexec_args "${MPIEXEC_ARGS}")
endif()

# Open MPI refuses to run as root without these (containers, CI).
set(ENV{OMPI_ALLOW_RUN_AS_ROOT} 1)
set(ENV{OMPI_ALLOW_RUN_AS_ROOT_CONFIRM} 1)
set(ENV{OMPI_MCA_rmaps_base_oversubscribe} 1)

file(REMOVE_RECURSE "${OUTROOT}")
file(MAKE_DIRECTORY "${OUTROOT}")

set(reference "")
set(outputs "")
foreach(k IN LISTS ranks)
  set(dir "${OUTROOT}/np${k}")
  set(cmd "${MPIEXEC}" ${NUMPROC_FLAG} ${k} ${mpiexec_args}
          "${PROGRAM}" run "${SCENARIO}" --out "${dir}" --overwrite --quiet ${args})
  string(JOIN " " shown ${cmd})
  execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
  if(NOT rc STREQUAL "0")
    message(FATAL_ERROR "run at ${k} rank(s) failed (exit ${rc}): ${shown}\nstdout:\n${out}\nstderr:\n${err}")
  endif()

  if(NOT EXISTS "${dir}/manifest.json")
    message(FATAL_ERROR "run at ${k} rank(s) wrote no manifest.json: ${shown}")
  endif()
  file(READ "${dir}/manifest.json" manifest)
  string(JSON manifest_ranks ERROR_VARIABLE json_err GET "${manifest}" ranks)
  if(json_err OR NOT manifest_ranks EQUAL k)
    message(FATAL_ERROR "run at ${k} rank(s): manifest.json says ranks = '${manifest_ranks}' ${json_err}")
  endif()
  string(JSON complete ERROR_VARIABLE json_err GET "${manifest}" complete)
  if(json_err OR NOT complete)
    message(FATAL_ERROR "run at ${k} rank(s): manifest.json is not \"complete\": true")
  endif()

  if(reference STREQUAL "")
    # The first rank count is the reference; compare every output it lists.
    set(reference "${k}")
    string(JSON n ERROR_VARIABLE json_err LENGTH "${manifest}" outputs)
    if(json_err OR n EQUAL 0)
      message(FATAL_ERROR "manifest.json of the ${k}-rank run lists no outputs ${json_err}")
    endif()
    math(EXPR last "${n} - 1")
    foreach(i RANGE ${last})
      string(JSON f GET "${manifest}" outputs ${i})
      list(APPEND outputs "${f}")
    endforeach()
    foreach(f IN LISTS required)
      if(NOT "${f}" IN_LIST outputs)
        message(FATAL_ERROR "manifest.json of the ${k}-rank run does not list ${f}: ${outputs}")
      endif()
    endforeach()
    # Every CSV file in the folder is compared too, whether the manifest lists it or not.
    file(GLOB reference_csvs RELATIVE "${dir}" "${dir}/*.csv")
    list(SORT reference_csvs)
    foreach(f IN LISTS reference_csvs)
      if(NOT "${f}" IN_LIST outputs)
        list(APPEND outputs "${f}")
      endif()
    endforeach()
    continue()
  endif()

  file(GLOB csvs RELATIVE "${dir}" "${dir}/*.csv")
  list(SORT csvs)
  if(NOT csvs STREQUAL reference_csvs)
    message(FATAL_ERROR "run at ${k} rank(s) wrote the CSV files [${csvs}], the ${reference}-rank run "
                        "[${reference_csvs}]")
  endif()

  foreach(f IN LISTS outputs)
    if(NOT EXISTS "${dir}/${f}")
      message(FATAL_ERROR "run at ${k} rank(s) did not write ${f} (the ${reference}-rank run did)")
    endif()
    megacycle_require_same_file("${OUTROOT}/np${reference}/${f}" "${dir}/${f}" "${reference} rank(s)" "${k} rank(s)"
      "${f} differs between ${reference} and ${k} ranks (${OUTROOT}/np${reference} vs ${dir})")
  endforeach()
  message(STATUS "${k} rank(s): ${outputs} identical to ${reference} rank(s)")
endforeach()
