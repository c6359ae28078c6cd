#!/usr/bin/python3
"""Adoption keeps its size gradient and stays under its market potential (ctest: adoption_gradient_baseline).

Runs scenarios/baseline.textproto for seeds FIRST..LAST over all its quarters, small (the overrides
given), with large firms over-sampled (size_sampling_exponent below the Zipf exponent; the weights
correct for it) so that every size class holds enough agents. For each seed, at the last quarter
(2034Q4 in the baseline) and at the end of 2026, quarterly.csv's weighted adoption shares must

  - rise with size: large > medium > small > micro, each step by at least --min-step;
  - stay at or under the size class's market potential (adoption.potential_share_<class> times the
    sectors' potential_multiplier, capped at one, averaged over sectors by firm_share), read from the
    run's effective scenario, plus --slack for sampling noise;
  - and, for all firms, lie below --max-share at the last quarter (the issue: 95% of all firms, micro
    included, by 2034 was implausible).

The all-firm share at the last quarter must also differ across seeds (the market potential is drawn
per firm, so seeds differ). Nothing of the calibration is hard-coded: the potentials come from each
run's manifest.

Usage: adoption_gradient.py --program build/megacycle [--scenario scenarios/baseline.textproto]
                            [--seeds 1 3] [--out DIR] [--jobs 2] [--set path=value ...]
"""

import argparse
import shutil
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import megacycle_runs as mr  # noqa: E402

CLASSES = ["micro", "small", "medium", "large"]


def potentials(scenario):
    """Weighted market potential by size class, as the program draws it (enterprise.cpp)."""
    enterprises = mr.field(scenario, "enterprises", {})
    adoption = mr.field(enterprises, "adoption", {})
    by_class = [mr.field(adoption, f"potential_share_{c}", 1.0) for c in CLASSES]
    sectors = enterprises.get("sector", [])
    if not sectors:
        return by_class
    shares = [mr.field(s, "firm_share", 0.05) for s in sectors]
    multipliers = [mr.field(s, "potential_multiplier", 1.0) for s in sectors]
    total = sum(shares)
    return [sum(w * min(1.0, m_c * mu) for w, mu in zip(shares, multipliers)) / total for m_c in by_class]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--program", required=True)
    parser.add_argument("--scenario", default=str(Path(__file__).resolve().parents[2] / "scenarios/baseline.textproto"))
    parser.add_argument("--seeds", type=int, nargs=2, default=[1, 3], metavar=("FIRST", "LAST"))
    parser.add_argument("--out", default="adoption_gradient_out")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--min-step", type=float, default=0.02, help="smallest share gap between size classes")
    parser.add_argument("--slack", type=float, default=0.03, help="allowed excess over the potential (noise)")
    parser.add_argument("--max-share", type=float, default=0.8, help="all-firm share must stay below this")
    parser.add_argument("--set", action="append", dest="sets", default=[])
    args = parser.parse_args()
    seeds = list(range(args.seeds[0], args.seeds[1] + 1))

    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    mr.run_many([mr.run_command(args.program, args.scenario, out / f"seed{s}", sets=args.sets, seed=s) for s in seeds],
                args.jobs)

    failures = []
    last_shares = []
    for s in seeds:
        folder = out / f"seed{s}"
        q = mr.read_csv(folder, "quarterly.csv")
        m = potentials(mr.effective_scenario(folder))
        rows = [("end of 2026", q[q["period"] == "2026Q4"]), ("last quarter", q.iloc[[-1]])]
        for label, row in rows:
            if row.empty:
                failures.append(f"seed {s}: no {label} in quarterly.csv")
                continue
            row = row.iloc[0]
            shares = [float(row[f"adoption_share_{c}"]) for c in CLASSES]
            print(f"seed {s} {row['period']}: all {row['adoption_share']:.3f}, " +
                  ", ".join(f"{c} {v:.3f} (potential {p:.3f})" for c, v, p in zip(CLASSES, shares, m)))
            for (c0, v0), (c1, v1) in zip(zip(CLASSES, shares), zip(CLASSES[1:], shares[1:])):
                if not v1 >= v0 + args.min_step:
                    failures.append(f"seed {s} {row['period']}: {c1} {v1:.3f} not above {c0} {v0:.3f} "
                                    f"by {args.min_step}")
            for c, v, p in zip(CLASSES, shares, m):
                if not v <= p + args.slack:
                    failures.append(f"seed {s} {row['period']}: {c} {v:.3f} above its potential {p:.3f} "
                                    f"+ {args.slack}")
        last = float(q.iloc[-1]["adoption_share"])
        last_shares.append(last)
        if not last < args.max_share:
            failures.append(f"seed {s}: all-firm share {last:.3f} at the last quarter not below {args.max_share}")
    if len(seeds) > 1 and max(last_shares) == min(last_shares):
        failures.append(f"the all-firm share at the last quarter is {last_shares[0]} for every seed")
    if failures:
        mr.fail(f"adoption gradient: {len(failures)} failure(s):\n  " + "\n  ".join(failures))
    print("adoption gradient check passed")


if __name__ == "__main__":
    sys.exit(main())
