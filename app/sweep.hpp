#pragma once
// The runs of an ensemble or sweep: which design point and replicate each run is, and the --set
// overrides that make its scenario. A plain ensemble (--replicates R, no `sweep` block) is one point.
// Run i is point i / R, replicate i % R; replicate r uses the same random streams at every point and in
// every scenario (common random numbers), so differences between points are not seed noise.
#include <cstdint>
#include <string>
#include <vector>

#include "app/options.hpp"
#include "app/scenario.hpp"
#include "engine/analysis/designs.hpp"

namespace megacycle {

struct PlannedRun {
  int index = 0;
  int point = 0;
  std::uint32_t replicate = 0;
};

struct EnsemblePlan {
  std::string kind;                              // "ensemble" or "sweep"
  std::string design;                            // sweep only: "grid", "latin_hypercube", "sobol", "morris"
  std::vector<std::string> fields;               // swept field paths
  std::vector<std::vector<std::string>> values;  // values[point][field], as the --set text
  designs::Design layout;                        // blocks, samples and steps of the design's points
  int replicates = 1;
  std::vector<PlannedRun> runs;

  int points() const { return static_cast<int>(values.size()); }
  // The overrides that make run `run`'s scenario from the ensemble's.
  std::vector<std::string> overrides(const PlannedRun& run) const;
  // design.csv: run,point,replicate,seed[,design_block,sample][,trajectory,step],<fields...>
  std::string design_csv(std::uint64_t seed) const;
};

// Plans the runs of `loaded` (its sweep block, if any) x `replicates`, checking the sweep: every swept
// path must name a numeric field and each value or range end must be valid there; ranges must not be
// empty; the run count must not exceed sweep.max_runs. Throws InputError naming the sweep field.
// `loaded` was loaded with `options`; the checks reload it from its texts (reload_scenario), not from disk.
EnsemblePlan plan_ensemble(const LoadedScenario& loaded, const ScenarioOptions& options, int replicates);

// The scenario of one run: the ensemble's scenario `loaded` (loaded with `options`, and rebuilt from the
// texts it holds) with the run's own overrides after the ensemble's, without the sweep block (so the
// run's manifest holds exactly the scenario it ran).
LoadedScenario scenario_for_run(const LoadedScenario& loaded, const ScenarioOptions& options, const EnsemblePlan& plan,
                                const PlannedRun& run);

}  // namespace megacycle
