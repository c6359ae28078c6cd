#!/usr/bin/python3
"""Stylized facts of daily returns over seeds (ctest: stylized_facts_baseline).

Runs scenarios/baseline.textproto for seeds 1..20 over its whole horizon at a reduced population
(enterprises.population=20000 and equity_market.investors.population=20000 by default) and reads each
run's stylized_facts.csv row of the AI index. Checks the median over seeds of (ISSUE 4, MODEL.md's
validation targets):

  |ACF(r, 1)|          < 0.1     returns are close to unpredictable;
  excess kurtosis     > 1       fat tails;
  Hill tail index     in [2, 6] (5% largest |r|);
  ACF(|r|) at lag 20  > 0.05    volatility clusters.

Every seed's figures and the medians are printed; the check fails (exit 1) if a median is outside.
Usage: stylized_facts.py --program build/megacycle [--seeds 1 20] [--series AI_index] [--out DIR]
                         [--jobs 2] [--set path=value ...]
"""

import argparse
import shutil
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import megacycle_runs as mr  # noqa: E402

# (column of stylized_facts.csv, description, test on the median)
TARGETS = [
    ("acf_r1", "|ACF(r, 1)| < 0.1", lambda v: abs(v) < 0.1),
    ("excess_kurtosis", "excess kurtosis > 1", lambda v: v > 1.0),
    ("hill_tail_index", "Hill tail index in [2, 6]", lambda v: 2.0 <= v <= 6.0),
    ("acf_abs_20", "ACF(|r|) at lag 20 > 0.05", lambda v: v > 0.05),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--program", required=True)
    parser.add_argument("--scenario", default=str(Path(__file__).resolve().parents[2] / "scenarios/baseline.textproto"))
    parser.add_argument("--seeds", type=int, nargs=2, default=[1, 20], metavar=("FIRST", "LAST"))
    parser.add_argument("--series", default="AI_index")
    parser.add_argument("--out", default="stylized_facts_out")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--set", action="append", dest="sets",
                        help="overrides (default: enterprises.population=20000, equity_market.investors.population=20000)")
    args = parser.parse_args()
    sets = args.sets if args.sets is not None else ["enterprises.population=20000",
                                                     "equity_market.investors.population=20000"]
    seeds = list(range(args.seeds[0], args.seeds[1] + 1))
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    mr.run_many([mr.run_command(args.program, args.scenario, out / f"seed{s}", sets=sets, seed=s) for s in seeds],
                args.jobs)

    rows = {}
    for s in seeds:
        facts = mr.read_csv(out / f"seed{s}", "stylized_facts.csv")
        row = facts[facts["series"] == args.series]
        if len(row) != 1:
            mr.fail(f"{out / f'seed{s}'}/stylized_facts.csv has {len(row)} rows for series {args.series}; expected 1")
        rows[s] = row.iloc[0]
    print(f"stylized facts of {args.series} daily log returns, {args.scenario} ({', '.join(sets)}):")
    print(f"{'seed':>6} {'obs':>6}" + "".join(f" {key:>16}" for key, *_ in TARGETS))
    for s in seeds:
        print(f"{s:>6} {int(rows[s]['observations']):>6}" + "".join(f" {rows[s][key]:>16.4f}" for key, *_ in TARGETS))
    mr.check_medians("stylized facts", rows, seeds, [(key, text, ok, "{:.4f}", "") for key, text, ok in TARGETS])
    print("stylized-facts check passed")


if __name__ == "__main__":
    sys.exit(main())
