#include "app/simulate.hpp"

#include <fmt/core.h>
#include <google/protobuf/text_format.h>

#include <chrono>
#include <csignal>
#include <deque>
#include <optional>

#include "agents/economy.hpp"
#include "app/checkpoint.hpp"
#include "app/options.hpp"
#include "engine/error.hpp"
#include "engine/failure.hpp"
#include "engine/fault_injection.hpp"
#include "engine/io/csv.hpp"
#include "engine/io/files.hpp"
#include "engine/io/manifest.hpp"
#include "engine/io/text_input.hpp"
#include "engine/memory.hpp"
#include "engine/partition.hpp"
#include "engine/progress.hpp"
#include "engine/signals.hpp"
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
    EquityMarketRules market = loaded.scenario.equity_market();
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

// Refuses a run that would not fit in this node's memory, before anything is allocated.
void require_memory(const Scenario& scenario, int ranks, int ranks_on_node) {
  const std::uint64_t available = available_memory_bytes();
  if (available == 0) return;  // unknown: do not guess
  const auto largest_share = [&](std::uint64_t population) {
    std::uint64_t largest = 0;
    for (int r = 0; r < ranks; ++r) largest = std::max(largest, Partition(population, ranks, r).local_count());
    return static_cast<double>(largest);
  };
  const auto enterprises = static_cast<std::uint64_t>(scenario.enterprises().population());
  const bool market = scenario.hyperscaler_size() > 0;
  const auto investors = market ? static_cast<std::uint64_t>(scenario.equity_market().investors().population()) : 0;
  const auto stocks = static_cast<std::size_t>(scenario.hyperscaler_size() + scenario.chip_vendor_size() + 1);
  constexpr double kBaseline = 64.0 * (1 << 20);  // program, MPI and protobuf before any agent
  const double per_rank = kBaseline +
                          largest_share(enterprises) * EnterprisePopulation::estimated_bytes_per_agent(scenario) +
                          largest_share(investors) * InvestorPopulation::estimated_bytes_per_agent(stocks);
  const double node = per_rank * ranks_on_node;
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  if (node > static_cast<double>(available))
    throw InputError(fmt::format(
        "enterprises.population = {} and {} investors need about {:.1f} GiB per rank, {:.1f} GiB for the {} rank(s) on "
        "this node, but the node has {:.1f} GiB available: use more nodes, or a smaller population",
        enterprises, investors, per_rank / kGiB, node / kGiB, ranks_on_node, static_cast<double>(available) / kGiB));
}

namespace {

// The checkpoint header of this run after `done` quarters, with the manifest as it stands then.
CheckpointHeader checkpoint_header(const LoadedScenario& loaded, const SimulateOptions& options, Manifest manifest,
                                   int done) {
  CheckpointHeader h;
  h.set_program_version(kVersion);
  h.set_git_commit(kGitCommit);
  h.set_scenario_effective_text(loaded.effective_text);
  h.set_scenario_sha256(io::sha256_hex(loaded.effective_text));
  h.set_seed(loaded.scenario.seed());
  h.set_replicate(options.replicate);
  h.set_quarters(loaded.scenario.quarters());
  h.set_quarters_done(done);
  h.set_output_folder(options.checkpoint.output_folder);
  h.set_checkpoint_every(options.checkpoint.every);
  *h.mutable_manifest() = std::move(manifest);
  return h;
}

}  // namespace

double simulate(Comm& comm, const LoadedScenario& loaded, Manifest manifest, const std::filesystem::path& dir,
                const SimulateOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const bool root = comm.rank() == 0;
  const TestFault& fault = options.fault;

  Economy economy(comm, loaded.scenario, options.replicate);
  // A resumed run: the state after the checkpoint's quarters, and the time the earlier segments took.
  const io::CheckpointReader* resume = options.checkpoint.resume;
  const int first = resume ? resume->header().quarters_done() : 0;
  if (resume) {
    const auto read_start = Clock::now();
    read_run_checkpoint(comm, economy, *resume);
    if (root && options.progress)
      fmt::print(stderr, "[megacycle] resumed from {} after quarter {}/{} ({:.2f} s to read)\n",
                 resume->folder().string(), first, economy.quarters(),
                 std::chrono::duration<double>(Clock::now() - read_start).count());
  }
  const double wall_before = manifest.wall_seconds();
  const auto phase_seconds_before = manifest.phase_seconds();
  // The manifest after this segment's `seconds`: wall and phase seconds add up every segment.
  const auto manifest_now = [&](double seconds) {
    Manifest m = manifest;
    m.set_wall_seconds(wall_before + seconds);
    for (const auto& [phase, sec] : economy.phases().seconds()) {
      const auto before = phase_seconds_before.find(phase);
      (*m.mutable_phase_seconds())[phase] = sec + (before == phase_seconds_before.end() ? 0.0 : before->second);
    }
    return m;
  };
  if (fault.kind == TestFault::Kind::nan)
    economy.phases().add_after("enterprise_decisions", "test_fault", [&](int t) {
      if (fault.nan_at(t)) economy.enterprises().corrupt_for_test(fault.id);
    });
  // The files the economy declares; rank 0 writes them. A resumed run appends to the files restored from
  // its checkpoint.
  const Outputs outputs = economy.outputs();
  std::deque<io::CsvWriter> tables;  // one per outputs.tables entry, on rank 0
  if (root)
    for (const auto& table : outputs.tables) {
      if (resume)
        tables.emplace_back(dir / table.file, table.header, io::CsvWriter::Append{});
      else
        tables.emplace_back(dir / table.file, table.header);
    }
  // Per-agent panels: written by every rank (collective), into the same staging folder as the CSVs.
  std::optional<Panels> panels;
  if (options.panels.any()) panels.emplace(comm, economy, loaded.scenario, manifest, options.panels, dir / "panel.h5");
  Progress progress(root && options.progress, economy.quarters(), economy.agents());
  progress.start_at(first);
  for (int t = first; t < economy.quarters(); ++t) {
    if (fault.error_at(comm.rank(), t)) throw Error(fmt::format("injected test fault in quarter {}", t));
    if (fault.kill_at(comm.rank(), t)) std::raise(SIGKILL);
    if (fault.signal_at(comm.rank(), t)) std::raise(SIGTERM);
    economy.run_quarter(t);
    for (std::size_t i = 0; i < tables.size(); ++i)
      for (const auto& row : outputs.tables[i].rows(t)) tables[i].row(row);
    if (panels) panels->quarter_done(t);
    progress.quarter_done(t, economy.period(t).c_str());

    // Checkpoints: every N-th quarter, and when any rank was asked to stop (all ranks agree, once a
    // quarter). After the last quarter the run simply finishes.
    const int done = t + 1;
    if (options.checkpoint.root.empty() || done == economy.quarters()) continue;
    const int signal = stop_agreed(comm);
    const int every = options.checkpoint.every;
    if (signal == 0 && !(every > 0 && done % every == 0)) continue;
    const auto checkpoint_start = Clock::now();
    std::vector<std::filesystem::path> written;
    agreed(comm, [&] {
      for (auto& csv : tables) csv.flush(), written.push_back(csv.path());
    });
    const double so_far = std::chrono::duration<double>(checkpoint_start - start).count();
    const auto folder = write_run_checkpoint(comm, economy, options.checkpoint.root,
                                             checkpoint_header(loaded, options, manifest_now(so_far), done), written);
    if (root && options.progress)
      fmt::print(stderr, "[megacycle] checkpoint after quarter {}/{}: {} ({:.2f} s)\n", done, economy.quarters(),
                 folder.string(), std::chrono::duration<double>(Clock::now() - checkpoint_start).count());
    if (signal != 0)
      throw StoppedAtCheckpoint(fmt::format("stopped at a checkpoint after quarter {} of {} ({}); resume with {}", done,
                                            economy.quarters(), signal_name(signal), options.checkpoint.resume_hint));
  }
  if (panels) panels->close();

  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  if (!root) return wall;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    tables[i].close();
    manifest.add_outputs(outputs.tables[i].file);
  }
  for (const auto& files : outputs.end_of_run) {
    files.write(dir);
    for (const auto& f : files.files) manifest.add_outputs(f);
  }
  const double updates = static_cast<double>(economy.agents()) * economy.quarters();
  manifest = manifest_now(wall);
  manifest.set_agent_updates_per_second(updates / manifest.wall_seconds());
  manifest.set_agent_updates_per_second_per_rank(updates / manifest.wall_seconds() / comm.size());
  if (panels) {
    manifest.add_outputs("panel.h5");
    (*manifest.mutable_phase_seconds())["panel_output"] = panels->seconds();
  }
  manifest.set_complete(true);
  io::write_manifest(dir / "manifest.json", manifest);
  return wall;
}

}  // namespace megacycle
