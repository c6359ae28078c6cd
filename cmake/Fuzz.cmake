# MEGACYCLE_FUZZ=ON (clang only): every project target is compiled with
# -fsanitize=fuzzer-no-link,address,undefined so that the libFuzzer targets in tests/fuzz see coverage
# of the libraries they drive; the targets themselves link with -fsanitize=fuzzer. Meant for a build
# directory of its own (scripts/fuzz: build-fuzz, tests off); build only the fuzz targets there.
option(MEGACYCLE_FUZZ "Build the libFuzzer targets in tests/fuzz (needs clang)" OFF)
if(MEGACYCLE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "MEGACYCLE_FUZZ needs clang (configure with CXX=clang++); got ${CMAKE_CXX_COMPILER_ID}")
  endif()
  if(MEGACYCLE_SANITIZE)
    message(FATAL_ERROR "MEGACYCLE_FUZZ already sanitizes (address,undefined); leave MEGACYCLE_SANITIZE off")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined)
endif()
