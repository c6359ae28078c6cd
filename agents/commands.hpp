#pragma once
// The subcommands of the megacycle program. Each is collective: every rank calls it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/comm.hpp"

namespace megacycle {

struct ScenarioOptions {
  std::string file;
  std::vector<std::string> overrides;  // --set path=value
  std::optional<std::uint64_t> seed;   // --seed
};

struct RunOptions {
  ScenarioOptions scenario;
  std::string out;
  bool overwrite = false;
  bool quiet = false;
  std::vector<std::string> command_line;
  // Per-agent panels into DIR/panel.h5 (agents/panels.hpp): --panel populations (empty: none) and
  // --panel-every quarters between snapshots.
  std::vector<std::string> panel;
  int panel_every = 4;
  // Ensembles and sweeps (agents/ensemble.hpp): replicates per design point (0: a single run unless the
  // scenario has a sweep block), ranks per run, and the subset of runs to do ("A-B", empty: all).
  int replicates = 0;
  int ranks_per_run = 1;
  std::string runs;
  // Checkpoint and restart (agents/checkpoint.hpp, docs/checkpoints.md): --checkpoint-every N quarters
  // into OUT.checkpoint (unset: 0, or a resumed run's earlier value), and --resume CHECKPOINT to continue a
  // stopped run (its scenario comes from the checkpoint; --out defaults to the original output folder).
  std::optional<int> checkpoint_every;
  std::string resume;
};

struct BenchOptions {
  ScenarioOptions scenario;  // file may be empty: the schema defaults
  std::uint64_t enterprises = 1000000;
  std::uint64_t investors = 0;  // 0: the scenario's population
  int quarters = 40;
};

int validate_command(Comm& comm, const ScenarioOptions& options);
int run_command(Comm& comm, const RunOptions& options);
int bench_command(Comm& comm, const BenchOptions& options);

}  // namespace megacycle
