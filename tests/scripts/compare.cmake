# Tests of scripts/compare, scripts/sensitivity and scripts/megacycle_results.py (label "scripts"), with
# Debian's python3 and its numpy, pandas and scipy. Included from tests/scripts/CMakeLists.txt:
#   include(${CMAKE_CURRENT_SOURCE_DIR}/compare.cmake)
#
#   scripts_compare      exact Wilcoxon signed-rank and Mann-Whitney p-values against enumeration and scipy,
#                        the drawdown and revenue-gap outcomes on hand-made series; then fake ensembles of
#                        tests/scenarios/small_industry.textproto (6 seeds each; ~20 runs under a second each)
#                        through scripts/compare: rows of comparison.csv, a scenario against itself (difference
#                        0, p = 1), a clear difference detected paired (Wilcoxon) and unpaired (Mann-Whitney),
#                        a single run as an ensemble of one, comparison.tex escaped booktabs, provenance.json.
#   scripts_sensitivity  no model runs: Sobol indices of the Ishigami function from a Saltelli design with
#                        blocks shuffled (S1, ST within 0.02 of the analytic values), of a linear function;
#                        Morris mu* = |coefficient| x range exactly on a linear function; SRC and Spearman on a
#                        Latin hypercube; a design that is not Morris refused.
if(NOT DEFINED MEGACYCLE_TEST_PYTHON)
  set(MEGACYCLE_TEST_PYTHON /usr/bin/python3 CACHE FILEPATH "Python 3 with numpy, pandas and scipy")
endif()

add_test(NAME scripts_compare
         COMMAND ${MEGACYCLE_TEST_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/test_compare.py
                 --megacycle $<TARGET_FILE:megacycle> --out ${CMAKE_CURRENT_BINARY_DIR}/out/scripts_compare --jobs 2)
set_tests_properties(scripts_compare PROPERTIES LABELS scripts PROCESSORS 2 TIMEOUT 300 SKIP_RETURN_CODE 77
                     ENVIRONMENT "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1")

add_test(NAME scripts_sensitivity
         COMMAND ${MEGACYCLE_TEST_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/test_sensitivity.py)
set_tests_properties(scripts_sensitivity PROPERTIES LABELS scripts TIMEOUT 300)
