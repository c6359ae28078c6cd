# Program version and git commit, recorded in every run manifest. The commit is read at configure time;
# "-dirty" marks a tree with uncommitted changes.
execute_process(COMMAND git rev-parse HEAD WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                OUTPUT_VARIABLE MEGACYCLE_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET RESULT_VARIABLE _git_rc)
if(NOT _git_rc EQUAL 0 OR MEGACYCLE_GIT_COMMIT STREQUAL "")
  set(MEGACYCLE_GIT_COMMIT "unknown")
else()
  execute_process(COMMAND git status --porcelain --untracked-files=no
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE _git_status ERROR_QUIET)
  if(NOT _git_status STREQUAL "")
    string(APPEND MEGACYCLE_GIT_COMMIT "-dirty")
  endif()
endif()
configure_file(${PROJECT_SOURCE_DIR}/engine/version.hpp.in ${PROJECT_BINARY_DIR}/generated/version.hpp @ONLY)
# Re-read the commit when HEAD moves or the index changes, so a rebuild never records a stale commit.
foreach(_git_file HEAD index)
  if(EXISTS ${PROJECT_SOURCE_DIR}/.git/${_git_file})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/.git/${_git_file})
  endif()
endforeach()
