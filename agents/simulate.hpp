#pragma once
// One simulation run, from a loaded scenario to a finished set of output files: the quarter loop, the
// CSVs, the end-of-run market diagnostics and the manifest. Used by a single `run` and by every run of
// an ensemble or sweep (agents/ensemble.hpp), so both write exactly the same files.
#include <cstdint>
#include <filesystem>

#include "agents/scenario.hpp"
#include "engine/comm.hpp"
#include "engine/fault_injection.hpp"
#include "manifest.pb.h"

namespace megacycle {

struct RunOptions;

// The manifest of a run before it starts: provenance filled in, timings and outputs empty.
Manifest make_manifest(const LoadedScenario& loaded, const RunOptions& options, int ranks, std::uint32_t replicate);

struct SimulateOptions {
  std::uint32_t replicate = 0;  // keys the random streams together with the seed
  bool progress = false;        // progress lines on stderr (rank 0 of comm)
  TestFault fault;              // injected failure for the failure-mode tests (none by default)
};

// Runs `loaded` on `comm` (collective). Rank 0 of comm writes every output and, last, manifest.json into
// `dir`, which must exist. Returns the wall seconds on rank 0.
double simulate(Comm& comm, const LoadedScenario& loaded, Manifest manifest, const std::filesystem::path& dir,
                const SimulateOptions& options);

}  // namespace megacycle
