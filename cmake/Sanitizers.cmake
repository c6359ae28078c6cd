# MEGACYCLE_SANITIZE=ON: AddressSanitizer and UndefinedBehaviorSanitizer on every project target
# (compile and link), any UB report fatal. Applied globally, so it must be included before the
# project's subdirectories. scripts/test builds build-asan with it and runs the unit tests, the fuzz
# regression replays and a 2-rank MPI run there.
option(MEGACYCLE_SANITIZE "Build every target with -fsanitize=address,undefined" OFF)
if(MEGACYCLE_SANITIZE)
  set(_megacycle_sanitize_flags -fsanitize=address,undefined -fno-omit-frame-pointer
                                -fno-sanitize-recover=undefined)
  add_compile_options(${_megacycle_sanitize_flags})
  add_link_options(${_megacycle_sanitize_flags})
endif()
