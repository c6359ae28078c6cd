# megacycle_warnings(target): the project's warning set, applied per target so that generated
# protobuf code is left alone.
function(megacycle_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion)
endfunction()
