#!/usr/bin/env python3
"""Ensembles and sweeps (app/ensemble.hpp, docs/studies.md).

  ensemble_percentiles  `run SCENARIO --replicates R` on 2 ranks finishes, and every number in
                        ensemble_quarterly.csv equals numpy.percentile (default "linear") of the
                        replicates' quarterly.csv values and their mean summed in replicate order,
                        exactly (==, not a tolerance).
  ensemble_groups       a replicate's CSVs are byte-identical whatever the group size and total ranks
                        (1 rank; 2 ranks x 1; 2 ranks x 2; 3 ranks x 1), and replicate 0 equals a single
                        run of the same scenario; the folder can be finished in two steps (--runs), the
                        first step's runs are kept untouched, and a folder of another design is refused.
  ensemble_failure      one rank of one group failing mid-run ends the whole 3-rank job quickly with the
                        rank's message, while the other groups are busy; no summary is written.
  sweep_grid            a GRID sweep writes design.csv (point, replicate and the swept value per run), and
                        the run of each point is byte-identical to a single run with that --set.
"""

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from megacycle_runs import MPI_ENV, fail, manifest  # noqa: E402

PERCENTILES = {"p05": 5, "p25": 25, "p50": 50, "p75": 75, "p95": 95}


def megacycle(args, ranks, extra=(), expect_ok=True):
    cmd = [str(args.program), "run", str(args.scenario), "--quiet"] + list(extra)
    cmd += [a for s in args.set for a in ("--set", s)]
    if ranks > 1:
        cmd = [args.mpiexec, "-n", str(ranks), "--oversubscribe"] + cmd
    proc = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, **MPI_ENV),
                          timeout=600)
    if expect_ok and proc.returncode != 0:
        fail(f"{' '.join(cmd)} failed (exit {proc.returncode}):\n{proc.stderr}")
    return proc


def run_files(folder):
    return sorted(p.name for p in Path(folder).iterdir() if p.suffix == ".csv")


def same_outputs(a, b, what):
    names = run_files(a)
    if names != run_files(b) or not names:
        fail(f"{what}: {a} has {names}, {b} has {run_files(b)}")
    for name in names:
        if not filecmp.cmp(Path(a) / name, Path(b) / name, shallow=False):
            fail(f"{what}: {name} differs between {a} and {b}")


def check_percentiles(folder, replicates):
    # round_trip: pandas' default parser may miss the last bit of a shortest-form double.
    summary = pd.read_csv(folder / "ensemble_quarterly.csv", float_precision="round_trip")
    runs = [pd.read_csv(folder / "runs" / f"{r:04d}" / "quarterly.csv", float_precision="round_trip")
            for r in range(replicates)]
    series = [c for c in runs[0].columns if c not in ("quarter", "period")]
    if set(summary["series"]) != set(series):
        fail(f"ensemble_quarterly.csv series differ from quarterly.csv columns: "
             f"{sorted(set(series) ^ set(summary['series']))}")
    if len(summary) != len(series) * len(runs[0]):
        fail(f"ensemble_quarterly.csv has {len(summary)} rows, expected {len(series)} x {len(runs[0])}")
    values = {s: np.array([r[s].to_numpy(dtype=float) for r in runs]) for s in series}  # [replicate, quarter]
    checked = 0
    for row in summary.itertuples(index=False):
        v = values[row.series][:, row.quarter]
        total = 0.0
        for x in v:
            total += float(x)
        if row.n != replicates or row.mean != total / replicates:
            fail(f"{row.series} quarter {row.quarter}: n {row.n}, mean {row.mean!r} != {total / replicates!r}")
        for column, p in PERCENTILES.items():
            expected = float(np.percentile(v, p))
            if getattr(row, column) != expected:
                fail(f"{row.series} quarter {row.quarter}: {column} {getattr(row, column)!r} != numpy {expected!r}")
            checked += 1
    spread = sum(1 for row in summary.itertuples(index=False) if row.p95 > row.p05)
    if spread == 0:
        fail("every series has p05 == p95: the replicates are all the same run")
    print(f"ensemble_percentiles: {checked} percentiles and {len(summary)} means of {replicates} replicates "
          f"recomputed exactly; {spread} series-quarters have p95 > p05")


def ensemble_percentiles(args):
    out = Path(args.out) / "percentiles"
    shutil.rmtree(out, ignore_errors=True)
    megacycle(args, 2, ["--out", str(out), "--replicates", str(args.replicates)])
    m = manifest(out)
    if m.get("kind") != "ensemble" or m.get("runs") != args.replicates or m.get("ranks") != 2:
        fail(f"ensemble manifest: kind {m.get('kind')}, runs {m.get('runs')}, ranks {m.get('ranks')}")
    for r in range(args.replicates):
        rm = manifest(out / "runs" / f"{r:04d}")
        if rm.get("replicate", 0) != r or rm.get("run_index", 0) != r:
            fail(f"runs/{r:04d}/manifest.json: replicate {rm.get('replicate')}, run_index {rm.get('run_index')}")
    check_percentiles(out, args.replicates)


def ensemble_groups(args):
    base = Path(args.out) / "groups"
    shutil.rmtree(base, ignore_errors=True)
    layouts = {"1x1": (1, 1), "2x1": (2, 1), "2x2": (2, 2), "3x1": (3, 1)}
    for name, (ranks, per_run) in layouts.items():
        megacycle(args, ranks, ["--out", str(base / name), "--replicates", str(args.replicates),
                                "--ranks-per-run", str(per_run)])
    for r in range(args.replicates):
        for name in layouts:
            same_outputs(base / "1x1" / "runs" / f"{r:04d}", base / name / "runs" / f"{r:04d}",
                         f"replicate {r} at {name} (ranks x ranks per run)")
    megacycle(args, 1, ["--out", str(base / "single")])
    same_outputs(base / "single", base / "1x1" / "runs" / "0000", "replicate 0 vs a single run")
    replicates_differ = not filecmp.cmp(base / "1x1/runs/0000/quarterly.csv", base / "1x1/runs/0001/quarterly.csv",
                                        shallow=False)
    if not replicates_differ:
        fail("replicates 0 and 1 wrote the same quarterly.csv: the replicate does not key the streams")

    # Two steps: runs 0-1 first, then the rest; the first step writes no summary.
    steps = base / "steps"
    megacycle(args, 2, ["--out", str(steps), "--replicates", str(args.replicates), "--runs", "0-1"])
    if (steps / "ensemble_quarterly.csv").exists() or (steps / "manifest.json").exists():
        fail("--runs 0-1 of a larger ensemble wrote the summary")
    first = (steps / "runs/0000/manifest.json").read_text()
    megacycle(args, 2, ["--out", str(steps), "--replicates", str(args.replicates)])
    if (steps / "runs/0000/manifest.json").read_text() != first:
        fail("finishing the ensemble re-ran run 0000, which was complete")
    manifest(steps)
    if not filecmp.cmp(steps / "ensemble_quarterly.csv", base / "2x1" / "ensemble_quarterly.csv", shallow=False):
        fail("ensemble_quarterly.csv of the two-step ensemble differs from the one-step one")
    refused = megacycle(args, 1, ["--out", str(steps), "--replicates", str(args.replicates + 1)], expect_ok=False)
    if refused.returncode != 2 or "holds a different ensemble" not in refused.stderr:
        fail(f"another design into the same folder: exit {refused.returncode}, {refused.stderr!r}")
    print(f"ensemble_groups: {args.replicates} replicates identical at {', '.join(layouts)} and as a single run; "
          "two-step ensemble equals one-step; other design refused")


def ensemble_failure(args):
    out = Path(args.out) / "failure"
    shutil.rmtree(out, ignore_errors=True)
    os.environ["MEGACYCLE_TEST_FAULT"] = "error:rank=1:quarter=3"
    proc = megacycle(args, 3, ["--out", str(out), "--replicates", "6"], expect_ok=False)
    del os.environ["MEGACYCLE_TEST_FAULT"]
    if proc.returncode == 0 or "error on rank 1: injected test fault in quarter 3" not in proc.stderr:
        fail(f"a failing rank in an ensemble: exit {proc.returncode}, stderr {proc.stderr!r}")
    if (out / "manifest.json").exists() or (out / "ensemble_quarterly.csv").exists():
        fail("a failed ensemble wrote its summary")
    print(f"ensemble_failure: exit {proc.returncode}, message names rank 1, no summary")


def sweep_grid(args):
    out = Path(args.out) / "sweep"
    shutil.rmtree(out, ignore_errors=True)
    path, values = args.sweep_path, args.sweep_values
    sweep = "sweep { design: GRID field { path: \"%s\" %s } }" % (path, " ".join(f"value: {v}" for v in values))
    scenario = Path(args.out) / "sweep.textproto"
    scenario.write_text(Path(args.scenario).read_text() + "\n" + sweep + "\n")
    sweep_args = argparse.Namespace(**{**vars(args), "scenario": scenario})
    megacycle(sweep_args, 2, ["--out", str(out), "--replicates", "2"])
    m = manifest(out)
    if m.get("kind") != "sweep" or m.get("sweep_design") != "grid" or m.get("sweep_fields") != [path]:
        fail(f"sweep manifest: {json.dumps({k: m.get(k) for k in ('kind', 'sweep_design', 'sweep_fields')})}")
    design = pd.read_csv(out / "design.csv")
    if list(design.columns) != ["run", "point", "replicate", "seed", path] or len(design) != 2 * len(values):
        fail(f"design.csv columns {list(design.columns)}, {len(design)} rows")
    for p, v in enumerate(values):
        rows = design[design["point"] == p]
        if sorted(rows["replicate"]) != [0, 1] or not np.all(rows[path] == float(v)):
            fail(f"design.csv point {p}: {rows.to_dict('records')}")
        run0 = int(rows[rows["replicate"] == 0]["run"].iloc[0])
        single = Path(args.out) / f"sweep_single_{p}"
        megacycle(args, 1, ["--out", str(single), "--overwrite", "--set", f"{path}={v}"])
        same_outputs(single, out / "runs" / f"{run0:04d}", f"sweep point {p} ({path}={v}) vs a single run")
    print(f"sweep_grid: {len(values)} points x 2 replicates; each point equals a single run with --set")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("check", choices=["ensemble_percentiles", "ensemble_groups", "ensemble_failure", "sweep_grid"])
    parser.add_argument("--program", required=True)
    parser.add_argument("--mpiexec", required=True)
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--replicates", type=int, default=3)
    parser.add_argument("--set", action="append", default=[])
    parser.add_argument("--sweep-path", default="hyperscaler_rules.rivalry")
    parser.add_argument("--sweep-values", nargs="+", default=["0.1", "0.6"])
    args = parser.parse_args()
    Path(args.out).mkdir(parents=True, exist_ok=True)
    globals()[args.check](args)


if __name__ == "__main__":
    main()
