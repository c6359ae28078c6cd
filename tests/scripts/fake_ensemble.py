#!/usr/bin/python3
"""Build a fake ensemble or sweep folder from single run folders (test fixture for scripts/figures).

The folder follows the ensemble contract (docs/outputs.md, ensemble and sweep folders):
  DIR/manifest.json           "kind": "ensemble" or "sweep", "runs", "replicates", "complete": true, ...
  DIR/design.csv              run,point,replicate,seed[,<swept field path>]
  DIR/runs/NNNN/              the run folders (moved or copied here)
  DIR/ensemble_quarterly.csv  point,quarter,period,series,n,mean,p05,p25,p50,p75,p95 (numpy "linear"
                              percentiles over the replicates; mean = sum in replicate order / n)

Real replicates share the seed and differ by replicate id; the runs given here may differ by seed. A run
already at DIR/runs/NNNN (its index in the list) is used in place.

Usage: fake_ensemble.py --out DIR RUN [RUN ...] [--points P] [--swept-field PATH --swept-values V1,V2,...]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

PCTS = [5, 25, 50, 75, 95]


def build(out: Path, runs: list[Path], points: int = 1, swept_field: str | None = None,
          swept_values: list[str] | None = None, copy: bool = True) -> Path:
    """Runs are assigned to design points in blocks: run i is point i // R, replicate i % R."""
    out = Path(out)
    n = len(runs)
    if points < 1 or n % points:
        raise ValueError(f"{n} runs do not split into {points} points")
    reps = n // points
    (out / "runs").mkdir(parents=True, exist_ok=True)
    rows = []
    manifests = []
    for i, src in enumerate(runs):
        dst = out / "runs" / f"{i:04d}"
        if Path(src).resolve() != dst.resolve():
            if dst.exists():
                shutil.rmtree(dst)
            (shutil.copytree if copy else shutil.move)(str(src), str(dst))
        m = json.loads((dst / "manifest.json").read_text())
        manifests.append(m)
        row = {"run": i, "point": i // reps, "replicate": i % reps, "seed": m["seed"]}
        if swept_field:
            row[swept_field] = swept_values[i // reps]
        rows.append(row)
    design = pd.DataFrame(rows)
    design.to_csv(out / "design.csv", index=False)

    frames = []
    for pt in range(points):
        qs = [pd.read_csv(out / "runs" / f"{r:04d}" / "quarterly.csv") for r in design[design["point"] == pt]["run"]]
        cols = [c for c in qs[0].columns if c != "quarter" and pd.api.types.is_numeric_dtype(qs[0][c])]
        stack = np.stack([q[cols].to_numpy(dtype=float) for q in qs])  # replicate, quarter, series
        pct = np.percentile(stack, PCTS, axis=0)
        for j, series in enumerate(cols):
            frames.append(pd.DataFrame({
                "point": pt, "quarter": qs[0]["quarter"], "period": qs[0]["period"], "series": series,
                "n": len(qs), "mean": stack[:, :, j].sum(axis=0) / len(qs),
                **{f"p{p:02d}": pct[k, :, j] for k, p in enumerate(PCTS)}}))
    eq = pd.concat(frames, ignore_index=True).sort_values(["point", "quarter"], kind="stable")
    eq.to_csv(out / "ensemble_quarterly.csv", index=False)

    m0 = manifests[0]
    manifest = {
        "kind": "sweep" if points > 1 else "ensemble",
        "program_version": m0.get("program_version"),
        "git_commit": m0.get("git_commit"),
        "scenario_file": m0.get("scenario_file"),
        "scenario_file_text": m0.get("scenario_file_text"),
        "scenario_effective_text": m0.get("scenario_effective_text"),
        "replicates": reps,
        "points": points,
        "ranks": 1,
        "ranks_per_run": 1,
        "runs": n,
        "complete": True,
        "note": "fake ensemble built by tests/scripts/fake_ensemble.py from single runs",
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--points", type=int, default=1)
    parser.add_argument("--swept-field")
    parser.add_argument("--swept-values", help="comma-separated, one value per point")
    parser.add_argument("--move", action="store_true", help="move the run folders instead of copying them")
    args = parser.parse_args()
    values = args.swept_values.split(",") if args.swept_values else None
    build(args.out, args.runs, args.points, args.swept_field, values, copy=not args.move)
    print(f"fake ensemble: {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
