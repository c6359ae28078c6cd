#pragma once
// Ensembles and sweeps: many runs of one scenario in one MPI job (docs/studies.md). The job's ranks
// form groups of --ranks-per-run ranks; each group takes the next run from a shared counter as it
// finishes the last, so fast and slow runs balance themselves. Every run writes a complete run folder
// runs/NNNN (app/simulate.hpp) that depends only on its scenario, seed and replicate, never on the
// group size or on which group ran it. When every run of the design is in place, rank 0 writes
// ensemble_quarterly.csv and the ensemble's manifest.json. Re-running the same command into the same
// folder continues an interrupted ensemble: runs already complete are kept.
#include "app/options.hpp"
#include "app/scenario.hpp"
#include "engine/comm.hpp"

namespace megacycle {

// `loaded` is the scenario of options.scenario, as run_command has loaded it (on every rank).
int ensemble_command(Comm& world, const RunOptions& options, const LoadedScenario& loaded);

}  // namespace megacycle
