#include "app/commands.hpp"

#include <fmt/core.h>
#include <google/protobuf/text_format.h>
#include <sys/resource.h>

#include <chrono>
#include <csignal>

#include "agents/economy.hpp"
#include "agents/equity_market_diagnostics.hpp"
#include "app/checkpoint.hpp"
#include "app/ensemble.hpp"
#include "app/scenario.hpp"
#include "app/simulate.hpp"
#include "app/sweep.hpp"
#include "engine/failure.hpp"
#include "engine/fault_injection.hpp"
#include "engine/io/csv.hpp"
#include "engine/io/run_folder.hpp"
#include "engine/io/text_input.hpp"
#include "engine/memory.hpp"
#include "engine/progress.hpp"
#include "engine/signals.hpp"
#include "version.hpp"

namespace megacycle {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Peak resident memory of this process, MiB.
double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// The combinations of a scenario file, --resume and the other flags that make sense (InputError if not).
void check_run_options(const RunOptions& o) {
  const bool resume = !o.resume.empty();
  if (!resume && o.scenario.file.empty())
    throw InputError("run: give a scenario file, or --resume OUT.checkpoint to continue a stopped run");
  if (!resume && o.out.empty()) throw InputError("--out: an output folder is required");
  if (resume && !o.scenario.file.empty())
    throw InputError(
        fmt::format("--resume {}: give a scenario file or --resume, not both (a checkpoint holds its "
                    "scenario)",
                    o.resume));
  if (resume && (!o.scenario.overrides.empty() || o.scenario.seed))
    throw InputError(
        fmt::format("--resume {}: --set and --seed cannot change a resumed run (the checkpoint holds its "
                    "scenario)",
                    o.resume));
  if (resume && (o.replicates > 0 || !o.runs.empty() || o.ranks_per_run != 1))
    throw InputError(
        fmt::format("--resume {}: only a single run can be resumed (not --replicates, --runs or "
                    "--ranks-per-run)",
                    o.resume));
  if (!o.panel.empty() && (resume || o.checkpoint_every.value_or(0) > 0))
    throw InputError(
        "--panel: per-agent panels are not saved in checkpoints yet; run with --panel but without "
        "--checkpoint-every and --resume");
}

// The manifest of a resumed run: the checkpoint's, with this resume recorded.
Manifest resumed_manifest(const CheckpointHeader& header, const RunOptions& options, int ranks) {
  Manifest m = header.manifest();
  std::string line;
  for (const auto& arg : options.command_line) line += (line.empty() ? "" : " ") + arg;
  m.add_resumed_from_quarter(header.quarters_done());
  m.add_ranks_history(ranks);
  m.add_resume_command_lines(line);
  m.set_ranks(ranks);
  return m;
}

// Rank 0, before a run starts: an OUT.checkpoint of another run in the way is refused unless --overwrite,
// which removes it. A resumed run may write into the root it resumes from.
void prepare_checkpoint_root(const std::filesystem::path& root, const io::CheckpointReader* resuming, bool overwrite,
                             bool writer) {
  std::error_code ec;
  if (!std::filesystem::exists(root, ec)) return;
  if (!resuming && !std::filesystem::exists(root / "latest", ec)) {
    // No complete checkpoint: only the leftovers of a first write that was cut short. Nothing to keep.
    if (writer) std::filesystem::remove_all(root, ec);
    return;
  }
  if (resuming) {
    const auto from = std::filesystem::weakly_canonical(resuming->folder().parent_path(), ec);
    if (from == std::filesystem::weakly_canonical(root, ec)) return;
  }
  if (!overwrite)
    throw InputError(
        fmt::format("{}: a checkpoint of an earlier run is there: continue it with --resume {}, or pass "
                    "--overwrite to start afresh (it is then deleted)",
                    root.string(), root.string()));
  if (writer) std::filesystem::remove_all(root, ec);
}

}  // namespace

int validate_command(Comm& comm, const ScenarioOptions& options) {
  LoadedScenario loaded;
  EnsemblePlan plan;
  agreed(comm, [&] {
    loaded = load_scenario(options.file, options.overrides, options.seed);
    if (loaded.scenario.has_sweep()) plan = plan_ensemble(loaded, options, 1);
  });
  if (comm.rank() == 0) {
    fmt::print("{}: valid ({} quarters from {}Q{}, {} enterprises, {} sectors)\n", options.file,
               loaded.scenario.quarters(), loaded.scenario.start_year(), loaded.scenario.start_quarter(),
               loaded.scenario.enterprises().population(), loaded.scenario.enterprises().sector_size());
    if (loaded.scenario.has_sweep())
      fmt::print("  sweep: {} design over {} field(s), {} design points (x --replicates runs)\n", plan.design,
                 plan.fields.size(), plan.points());
  }
  return 0;
}

int run_command(Comm& comm, const RunOptions& options) {
  const bool root = comm.rank() == 0;
  LoadedScenario loaded;
  std::optional<io::RunFolder> folder;
  SimulateOptions simulate_options;
  const int ranks_on_node = comm.ranks_on_node();
  // --resume CHECKPOINT continues a stopped run: the scenario, seed and replicate come from the checkpoint.
  std::optional<io::CheckpointReader> checkpoint;
  std::string out = options.out;
  agreed(comm, [&] {
    check_run_options(options);
    if (options.resume.empty()) {
      loaded = load_scenario(options.scenario.file, options.scenario.overrides, options.scenario.seed);
    } else {
      checkpoint.emplace(options.resume);
      loaded = checkpoint_scenario(*checkpoint);
      if (out.empty()) out = default_resume_output(options.resume, checkpoint->header()).string();
    }
  });
  const bool ensemble = options.replicates > 0 || loaded.scenario.has_sweep() || !options.runs.empty();
  if (ensemble && !checkpoint) {
    agreed(comm, [&] {
      if (options.checkpoint_every.value_or(0) > 0)
        throw InputError("--checkpoint-every: only for single runs (ensembles and sweeps restart by --runs)");
      if (!options.panel.empty())
        throw InputError("--panel: per-agent panels are written for single runs only, not for ensembles and sweeps");
    });
    return ensemble_command(comm, options, loaded);
  }
  // From here a stop signal is taken: it stops the run at the end of its first quarter if it comes early.
  // Not with --panel, which has no checkpoints (the signal then ends the run at once, as by default).
  if (options.panel.empty()) install_stop_signals();
  agreed(comm, [&] {
    if (options.ranks_per_run != 1) throw InputError("--ranks-per-run: only for ensembles (--replicates) and sweeps");
    simulate_options.fault = TestFault::from_environment();
    simulate_options.panels = panel_options(options.panel, options.panel_every, loaded.scenario);
    require_memory(loaded.scenario, comm.size(), ranks_on_node);
    // Checkpoints go to OUT.checkpoint; with --panel there are none (panel.h5 is not saved in them).
    auto& c = simulate_options.checkpoint;
    c.every = options.checkpoint_every.value_or(checkpoint ? checkpoint->header().checkpoint_every() : 0);
    if (c.every < 0) throw InputError(fmt::format("--checkpoint-every {}: must be >= 0 quarters", c.every));
    if (!simulate_options.panels.any()) {
      c.root = checkpoint_root(out);
      c.output_folder = out;
      c.resume_hint = "--resume " + c.root.string();
      c.resume = checkpoint ? &*checkpoint : nullptr;
      prepare_checkpoint_root(c.root, c.resume, options.overwrite, root);
    }
    folder.emplace(out, options.overwrite, root);
    if (checkpoint && root) checkpoint->restore_outputs(folder->file(""));
  });
  if (checkpoint && root) {
    const auto& h = checkpoint->header();
    if (h.program_version() != kVersion || h.git_commit() != kGitCommit)
      fmt::print(stderr,
                 "megacycle: warning: {} was written by megacycle {} ({}), this is {} ({}); the fixed traits are drawn "
                 "again, so a changed model may continue differently\n",
                 checkpoint->folder().string(), h.program_version(), h.git_commit(), kVersion, kGitCommit);
  }
  simulate_options.progress = !options.quiet;
  simulate_options.replicate = checkpoint ? checkpoint->header().replicate() : 0;
  Manifest manifest = checkpoint ? resumed_manifest(checkpoint->header(), options, comm.size())
                                 : make_manifest(loaded, options, comm.size(), 0);
  if (!checkpoint) manifest.add_ranks_history(comm.size());
  manifest.set_checkpoint_every(simulate_options.checkpoint.every);
  const double wall = simulate(comm, loaded, std::move(manifest), folder->file(""), simulate_options);
  if (root) {
    folder->commit();
    // The run is complete: its checkpoint has served (a resumed-from folder elsewhere is left alone).
    std::error_code ec;
    if (!simulate_options.checkpoint.root.empty()) std::filesystem::remove_all(simulate_options.checkpoint.root, ec);
    if (!options.quiet)
      fmt::print(stderr, "[megacycle] done in {:.1f}s: results in {}/ (see manifest.json)\n", wall, out);
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
    if (options.investors > 0)
      overrides.push_back(fmt::format("equity_market.investors.population={}", options.investors));
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
    fmt::print("  enterprise updates/s per core {:6.2f} M   (whole quarters, all phases)\n",
               updates / wall / comm.size() / 1e6);
    fmt::print("  bytes per agent    {:10.1f}   (state {:.1f}, network {:.1f}, peer view rest; rank 0)\n",
               pop.bytes_per_agent(), pop.state().bytes_per_agent(), pop.network().bytes_per_agent());
    fmt::print("  peak RSS per rank  {:10.1f} MiB (largest rank)\n", rss);
    for (const auto& [phase, seconds] : economy.phases().seconds())
      fmt::print("  phase {:<22} {:5.1f}%\n", phase, 100.0 * seconds / wall);
    if (const EquityMarket* market = economy.equity_market()) {
      // The daily step: every investor draws its strategy each trading day (one reduction a day), and the
      // quarter's settlement; the phase's time on rank 0 includes waiting for the others' reductions.
      double seconds = 0;
      for (const auto& [phase, s] : economy.phases().seconds())
        if (phase == "equity_market") seconds = s;
      const double investor_days =
          static_cast<double>(market->investors()) * market->days_per_quarter() * economy.quarters();
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
