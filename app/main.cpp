// megacycle: the command-line program. See README.md for the commands and docs/ for the model.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "app/commands.hpp"
#include "engine/comm_mpi.hpp"
#include "engine/failure.hpp"
#include "engine/signals.hpp"
#include "version.hpp"

namespace {

void add_scenario_options(CLI::App& cmd, megacycle::ScenarioOptions& o, bool file_required) {
  auto* file = cmd.add_option("scenario", o.file, "Scenario file (protobuf text format, see proto/scenario.proto)");
  if (file_required) file->required();
  cmd.add_option("--set", o.overrides,
                 "Override a scenario field: path=value, e.g. enterprises.population=1000000 "
                 "or enterprises.sector[2].ai_exposure=0.7 (repeatable)")
      ->allow_extra_args(false)
      ->take_last()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd.add_option("--seed", o.seed, "Master seed (overrides the scenario's seed)");
}

}  // namespace

int main(int argc, char** argv) {
  megacycle::MpiSession mpi(argc, argv);
  megacycle::Comm& comm = mpi.world();

  CLI::App app{"megacycle: a distributed agent-based model of the AI investment cycle"};
  app.set_version_flag("--version", fmt::format("megacycle {} ({})", megacycle::kVersion, megacycle::kGitCommit));
  app.require_subcommand(1);

  megacycle::ScenarioOptions validate;
  auto* validate_cmd = app.add_subcommand("validate", "Check a scenario file (and overrides) without running it");
  add_scenario_options(*validate_cmd, validate, true);

  megacycle::RunOptions run;
  run.command_line.assign(argv, argv + argc);
  auto* run_cmd = app.add_subcommand("run", "Run a scenario and write its results into a folder");
  // The scenario file is optional here only because --resume replaces it (run_command checks the pair).
  add_scenario_options(*run_cmd, run.scenario, false);
  run_cmd->add_option("--out", run.out,
                      "Output folder (must not exist unless --overwrite); with --resume, default: the stopped run's");
  run_cmd->add_flag("--overwrite", run.overwrite, "Replace an existing output folder");
  run_cmd->add_flag("--quiet", run.quiet, "No progress lines on stderr");
  run_cmd
      ->add_option("--checkpoint-every", run.checkpoint_every,
                   "Write a checkpoint into OUT.checkpoint after every N quarters (the newest is kept; one is "
                   "also written on SIGTERM or SIGUSR1, which stops the run with exit status 3)")
      ->check(CLI::Range(0, 1000000));
  run_cmd->add_option("--resume", run.resume,
                      "Continue a stopped run from its checkpoint folder (OUT.checkpoint), at any number of ranks; "
                      "no scenario file: the checkpoint holds it");
  run_cmd
      ->add_option("--panel", run.panel,
                   "Write per-agent panels of these populations into --out/panel.h5 (parallel HDF5; "
                   "comma-separated: enterprises, investors; docs/outputs.md, \"panel.h5\")")
      ->delimiter(',');
  run_cmd
      ->add_option("--panel-every", run.panel_every,
                   "Quarters between panel snapshots (a snapshot after every N quarters and after the last)")
      ->capture_default_str();
  run_cmd
      ->add_option("--replicates", run.replicates,
                   "Run an ensemble: R replicates (of every design point, with a sweep block), replicate r "
                   "using the same random streams in every scenario; results in --out/runs/NNNN and "
                   "--out/ensemble_quarterly.csv (docs/studies.md)")
      ->check(CLI::Range(1, 1000000));
  run_cmd
      ->add_option("--ranks-per-run", run.ranks_per_run,
                   "Ensembles and sweeps: MPI ranks per run; groups of K ranks run side by side and take the "
                   "next run as they finish (must divide the job's ranks)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  run_cmd->add_option("--runs", run.runs,
                      "Ensembles and sweeps: do only runs FIRST-LAST of the design (e.g. one Slurm array task); "
                      "the summaries are written once every run is in the folder");

  megacycle::BenchOptions bench;
  auto* bench_cmd = app.add_subcommand(
      "bench", "Measure enterprise-updates and investor-day updates per second per core, and bytes per agent");
  add_scenario_options(*bench_cmd, bench.scenario, false);
  bench_cmd->add_option("--enterprises", bench.enterprises, "Enterprises to simulate")->capture_default_str();
  bench_cmd->add_option("--quarters", bench.quarters, "Quarters to simulate")->capture_default_str();
  bench_cmd
      ->add_option("--investors", bench.investors,
                   "Investors to simulate (with a scenario that has an industry; 0: the scenario's own)")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (comm.rank() == 0) return app.exit(e);
    return e.get_exit_code();
  }

  try {
    if (*validate_cmd) return megacycle::validate_command(comm, validate);
    if (*run_cmd) return megacycle::run_command(comm, run);
    return megacycle::bench_command(comm, bench);
  } catch (const megacycle::StoppedAtCheckpoint& e) {
    // Thrown on every rank together once the checkpoint is written: not an error.
    if (comm.rank() == 0) fmt::print(stderr, "megacycle: {}\n", e.what());
    return megacycle::kExitStoppedAtCheckpoint;
  } catch (const megacycle::AgreedFailure& e) {
    if (e.report()) fmt::print(stderr, "megacycle: error: {}\n", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    // Only this rank failed: the others may be waiting in a collective, so end the job.
    if (comm.size() > 1) {
      fmt::print(stderr, "megacycle: error on rank {}: {}\n", comm.rank(), e.what());
      std::fflush(stderr);
      comm.abort(megacycle::exit_code_of(e));
    }
    fmt::print(stderr, "megacycle: error: {}\n", e.what());
    return megacycle::exit_code_of(e);
  }
}
