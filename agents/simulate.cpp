#include "agents/simulate.hpp"

#include <fmt/core.h>
#include <google/protobuf/text_format.h>

#include <chrono>
#include <csignal>
#include <optional>

#include "agents/commands.hpp"
#include "agents/economy.hpp"
#include "agents/market_diagnostics.hpp"
#include "engine/error.hpp"
#include "engine/fault_injection.hpp"
#include "engine/io/csv.hpp"
#include "engine/io/manifest.hpp"
#include "engine/io/text_input.hpp"
#include "engine/progress.hpp"
#include "version.hpp"

namespace megacycle {

Manifest make_manifest(const LoadedScenario& loaded, const RunOptions& options, int ranks, std::uint32_t replicate) {
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
  m.set_replicate(replicate);
  m.set_ranks(ranks);
  m.set_host(io::host_name());
  m.set_start_time_utc(io::utc_now_iso8601());
  m.set_quarters(loaded.scenario.quarters());
  m.set_complete(false);
  return m;
}

double simulate(Comm& comm, const LoadedScenario& loaded, Manifest manifest, const std::filesystem::path& dir,
                const SimulateOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const bool root = comm.rank() == 0;
  const TestFault& fault = options.fault;

  Economy economy(comm, loaded.scenario, options.replicate);
  if (fault.kind == TestFault::Kind::nan)
    economy.phases().add_after("enterprise_decisions", "test_fault", [&](int t) {
      if (fault.nan_at(t)) economy.enterprises().corrupt_for_test(fault.id);
    });
  std::optional<io::CsvWriter> quarterly, firms, daily;
  if (root) quarterly.emplace(dir / "quarterly.csv", economy.quarterly_header());
  if (root && economy.industry()) firms.emplace(dir / "firms.csv", economy.firms_header());
  if (root && economy.exchange()) daily.emplace(dir / "daily.csv", Exchange::daily_header());
  Progress progress(root && options.progress, economy.quarters(), economy.agents());
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

  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  if (!root) return wall;
  quarterly->close();
  manifest.add_outputs("quarterly.csv");
  if (firms) {
    firms->close();
    manifest.add_outputs("firms.csv");
  }
  if (daily) {
    daily->close();
    const int days = economy.exchange()->days_per_quarter();
    write_market_diagnostics(*economy.exchange(), loaded.scenario.equity_market().diagnostics(), loaded.scenario.seed(),
                             [&](long long day) { return economy.period(static_cast<int>(day / days)); }, dir);
    for (const char* f : {"daily.csv", "bubbles.csv", "bsadf.csv", "stylized_facts.csv"}) manifest.add_outputs(f);
  }
  const double updates = static_cast<double>(economy.agents()) * economy.quarters();
  manifest.set_wall_seconds(wall);
  manifest.set_agent_updates_per_second(updates / wall);
  manifest.set_agent_updates_per_second_per_rank(updates / wall / comm.size());
  for (const auto& [phase, seconds] : economy.phases().seconds()) (*manifest.mutable_phase_seconds())[phase] = seconds;
  manifest.set_complete(true);
  io::write_manifest(dir / "manifest.json", manifest);
  return wall;
}

}  // namespace megacycle
