#pragma once
// The subcommands of the megacycle program. Each is collective: every rank calls it.
#include "app/options.hpp"
#include "engine/comm.hpp"

namespace megacycle {

int validate_command(Comm& comm, const ScenarioOptions& options);
int run_command(Comm& comm, const RunOptions& options);
int bench_command(Comm& comm, const BenchOptions& options);

}  // namespace megacycle
