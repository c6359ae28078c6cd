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
