#include "app/ensemble.hpp"

#include <fmt/core.h>

#include <charconv>
#include <chrono>
#include <filesystem>
#include <optional>

#include "app/simulate.hpp"
#include "app/sweep.hpp"
#include "engine/analysis/quantiles.hpp"
#include "engine/failure.hpp"
#include "engine/fault_injection.hpp"
#include "engine/io/csv.hpp"
#include "engine/io/files.hpp"
#include "engine/io/manifest.hpp"
#include "engine/io/run_folder.hpp"

namespace megacycle {
namespace {

namespace fs = std::filesystem;

constexpr double kPercentiles[] = {5, 25, 50, 75, 95};

std::string run_name(int index) { return fmt::format("{:04d}", index); }

// "A-B" (inclusive) or "A" -> [A, B]; InputError when malformed or outside [0, runs).
std::pair<int, int> parse_runs(const std::string& text, int runs) {
  int a = 0, b = 0;
  const auto dash = text.find('-');
  const std::string first = text.substr(0, dash), second = dash == std::string::npos ? first : text.substr(dash + 1);
  const auto ok = [](const std::string& s, int& v) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size();
  };
  if (!ok(first, a) || !ok(second, b) || a > b || a < 0)
    throw InputError(fmt::format("--runs {}: expected FIRST-LAST run numbers, e.g. 0-15", text));
  if (b >= runs) throw InputError(fmt::format("--runs {}: the design has runs 0-{}", text, runs - 1));
  return {a, b};
}

// Whether `dir` holds nothing but what another task of the same job may be creating right now (the
// temporaries of io::write_file_atomic are named "design.csv.tmp-HOST-PID").
bool being_created(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name != "runs" && name.rfind("design.csv.tmp-", 0) != 0) return false;
  }
  return true;
}

// Creates the ensemble folder, or checks that an existing one holds the same design. Array tasks of
// one sweep may start together: whichever writes design.csv first, all of them find the same text.
void prepare_folder(const RunOptions& options, const std::string& design_csv) {
  const fs::path dir = options.out;
  const fs::path design = dir / "design.csv";
  if (fs::exists(dir) && options.overwrite) fs::remove_all(dir);
  if (fs::exists(dir) && !fs::exists(design) && !being_created(dir))
    throw InputError(
        fmt::format("--out {}: folder exists and is not an ensemble (no design.csv); choose another "
                    "or pass --overwrite",
                    options.out));
  fs::create_directories(dir);
  // Array tasks of one sweep write the same design.csv side by side: each through its own temporary.
  if (!fs::exists(design)) io::write_file_atomic(design, design_csv);
  if (io::read_file(design) != design_csv)
    throw InputError(
        fmt::format("--out {}: holds a different ensemble (its design.csv differs from this "
                    "scenario's); choose another folder or pass --overwrite",
                    options.out));
  fs::create_directories(dir / "runs");
}

bool run_complete(const fs::path& dir, int index) {
  return fs::exists(dir / "runs" / run_name(index) / "manifest.json");
}

// ensemble_quarterly.csv from every run's quarterly.csv: per design point, quarter and numeric series,
// the replicates' mean and percentiles (engine/analysis/quantiles.hpp defines both exactly).
// Written as `path` (a temporary: the caller renames it into place).
void write_ensemble_quarterly(const fs::path& path, const fs::path& dir, const EnsemblePlan& plan) {
  io::CsvWriter out(path, {"point", "quarter", "period", "series", "n", "mean", "p05", "p25", "p50", "p75", "p95"});
  for (int p = 0; p < plan.points(); ++p) {
    std::vector<io::CsvTable> tables;
    for (const auto& run : plan.runs)
      if (run.point == p) tables.push_back(io::read_csv(dir / "runs" / run_name(run.index) / "quarterly.csv"));
    const io::CsvTable& first = tables.front();
    for (const auto& t : tables)
      if (t.header != first.header || t.rows.size() != first.rows.size())
        throw Error(fmt::format("{}: the runs of point {} have different quarterly.csv layouts", dir.string(), p));
    for (std::size_t q = 0; q < first.rows.size(); ++q) {
      for (std::size_t c = 0; c < first.header.size(); ++c) {
        const std::string& series = first.header[c];
        if (series == "quarter" || series == "period") continue;
        std::vector<double> values;
        for (const auto& t : tables) {
          const std::string& cell = t.rows[q][c];
          double v = 0;
          const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
          if (ec != std::errc() || end != cell.data() + cell.size()) break;
          values.push_back(v);
        }
        if (values.size() != tables.size()) continue;  // not a numeric column
        const double mean = mean_in_order(values);
        std::sort(values.begin(), values.end());
        std::vector<io::CsvWriter::Cell> row = {static_cast<long long>(p),
                                                first.rows[q][0],
                                                first.rows[q][1],
                                                series,
                                                static_cast<long long>(values.size()),
                                                mean};
        for (double pct : kPercentiles) row.emplace_back(percentile_linear(values, pct));
        out.row(row);
      }
    }
  }
  out.close();
}

Manifest ensemble_manifest(const LoadedScenario& loaded, const RunOptions& options, const EnsemblePlan& plan,
                           int ranks) {
  Manifest m = make_manifest(loaded, options, ranks, 0);
  m.clear_replicate();
  m.clear_equity_market_parameters();  // each run's manifest has its own
  m.set_kind(plan.kind);
  m.set_replicates(plan.replicates);
  m.set_ranks_per_run(options.ranks_per_run);
  m.set_runs(static_cast<int>(plan.runs.size()));
  m.set_design_points(plan.points());
  if (!plan.design.empty()) m.set_sweep_design(plan.design);
  for (const auto& f : plan.fields) m.add_sweep_fields(f);
  return m;
}

// Group rank 0's value on every rank of the group.
long long from_group_root(Comm& group, long long value) {
  const std::span<const long long> mine(&value, group.rank() == 0 ? 1 : 0);
  return allgatherv<long long>(group, mine).at(0);
}

}  // namespace

int ensemble_command(Comm& world, const RunOptions& options, const LoadedScenario& loaded) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const bool root = world.rank() == 0;
  const int replicates = std::max(1, options.replicates);
  const int per_run = options.ranks_per_run;
  EnsemblePlan plan;
  std::pair<int, int> range;
  TestFault fault;
  const int ranks_on_node = world.ranks_on_node();
  agreed(world, [&] {
    if (per_run < 1 || world.size() % per_run != 0)
      throw InputError(fmt::format("--ranks-per-run {}: must divide the job's {} rank(s)", per_run, world.size()));
    fault = TestFault::from_environment();
    plan = plan_ensemble(loaded, options.scenario, replicates);
    range = options.runs.empty() ? std::pair<int, int>{0, static_cast<int>(plan.runs.size()) - 1}
                                 : parse_runs(options.runs, static_cast<int>(plan.runs.size()));
    require_memory(loaded.scenario, per_run, ranks_on_node);
    if (root) prepare_folder(options, plan.design_csv(loaded.scenario.seed()));
  });
  const fs::path dir = options.out;

  // The runs still to do, as rank 0 sees the folder.
  std::vector<int> todo;
  if (root)
    for (int i = range.first; i <= range.second; ++i)
      if (!run_complete(dir, i)) todo.push_back(i);
  todo = allgatherv<int>(world, std::span<const int>(todo));
  const int groups = world.size() / per_run;
  if (root && !options.quiet)
    fmt::print(
        stderr,
        "[megacycle] {}: {} runs ({} point(s) x {} replicate(s)); {} to do in runs {}-{}, {} group(s) of {} rank(s)\n",
        plan.kind, plan.runs.size(), plan.points(), replicates, todo.size(), range.first, range.second, groups,
        per_run);

  std::unique_ptr<Comm> group = world.split(world.rank() / per_run);
  std::unique_ptr<SharedCounter> counter = world.make_counter();
  for (;;) {
    const long long next = from_group_root(*group, group->rank() == 0 ? counter->fetch_add(1) : 0);
    if (next >= static_cast<long long>(todo.size())) break;
    const PlannedRun& run = plan.runs[static_cast<std::size_t>(todo[static_cast<std::size_t>(next)])];
    try {
      LoadedScenario run_scenario;
      std::optional<io::RunFolder> folder;
      agreed(*group, [&] {
        run_scenario = scenario_for_run(loaded, options.scenario, plan, run);
        folder.emplace(dir / "runs" / run_name(run.index), false, group->rank() == 0);
      });
      Manifest manifest = make_manifest(run_scenario, options, group->size(), run.replicate);
      manifest.set_kind("run");
      manifest.set_run_index(run.index);
      manifest.set_design_point(run.point);
      SimulateOptions simulate_options;
      simulate_options.replicate = run.replicate;
      simulate_options.fault = fault;  // a rank-specific fault names a rank of the whole job
      if (fault.rank >= 0) simulate_options.fault.rank = fault.rank == world.rank() ? group->rank() : -1;
      const double wall = simulate(*group, run_scenario, manifest, folder->file(""), simulate_options);
      if (group->rank() == 0) {
        folder->commit();
        if (!options.quiet)
          fmt::print(stderr, "[megacycle] run {} (point {}, replicate {}) done in {:.1f}s by ranks {}-{}\n",
                     run_name(run.index), run.point, run.replicate, wall, world.rank(), world.rank() + per_run - 1);
      }
    } catch (const AgreedFailure& e) {
      // The other groups go on running: end the whole job from here, with this run's message.
      if (e.report()) fmt::print(stderr, "megacycle: error in run {}: {}\n", run_name(run.index), e.what());
      std::fflush(stderr);
      world.abort(e.exit_code());
    }
  }
  counter.reset();  // collective
  world.barrier();

  if (root) {
    int complete = 0;
    for (const auto& run : plan.runs) complete += run_complete(dir, run.index);
    if (complete == static_cast<int>(plan.runs.size())) {
      io::write_file_atomic(dir / "ensemble_quarterly.csv",
                            [&](const fs::path& temporary) { write_ensemble_quarterly(temporary, dir, plan); });
      Manifest manifest = ensemble_manifest(loaded, options, plan, world.size());
      manifest.set_wall_seconds(std::chrono::duration<double>(Clock::now() - start).count());
      for (const char* f : {"design.csv", "ensemble_quarterly.csv", "runs/"}) manifest.add_outputs(f);
      manifest.set_complete(true);
      io::write_file_atomic(dir / "manifest.json",
                            [&](const fs::path& temporary) { io::write_manifest(temporary, manifest); });
      if (!options.quiet)
        fmt::print(stderr, "[megacycle] {} complete: {} runs in {}/runs, summary in ensemble_quarterly.csv\n",
                   plan.kind, plan.runs.size(), options.out);
    } else if (!options.quiet) {
      fmt::print(stderr, "[megacycle] {} of {} runs complete; run the same command without --runs to finish the {}\n",
                 complete, plan.runs.size(), plan.kind);
    }
  }
  world.barrier();
  return 0;
}

}  // namespace megacycle
