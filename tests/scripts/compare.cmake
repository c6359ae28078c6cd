# Tests of scripts/compare, scripts/sensitivity and scripts/megacycle_results.py (label "scripts"), with
# Debian's python3 and its numpy, pandas and scipy. Included from tests/scripts/CMakeLists.txt.
#
#   scripts_compare      exact Wilcoxon signed-rank and Mann-Whitney p-values against enumeration and scipy,
#                        the drawdown and revenue-gap outcomes on hand-made series; then real ensembles of
#                        tests/scenarios/small_industry.textproto (5000 enterprises, --replicates 6 on 2 ranks)
#                        through scripts/compare: rows of comparison.csv, a scenario against itself (difference
#                        0, p = 1), a clear difference detected paired by replicate (common random numbers,
#                        Wilcoxon) and with another seed unpaired (Mann-Whitney), a single run as an ensemble
#                        of one, a GRID sweep's points equal to the matching ensembles run for run,
#                        comparison.tex escaped booktabs, provenance.json against the real manifests.
#   scripts_sensitivity  Sobol indices of the Ishigami function from a Saltelli design with blocks shuffled
#                        (S1, ST within 0.02 of the analytic values), of a linear function; Morris mu* =
#                        |coefficient| x range exactly on a linear function; SRC and Spearman on a Latin
#                        hypercube; a design that is not Morris refused (no model runs). Then end to end on
#                        tiny real sweeps of small_industry (MORRIS: 2 fields, 3 trajectories; SOBOL: 2 fields,
#                        4 base samples; LATIN_HYPERCUBE: 2 fields, 6 points; 2 replicates each): outputs
#                        written, one row per outcome and parameter, finite values.
if(NOT DEFINED MEGACYCLE_TEST_PYTHON)
  set(MEGACYCLE_TEST_PYTHON /usr/bin/python3 CACHE FILEPATH "Python 3 with numpy, pandas and scipy")
endif()
set(scripts_mpi_env "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1")

add_test(NAME scripts_compare
         COMMAND ${MEGACYCLE_TEST_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/test_compare.py
                 --megacycle $<TARGET_FILE:megacycle> --mpiexec ${MPIEXEC_EXECUTABLE}
                 --out ${CMAKE_CURRENT_BINARY_DIR}/out/scripts_compare)
set_tests_properties(scripts_compare PROPERTIES LABELS scripts PROCESSORS 2 TIMEOUT 300
                     ENVIRONMENT "${scripts_mpi_env}")

add_test(NAME scripts_sensitivity
         COMMAND ${MEGACYCLE_TEST_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/test_sensitivity.py
                 --megacycle $<TARGET_FILE:megacycle> --mpiexec ${MPIEXEC_EXECUTABLE}
                 --out ${CMAKE_CURRENT_BINARY_DIR}/out/scripts_sensitivity)
set_tests_properties(scripts_sensitivity PROPERTIES LABELS scripts PROCESSORS 2 TIMEOUT 300
                     ENVIRONMENT "${scripts_mpi_env}")
