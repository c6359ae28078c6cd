// megacycle_run_seeds (tests only): runs one scenario for a range of seeds, one after another in a
// single process on one rank without MPI, into <out-root>/seed<N>/. Each run is run_command() itself,
// so every run folder holds what `megacycle run <scenario> --seed N --set ...` writes at one rank
// (quarterly.csv, firms.csv, manifest.json). Ensemble checks (tests/scenarios/calibration.py) use it
// to avoid starting MPI once per seed, which costs seconds per process on some machines.
//
// Usage: megacycle_run_seeds <scenario> --out-root <folder> --seeds <first> <last> [--set path=value]...
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "engine/comm.hpp"
#include "engine/failure.hpp"

int main(int argc, char** argv) {
  CLI::App app{"megacycle_run_seeds: one scenario, several seeds, one process, no MPI (tests only)"};
  std::string scenario, out_root;
  std::vector<std::uint64_t> seeds;
  std::vector<std::string> overrides;
  app.add_option("scenario", scenario, "Scenario file")->required();
  app.add_option("--out-root", out_root, "Folder for the runs: <out-root>/seed<N>/")->required();
  app.add_option("--seeds", seeds, "First and last seed")->required()->expected(2);
  app.add_option("--set", overrides, "Override a scenario field, as for megacycle run (repeatable)")
      ->allow_extra_args(false)
      ->take_last()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  CLI11_PARSE(app, argc, argv);

  auto comm = megacycle::make_local_comm();
  try {
    for (std::uint64_t seed = seeds[0]; seed <= seeds[1]; ++seed) {
      megacycle::RunOptions run;
      run.scenario.file = scenario;
      run.scenario.overrides = overrides;
      run.scenario.seed = seed;
      run.out = fmt::format("{}/seed{}", out_root, seed);
      run.overwrite = true;
      run.quiet = true;
      run.command_line.assign(argv, argv + argc);
      if (const int rc = megacycle::run_command(*comm, run); rc != 0) return rc;
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "megacycle_run_seeds: error: {}\n", e.what());
    return megacycle::exit_code_of(e);
  }
  return 0;
}
