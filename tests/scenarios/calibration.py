#!/usr/bin/python3
"""Calibration check of the baseline against MODEL.md's anchors (ctest: calibration_baseline, label
"calibration").

Runs scenarios/baseline.textproto for seeds 1..20 over its first 8 quarters (2025Q1-2026Q4) at a
reduced population (enterprises.population=50000 by default) and checks the median over seeds of:

  Big Tech AI capex 2026     sum of quarterly.csv big_tech_capex_usd_b over the 2026 quarters,
                             USD billion, in [620, 725];
  Amazon capex 2026          sum of firms.csv capex_usd_b of the firm named Amazon over 2026, in [170, 230];
  adoption share end-2026    quarterly.csv adoption_share in 2026Q4, in [0.15, 0.25];
  chip-vendor gross margin   2026, all chip vendors together: 1 - sum(cost_of_sales) / sum(revenue)
                             of firms.csv's chip_vendor rows, in [0.60, 0.80].

Every seed's figures and every median with its range are printed; the check fails (exit 1) if any
median is outside its range. The runs go through megacycle_run_seeds (tests/tools: all seeds in one
process, no MPI) when --runner is given, otherwise through the program, --jobs at a time.

Usage: calibration.py (--runner build/tests/tools/megacycle_run_seeds | --program build/megacycle)
                      [--scenario scenarios/baseline.textproto] [--seeds 1 20] [--out DIR] [--jobs 2]
                      [--set path=value ...]
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import megacycle_runs as mr  # noqa: E402

YEAR = 2026
# (key, description, low, high, format)
TARGETS = [
    ("big_tech_capex", f"Big Tech AI capex {YEAR}, USD b", 620.0, 725.0, "{:.1f}"),
    ("amazon_capex", f"Amazon capex {YEAR}, USD b", 170.0, 230.0, "{:.1f}"),
    ("adoption_share", f"enterprise adoption share {YEAR}Q4", 0.15, 0.25, "{:.4f}"),
    ("vendor_gross_margin", f"chip-vendor gross margin {YEAR}", 0.60, 0.80, "{:.4f}"),
]


def figures(folder):
    q = mr.read_csv(folder, "quarterly.csv")
    f = mr.read_csv(folder, "firms.csv")
    year_q = mr.periods_of_year(q, YEAR)
    year_f = mr.periods_of_year(f, YEAR)
    if len(year_q) != 4:
        mr.fail(f"{folder}/quarterly.csv has {len(year_q)} quarters of {YEAR}; the run must cover all of {YEAR}")
    amazon = year_f[year_f["name"] == "Amazon"]
    if len(amazon) != 4:
        mr.fail(f"{folder}/firms.csv has {len(amazon)} rows of a firm named Amazon in {YEAR}; expected 4")
    q4 = q[q["period"] == f"{YEAR}Q4"]
    vendors = year_f[year_f["type"] == "chip_vendor"]
    revenue = vendors["revenue_usd_b"].sum()
    return {
        "big_tech_capex": year_q["big_tech_capex_usd_b"].sum(),
        "amazon_capex": amazon["capex_usd_b"].sum(),
        "adoption_share": float(q4["adoption_share"].iloc[0]),
        "vendor_gross_margin": 1.0 - vendors["cost_of_sales_usd_b"].sum() / revenue if revenue > 0 else float("nan"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--runner", help="megacycle_run_seeds: all seeds in one process")
    group.add_argument("--program", help="megacycle: one process per seed")
    parser.add_argument("--scenario", default=str(Path(__file__).resolve().parents[2] / "scenarios/baseline.textproto"))
    parser.add_argument("--seeds", type=int, nargs=2, default=[1, 20], metavar=("FIRST", "LAST"))
    parser.add_argument("--out", default="calibration_out")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--set", action="append", dest="sets",
                        help="overrides (default: quarters=8, enterprises.population=50000)")
    args = parser.parse_args()
    sets = args.sets if args.sets is not None else ["quarters=8", "enterprises.population=50000"]
    seeds = list(range(args.seeds[0], args.seeds[1] + 1))

    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    if args.runner:
        cmd = [args.runner, args.scenario, "--out-root", str(out), "--seeds", str(seeds[0]), str(seeds[-1])]
        for s in sets:
            cmd += ["--set", s]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, **mr.MPI_ENV), timeout=600)
        if proc.returncode != 0:
            mr.fail(f"runs failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stdout}{proc.stderr}")
    else:
        mr.run_many([mr.run_command(args.program, args.scenario, out / f"seed{s}", sets=sets, seed=s) for s in seeds],
                    args.jobs)

    rows = {s: figures(out / f"seed{s}") for s in seeds}
    print(f"calibration of {args.scenario} ({', '.join(sets)}), seeds {seeds[0]}-{seeds[-1]}:")
    header = f"{'seed':>6}" + "".join(f" {key:>20}" for key, *_ in TARGETS)
    print(header)
    for s in seeds:
        print(f"{s:>6}" + "".join(f" {fmt.format(rows[s][key]):>20}" for key, _, _, _, fmt in TARGETS))

    mr.check_medians("calibration", rows, seeds,
                     [(key, text, lambda m, low=low, high=high: low <= m <= high, fmt,
                       f", target [{fmt.format(low)}, {fmt.format(high)}]") for key, text, low, high, fmt in TARGETS])
    print("calibration check passed")


if __name__ == "__main__":
    sys.exit(main())
