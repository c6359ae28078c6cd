#!/usr/bin/python3
"""Demand-stall scenario check (ctest: scenario_demand_stall).

The question: if enterprise demand for AI stops growing in 2027, does the industry turn? The stall is
scenarios/baseline.textproto with --set overrides, built here from the baseline's own effective
scenario so that it follows the calibration as it changes (a copy of the baseline in a file would
drift from it):

  - environment.adoption_hazard_multiplier: the baseline's path until the stall quarter S (2027Q1 =
    quarter 8), then 0 from S + 1 on (a dated shock: two points one quarter apart): no new adopters;
  - environment.capability_index and algorithmic_efficiency: flat from S on at their value there
    (no more value or compute savings per adopter);
  - environment.ai_demand_growth_multiplier: 1 until S, then 0 from S + 1 on: hyperscalers' own-use
    demand and AI labs' compute plans stop growing at the same date.

Both the stalled run and the baseline itself (same seed, population and horizon) are run, and the
check asserts, printing every figure it uses:

  1. utilisation (quarterly.csv) falls below the hyperscalers' target utilisation within W quarters
     after S, and is lower in the stalled run than in the baseline over those quarters on average;
  2. the compute price index (compute_price_usd_per_unit_hour) falls: W quarters after S it is below
     its level at S, and below the baseline's at the same quarter;
  3. capex (capex_usd_b) falls: some quarter 4-W quarters after S is below the highest quarterly capex
     of S-3 .. S, total capex in the year after the stall (S+4 .. S+7, 2028) is below 2026's
     (S-4 .. S-1), and below the baseline's 2028.

Up to S the stalled run is the baseline, quarter for quarter. (An enterprise-only stall -- hazard,
capability and efficiency -- moves the baseline's industry little, because enterprises buy a
minority of the compute; the stall stops all AI demand growth.)

Usage: demand_stall.py --program build/megacycle [--scenario scenarios/baseline.textproto]
                       [--out DIR] [--stall-quarter 8] [--window 6] [--set path=value ...]
"""

import argparse
import shutil
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import megacycle_runs as mr  # noqa: E402


def stall_overrides(scenario, stall):
    """The --set arguments that stall demand at quarter `stall` of the effective `scenario`."""
    sets = []
    env = "environment."
    hazard = mr.schedule_points(scenario, "environment.adoption_hazard_multiplier")
    at_stall = mr.schedule_value(hazard, stall, 1.0)
    wanted = [p for p in hazard if p[0] < stall] + [(stall, at_stall), (stall + 1, 0.0)]
    sets += mr.schedule_overrides(env + "adoption_hazard_multiplier", hazard, wanted)
    for name in ("capability_index", "algorithmic_efficiency"):
        points = mr.schedule_points(scenario, env + name)
        level = mr.schedule_value(points, stall, 1.0)
        sets += mr.schedule_overrides(env + name, points, [p for p in points if p[0] < stall] + [(stall, level)])
    growth = mr.schedule_points(scenario, "environment.ai_demand_growth_multiplier")
    at_stall = mr.schedule_value(growth, stall, 1.0)
    wanted = [p for p in growth if p[0] < stall] + [(stall, at_stall), (stall + 1, 0.0)]
    sets += mr.schedule_overrides(env + "ai_demand_growth_multiplier", growth, wanted)
    return sets


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--program", required=True)
    parser.add_argument("--scenario", default=str(Path(__file__).resolve().parents[2] / "scenarios/baseline.textproto"))
    parser.add_argument("--out", default="demand_stall_out")
    parser.add_argument("--stall-quarter", type=int, default=8, help="quarter demand stops growing (8 = 2027Q1)")
    parser.add_argument("--window", type=int, default=6, help="quarters after the stall the industry has to turn")
    parser.add_argument("--set", action="append", default=[], dest="sets", help="applied to both runs")
    args = parser.parse_args()
    S, W = args.stall_quarter, args.window

    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    # Long enough for the year after the stall, plus a quarter.
    horizon = [f"quarters={S + 9}"]
    base_dir = mr.run(args.program, args.scenario, out / "baseline", sets=args.sets + horizon)
    scenario = mr.effective_scenario(base_dir)
    stall_sets = stall_overrides(scenario, S)
    print("stall overrides (on top of the run's own):\n  " + "\n  ".join(stall_sets))
    stall_dir = mr.run(args.program, args.scenario, out / "stall", sets=args.sets + horizon + stall_sets)

    base = mr.read_csv(base_dir, "quarterly.csv").set_index("quarter")
    stall = mr.read_csv(stall_dir, "quarterly.csv").set_index("quarter")
    target = mr.field(mr.field(scenario, "hyperscaler_rules", {}), "target_utilisation", 0.8)
    period = stall["period"]
    window = list(range(S + 1, S + W + 1))

    print(f"\nstall at quarter {S} ({period[S]}); target utilisation {target:g}")
    print(f"{'quarter':>8} {'period':>7} | {'adoption':>8} {'util':>6} {'price':>7} {'capex':>8} | "
          f"{'base util':>9} {'price':>7} {'capex':>8}")
    for t in range(max(0, S - 4), S + W + 3):
        if t not in stall.index:
            break
        s, b = stall.loc[t], base.loc[t]
        print(f"{t:>8} {period[t]:>7} | {s.adoption_share:8.4f} {s.utilisation:6.3f} "
              f"{s.compute_price_usd_per_unit_hour:7.3f} {s.capex_usd_b:8.2f} | {b.utilisation:9.3f} "
              f"{b.compute_price_usd_per_unit_hour:7.3f} {b.capex_usd_b:8.2f}")

    failures = []

    def check(ok, text):
        print(f"  [{'ok' if ok else 'FAIL'}] {text}")
        if not ok:
            failures.append(text)

    print("\nassertions:")
    # The stall itself took hold: with the hazard at 0 there are no new adopters, only churn.
    a0, a_max = stall.loc[S, "adoption_share"], stall.loc[S + 1:S + W, "adoption_share"].max()
    check(a_max <= a0 + 1e-12, f"adoption stops rising: {a0:.4f} in {period[S]}, at most {a_max:.4f} in "
                               f"{period[S + 1]}-{period[S + W]} (baseline: {base.loc[S + W, 'adoption_share']:.4f} "
                               f"in {period[S + W]})")

    # 1. Utilisation falls below target, and below the baseline's.
    below = [t for t in window if stall.loc[t, "utilisation"] < target]
    check(bool(below), f"utilisation below target {target:g} within {W} quarters of the stall: "
                       f"first in {period[below[0]] if below else 'none'} "
                       f"(min {stall.loc[window, 'utilisation'].min():.3f} in {period[S + 1]}-{period[S + W]})")
    mean_stall, mean_base = stall.loc[window, "utilisation"].mean(), base.loc[window, "utilisation"].mean()
    check(mean_stall < mean_base, f"mean utilisation {period[S + 1]}-{period[S + W]}: stalled {mean_stall:.3f} "
                                  f"< baseline {mean_base:.3f}")

    # 2. The compute price index falls.
    p0, p1, pb = (stall.loc[S, "compute_price_usd_per_unit_hour"], stall.loc[S + W, "compute_price_usd_per_unit_hour"],
                  base.loc[S + W, "compute_price_usd_per_unit_hour"])
    check(p1 < p0, f"compute price index falls: {p0:.3f} in {period[S]} -> {p1:.3f} in {period[S + W]}")
    check(p1 < pb, f"compute price index in {period[S + W]}: stalled {p1:.3f} < baseline {pb:.3f}")

    # 3. Capex falls within 4-W quarters of the stall below its peak of the year up to the stall, and
    # the year after the stall spends less than the year before it.
    peak_t = max(range(S - 3, S + 1), key=lambda t: stall.loc[t, "capex_usd_b"])
    c0 = stall.loc[peak_t, "capex_usd_b"]
    late = {t: stall.loc[t, "capex_usd_b"] for t in range(S + 4, S + W + 1)}
    fell = [t for t, c in late.items() if c < c0]
    check(bool(fell), f"capex falls within 4-{W} quarters of the stall: peak {c0:.2f} in {period[peak_t]} "
                      f"({period[S - 3]}-{period[S]}), then " + ", ".join(f"{period[t]} {c:.2f}" for t, c in late.items()))
    year_before = stall.loc[S - 4:S - 1, "capex_usd_b"].sum()
    year_after = stall.loc[S + 4:S + 7, "capex_usd_b"].sum()
    base_after = base.loc[S + 4:S + 7, "capex_usd_b"].sum()
    check(year_after < year_before, f"capex {period[S + 4][:4]} (stalled) {year_after:.1f} < capex "
                                    f"{period[S - 4][:4]} {year_before:.1f}")
    check(year_after < base_after, f"capex {period[S + 4][:4]}: stalled {year_after:.1f} < baseline {base_after:.1f}")

    if failures:
        mr.fail(f"demand stall: {len(failures)} assertion(s) failed:\n  " + "\n  ".join(failures))
    print("demand-stall check passed")


if __name__ == "__main__":
    sys.exit(main())
