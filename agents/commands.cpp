#include "agents/commands.hpp"

#include <fmt/core.h>
#include <google/protobuf/text_format.h>
#include <sys/resource.h>

#include <chrono>
#include <csignal>

#include "agents/economy.hpp"
#include "agents/market_diagnostics.hpp"
#include "agents/scenario.hpp"
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

Manifest make_manifest(const LoadedScenario& loaded, const RunOptions& options, int ranks) {
  Manifest m;
  m.set_program_version(kVersion);
  m.set_git_commit(kGitCommit);
  for (const auto& arg : options.command_line) m.add_command_line(arg);
  m.set_scenario_file(loaded.file);
  m.set_scenario_file_text(loaded.file_text);
  for (const auto& o : loaded.overrides) m.add_overrides(o);
  m.set_scenario_effective_text(loaded.effective_text);
  if (loaded.scenario.hyperscaler_size() > 0 && loaded.scenario.equity_market().investors().population() > 0) {
    EquityMarket market = loaded.scenario.equity_market();
    io::write_out_defaults(market);
    google::protobuf::TextFormat::PrintToString(market, m.mutable_equity_market_parameters());
  }
  m.set_scenario_sha256(io::sha256_hex(loaded.effective_text));
  m.set_seed(loaded.scenario.seed());
  m.set_replicate(0);
  m.set_ranks(ranks);
  m.set_host(io::host_name());
  m.set_start_time_utc(io::utc_now_iso8601());
  m.set_quarters(loaded.scenario.quarters());
  m.set_complete(false);
  return m;
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
  const auto start = Clock::now();
  const bool root = comm.rank() == 0;
  LoadedScenario loaded;
  std::optional<io::RunFolder> folder;
  TestFault fault;
  const int ranks_on_node = comm.ranks_on_node();
  agreed(comm, [&] {
    fault = TestFault::from_environment();
    loaded = load_scenario(options.scenario.file, options.scenario.overrides, options.scenario.seed);
    require_memory(loaded.scenario, comm.size(), ranks_on_node);
    folder.emplace(options.out, options.overwrite, root);
  });
  Manifest manifest = make_manifest(loaded, options, comm.size());

  Economy economy(comm, loaded.scenario, 0);
  if (fault.kind == TestFault::Kind::nan)
    economy.phases().add_after("enterprise_decisions", "test_fault", [&](int t) {
      if (fault.nan_at(t)) economy.enterprises().corrupt_for_test(fault.id);
    });
  std::optional<io::CsvWriter> quarterly, firms, daily;
  if (root) quarterly.emplace(folder->file("quarterly.csv"), economy.quarterly_header());
  if (root && economy.industry()) firms.emplace(folder->file("firms.csv"), economy.firms_header());
  if (root && economy.exchange()) daily.emplace(folder->file("daily.csv"), Exchange::daily_header());
  Progress progress(root && !options.quiet, economy.quarters(), economy.agents());
  for (int t = 0; t < economy.quarters(); ++t) {
    if (fault.error_at(comm.rank(), t)) throw Error(fmt::format("injected test fault in quarter {}", t));
    if (fault.kill_at(comm.rank(), t)) std::raise(SIGKILL);
    economy.run_quarter(t);
    if (root) quarterly->row(economy.quarterly_row());
    if (firms)
      for (const auto& row : economy.firms_rows(t)) firms->row(row);
    if (daily)
      for (const auto& row : economy.exchange()->daily_rows(t, economy.period(t))) daily->row(row);
    progress.quarter_done(t, economy.period(t).c_str());
  }

  if (root) {
    quarterly->close();
    if (firms) firms->close();
    if (daily) {
      daily->close();
      const int days = economy.exchange()->days_per_quarter();
      write_market_diagnostics(*economy.exchange(), loaded.scenario.equity_market().diagnostics(), loaded.scenario.seed(),
                               [&](long long day) { return economy.period(static_cast<int>(day / days)); },
                               folder->file(""));
    }
    const double wall = seconds_since(start);
    const double updates = static_cast<double>(economy.agents()) * economy.quarters();
    manifest.set_wall_seconds(wall);
    manifest.set_agent_updates_per_second(updates / wall);
    manifest.set_agent_updates_per_second_per_rank(updates / wall / comm.size());
    for (const auto& [phase, seconds] : economy.phases().seconds()) (*manifest.mutable_phase_seconds())[phase] = seconds;
    manifest.add_outputs("quarterly.csv");
    if (firms) manifest.add_outputs("firms.csv");
    if (daily)
      for (const char* f : {"daily.csv", "bubbles.csv", "bsadf.csv", "stylized_facts.csv"}) manifest.add_outputs(f);
    manifest.set_complete(true);
    io::write_manifest(folder->file("manifest.json"), manifest);
    folder->commit();
    if (!options.quiet)
      fmt::print(stderr, "[megacycle] done in {:.1f}s: results in {}/ (quarterly.csv, {}manifest.json)\n", wall,
                 options.out, firms ? "firms.csv, " : "");
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
