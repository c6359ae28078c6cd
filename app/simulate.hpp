#pragma once
// One simulation run, from a loaded scenario to a finished set of output files: the quarter loop, the
// files the economy declares (Economy::outputs(): CSVs, end-of-run diagnostics), panels and the manifest.
// Used by a single `run` and by every run of an ensemble or sweep (app/ensemble.hpp), so both write
// exactly the same files.
#include <cstdint>
#include <filesystem>
#include <string>

#include "app/options.hpp"
#include "app/panels.hpp"
#include "app/scenario.hpp"
#include "engine/comm.hpp"
#include "engine/fault_injection.hpp"
#include "engine/io/checkpoint_folder.hpp"
#include "manifest.pb.h"

namespace megacycle {

// The manifest of a run before it starts: provenance filled in, timings and outputs empty.
Manifest make_manifest(const LoadedScenario& loaded, const RunOptions& options, int ranks, std::uint32_t replicate);

// Refuses (InputError) a run that would not fit in this node's memory, before anything is allocated:
// `ranks` ranks share the run, `ranks_on_node` of this job's ranks share this node.
void require_memory(const Scenario& scenario, int ranks, int ranks_on_node);

// Runs `loaded` on `comm` (collective). Rank 0 of comm writes every output and, last, manifest.json into
// `dir`, which must exist. Returns the wall seconds on rank 0. With options.checkpoint.root set, writes
// checkpoints and, when a stop signal arrives (engine/signals.hpp), writes one at the end of the quarter
// and throws StoppedAtCheckpoint on every rank.
double simulate(Comm& comm, const LoadedScenario& loaded, Manifest manifest, const std::filesystem::path& dir,
                const SimulateOptions& options);

}  // namespace megacycle
