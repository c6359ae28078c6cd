# megacycle_mpi_test(NAME <name> RANKS <n...> COMMAND <cmd...>): registers one ctest per rank count,
# named <name>_np<n> and labelled "mpi", run through mpiexec with --oversubscribe (CI machines have
# 2 cores) and the flags Open MPI needs as root.
include(GoogleTest)
function(megacycle_mpi_test)
  cmake_parse_arguments(T "" "NAME" "RANKS;COMMAND" ${ARGN})
  foreach(n IN LISTS T_RANKS)
    add_test(NAME ${T_NAME}_np${n}
             COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${n} --oversubscribe ${T_COMMAND})
    set_tests_properties(${T_NAME}_np${n} PROPERTIES LABELS mpi PROCESSORS ${n}
      ENVIRONMENT "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1")
  endforeach()
endfunction()
