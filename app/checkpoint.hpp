#pragma once
// Checkpoint and restart of one run (docs/checkpoints.md): the economy's state written through the
// engine's checkpoint folders (engine/io/checkpoint_folder.hpp) and read back into an economy built
// afresh from the checkpoint's scenario, at any number of ranks. What is saved: every state member of the
// industry, the market and the economy (their serialize() functions, one Cereal archive written by
// rank 0), and the per-agent state that changes, by global id (checkpoint_slice() of the enterprise and
// investor populations). What is rebuilt: everything that is a function of the scenario and the seed
// (agents' fixed traits, the peer network, the environment's paths). Random numbers need no saving:
// every draw comes from a counter-based stream keyed by ids and time (engine/rng.hpp).
#include <filesystem>
#include <vector>

#include "agents/economy.hpp"
#include "app/scenario.hpp"
#include "checkpoint.pb.h"
#include "engine/comm.hpp"
#include "engine/io/checkpoint_folder.hpp"

namespace megacycle {

// Collective: writes `economy` (after header.quarters_done() quarters) and, from rank 0, copies of
// `outputs` into root/quarter-NNNN, then points root/latest at it. Returns the folder written.
std::filesystem::path write_run_checkpoint(Comm& comm, Economy& economy, const std::filesystem::path& root,
                                           CheckpointHeader header, const std::vector<std::filesystem::path>& outputs);

// Collective: loads the checkpoint's state into `economy`, which was built from the checkpoint's
// scenario and replicate. Every rank stops together (InputError, exit status 2) if a file is corrupt or
// does not fit the economy.
void read_run_checkpoint(Comm& comm, Economy& economy, const io::CheckpointReader& checkpoint);

// The scenario a checkpoint was written for (its effective text, parsed again), with the provenance
// the manifest recorded. InputError if the text no longer reads back to the same SHA-256.
LoadedScenario checkpoint_scenario(const io::CheckpointReader& checkpoint);

// The output folder a resumed run writes by default: "X" for a checkpoint root "X.checkpoint" (or a
// checkpoint folder inside one), else the output folder the header records.
std::filesystem::path default_resume_output(const std::filesystem::path& resume, const CheckpointHeader& header);

// The checkpoint root of a run writing into `out`: "OUT.checkpoint".
std::filesystem::path checkpoint_root(const std::filesystem::path& out);

}  // namespace megacycle
