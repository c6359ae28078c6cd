#include "agents/commands.hpp"

#include <fmt/core.h>
#include <google/protobuf/text_format.h>
#include <sys/resource.h>

#include <chrono>
#include <csignal>

#include "agents/economy.hpp"
#include "agents/market_diagnostics.hpp"
#include "agents/scenario.hpp"
#include "agents/simulate.hpp"
#include "engine/failure.hpp"
#include "engine/fault_injection.hpp"
#include "engine/io/csv.hpp"
#include "engine/memory.hpp"
#include "engine/io/manifest.hpp"
#include "engine/io/run_folder.hpp"
#include "engine/io/text_input.hpp"
#include "engine/progress.hpp"
#include "version.hpp"

namespace megacycle {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Peak resident memory of this process, MiB.
double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// Refuses a run that would not fit in this node's memory, before anything is allocated.
void require_memory(const Scenario& scenario, int ranks, int ranks_on_node) {
  const std::uint64_t available = available_memory_bytes();
  if (available == 0) return;  // unknown: do not guess
  const auto population = static_cast<std::uint64_t>(scenario.enterprises().population());
  std::uint64_t largest = 0;
  for (int r = 0; r < ranks; ++r) largest = std::max(largest, Partition(population, ranks, r).local_count());
  constexpr double kBaseline = 64.0 * (1 << 20);  // program, MPI and protobuf before any agent
  const double per_rank = kBaseline + static_cast<double>(largest) * EnterprisePopulation::estimated_bytes_per_agent(scenario);
  const double node = per_rank * ranks_on_node;
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  if (node > static_cast<double>(available))
    throw InputError(fmt::format(
        "enterprises.population = {} needs about {:.1f} GiB per rank, {:.1f} GiB for the {} rank(s) on this node, "
        "but the node has {:.1f} GiB available: use more nodes, or a smaller population",
        population, per_rank / kGiB, node / kGiB, ranks_on_node, static_cast<double>(available) / kGiB));
}

}  // namespace

int validate_command(Comm& comm, const ScenarioOptions& options) {
  LoadedScenario loaded;
  agreed(comm, [&] { loaded = load_scenario(options.file, options.overrides, options.seed); });
  if (comm.rank() == 0)
    fmt::print("{}: valid ({} quarters from {}Q{}, {} enterprises, {} sectors)\n", options.file,
               loaded.scenario.quarters(), loaded.scenario.start_year(), loaded.scenario.start_quarter(),
               loaded.scenario.enterprises().population(), loaded.scenario.enterprises().sector_size());
  return 0;
}

int run_command(Comm& comm, const RunOptions& options) {
  const bool root = comm.rank() == 0;
  LoadedScenario loaded;
  std::optional<io::RunFolder> folder;
  SimulateOptions simulate_options;
  const int ranks_on_node = comm.ranks_on_node();
  agreed(comm, [&] {
    simulate_options.fault = TestFault::from_environment();
    loaded = load_scenario(options.scenario.file, options.scenario.overrides, options.scenario.seed);
    require_memory(loaded.scenario, comm.size(), ranks_on_node);
    folder.emplace(options.out, options.overwrite, root);
  });
  simulate_options.progress = !options.quiet;
  const double wall = simulate(comm, loaded, make_manifest(loaded, options, comm.size(), 0), folder->file(""), simulate_options);
  if (root) {
    folder->commit();
    if (!options.quiet) fmt::print(stderr, "[megacycle] done in {:.1f}s: results in {}/ (see manifest.json)\n", wall, options.out);
  }
  comm.barrier();  // nobody reports success before rank 0 has moved the folder into place
  return 0;
}

int bench_command(Comm& comm, const BenchOptions& options) {
  const int ranks_on_node = comm.ranks_on_node();
  LoadedScenario loaded;
  agreed(comm, [&] {
    std::vector<std::string> overrides = options.scenario.overrides;
    overrides.push_back(fmt::format("enterprises.population={}", options.enterprises));
    overrides.push_back(fmt::format("quarters={}", options.quarters));
    if (options.investors > 0) overrides.push_back(fmt::format("equity_market.investors.population={}", options.investors));
    loaded = load_scenario(options.scenario.file, overrides, options.scenario.seed);
    require_memory(loaded.scenario, comm.size(), ranks_on_node);
  });

  const auto setup_start = Clock::now();
  Economy economy(comm, loaded.scenario, 0);
  const double setup = seconds_since(setup_start);
  const auto start = Clock::now();
  for (int t = 0; t < economy.quarters(); ++t) economy.run_quarter(t);
  const double wall = comm.max(seconds_since(start));
  const double rss = comm.max(peak_rss_mib());

  if (comm.rank() == 0) {
    const double updates = static_cast<double>(economy.agents()) * economy.quarters();
    const auto& pop = economy.enterprises();
    fmt::print("bench: {} enterprises x {} quarters on {} rank(s), network degree {}\n", economy.agents(),
               economy.quarters(), comm.size(), loaded.scenario.enterprises().network().degree());
    fmt::print("  set-up             {:10.2f} s\n", setup);
    fmt::print("  quarters           {:10.2f} s\n", wall);
    fmt::print("  enterprise updates/s per core {:6.2f} M   (whole quarters, all phases)\n", updates / wall / comm.size() / 1e6);
    fmt::print("  bytes per agent    {:10.1f}   (state {:.1f}, network {:.1f}, peer view rest; rank 0)\n",
               pop.bytes_per_agent(), pop.state().bytes_per_agent(),
               pop.network().bytes_per_agent());
    fmt::print("  peak RSS per rank  {:10.1f} MiB (largest rank)\n", rss);
    for (const auto& [phase, seconds] : economy.phases().seconds())
      fmt::print("  phase {:<22} {:5.1f}%\n", phase, 100.0 * seconds / wall);
    if (const Exchange* market = economy.exchange()) {
      // The daily step: every investor draws its strategy each trading day (one reduction a day), and the
      // quarter's settlement; the phase's time on rank 0 includes waiting for the others' reductions.
      double seconds = 0;
      for (const auto& [phase, s] : economy.phases().seconds())
        if (phase == "equity_market") seconds = s;
      const double investor_days = static_cast<double>(market->investors()) * market->days_per_quarter() * economy.quarters();
      fmt::print("  investors          {:10d} x {} trading days x {} quarters\n", market->investors(),
                 market->days_per_quarter(), economy.quarters());
      fmt::print("  investor-day updates/s per core {:6.2f} M   (equity_market phase {:.2f} s)\n",
                 investor_days / seconds / comm.size() / 1e6, seconds);
      fmt::print("  bytes per investor {:10.1f}   (rank 0)\n", market->investor_population().state().bytes_per_agent());
    }
  }
  return 0;
}

}  // namespace megacycle
