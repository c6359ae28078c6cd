#pragma once
// The options of the megacycle program, in one place: what the command line sets (app/main.cpp) and what
// a run, an ensemble or a sweep passes down to one simulation (app/simulate.hpp).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/fault_injection.hpp"

namespace megacycle {

namespace io {
class CheckpointReader;
}

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
  // Per-agent panels into DIR/panel.h5 (app/panels.hpp): --panel populations (empty: none) and
  // --panel-every quarters between snapshots.
  std::vector<std::string> panel;
  int panel_every = 4;
  // Ensembles and sweeps (app/ensemble.hpp): replicates per design point (0: a single run unless the
  // scenario has a sweep block), ranks per run, and the subset of runs to do ("A-B", empty: all).
  int replicates = 0;
  int ranks_per_run = 1;
  std::string runs;
  // Checkpoint and restart (app/checkpoint.hpp, docs/checkpoints.md): --checkpoint-every N quarters
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

// Per-agent panels (app/panels.hpp): the populations --panel names, every --panel-every quarters.
inline constexpr const char* kPanelPopulations[] = {"enterprises", "investors"};

struct PanelOptions {
  bool enterprises = false;
  bool investors = false;
  int every_quarters = 4;  // a snapshot after every N quarters of the run, and after the last
  bool any() const { return enterprises || investors; }
};

// Checkpoints of a run (app/checkpoint.hpp, docs/checkpoints.md).
struct CheckpointOptions {
  // Where checkpoints go (OUT.checkpoint). Empty: none are written and stop signals are not polled.
  std::filesystem::path root;
  int every = 0;              // a checkpoint after every N-th quarter (0: only on a stop signal)
  std::string output_folder;  // the run's --out, recorded in the header for --resume
  std::string resume_hint;    // how to resume, for the stop message ("--resume OUT.checkpoint")
  // Continue from this checkpoint (read_run_checkpoint): `dir` already holds its copies of the outputs,
  // and the manifest passed is the checkpoint's, with the resume recorded.
  const io::CheckpointReader* resume = nullptr;
};

struct SimulateOptions {
  std::uint32_t replicate = 0;   // keys the random streams together with the seed
  bool progress = false;         // progress lines on stderr (rank 0 of comm)
  TestFault fault;               // injected failure for the failure-mode tests (none by default)
  PanelOptions panels;           // per-agent panels into panel.h5 (none by default)
  CheckpointOptions checkpoint;  // none by default
};

}  // namespace megacycle
