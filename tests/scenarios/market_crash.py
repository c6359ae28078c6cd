#!/usr/bin/python3
"""Demand disappointment and the stock market (ctest: market_crash_baseline).

Runs the baseline with AI demand stalling from quarter S (2027Q1 = 8 by default; the overrides are
demand_stall.py's: adoption hazard 0, capability and efficiency flat, own-use and AI-lab growth 0)
and checks on the AI index (quarterly.csv, bubbles.csv) that:

  boom   its price / fundamental (ai_price_to_fundamental) rises during the AI boom: the peak over
         quarters 0..S+4 is at least 25% above the opening value (equity_market.valuation.
         initial_price_to_fundamental), and the index level peaks in the same window;
  crash  within 8 quarters after its peak, the index falls at least 30% from it and its price /
         fundamental at least 15% from its peak;
  dated  the Phillips-Shi-Yu detector dates the turn: bubbles.csv has an episode of the AI index (log
         price or log price / fundamental) whose GSADF rejects the random walk (explosive = 1), that
         starts within 6 quarters of the index's peak, and that shows a crash of at least 15% from its
         own peak. (BSADF flags explosive runs in either direction, so the dated episode may be the
         run-up or the collapse.)

Usage: market_crash.py --program build/megacycle [--seed 1] [--stall-quarter 8] [--out DIR] [--set ...]
"""

import argparse
import math
import shutil
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import demand_stall as ds  # noqa: E402
import megacycle_runs as mr  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--program", required=True)
    parser.add_argument("--scenario", default=str(Path(__file__).resolve().parents[2] / "scenarios/baseline.textproto"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stall-quarter", type=int, default=8)
    parser.add_argument("--out", default="market_crash_out")
    parser.add_argument("--set", action="append", dest="sets",
                        help="overrides (default: enterprises.population=50000, equity_market.investors.population=20000)")
    args = parser.parse_args()
    sets = args.sets if args.sets is not None else ["enterprises.population=50000",
                                                     "equity_market.investors.population=20000"]
    S = args.stall_quarter
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    horizon = [f"quarters={S + 16}"]
    # The stall's overrides are built from the scenario's own schedules (a 1-quarter run reads them).
    probe = mr.run(args.program, args.scenario, out / "probe", sets=sets + ["quarters=1"], seed=args.seed)
    stall_sets = ds.stall_overrides(mr.effective_scenario(probe), S)
    run = mr.run(args.program, args.scenario, out / "stall", sets=sets + horizon + stall_sets, seed=args.seed)

    q = mr.read_csv(run, "quarterly.csv").set_index("quarter")
    opening = mr.field(mr.field(mr.field(mr.effective_scenario(run), "equity_market"), "valuation"),
                       "initial_price_to_fundamental", 1.0)
    boom = q.loc[0:S + 4]
    peak_q = int(boom["ai_index"].idxmax())
    ratio_peak_q = int(boom["ai_price_to_fundamental"].idxmax())
    ratio_peak = float(boom["ai_price_to_fundamental"].max())
    after = q.loc[peak_q:peak_q + 8]
    index_fall = 1.0 - float(after["ai_index"].min()) / float(q.loc[peak_q, "ai_index"])
    after_ratio = q.loc[ratio_peak_q:ratio_peak_q + 8]
    ratio_fall = 1.0 - float(after_ratio["ai_price_to_fundamental"].min()) / ratio_peak
    print(f"AI index: peak {q.loc[peak_q, 'ai_index']:.1f} in {q.loc[peak_q, 'period']}, then -{index_fall:.0%} within 8 "
          f"quarters; price/fundamental {opening:.2f} at the start, peak {ratio_peak:.2f} in "
          f"{q.loc[ratio_peak_q, 'period']}, then -{ratio_fall:.0%}")
    failures = []
    if not ratio_peak >= 1.25 * opening:
        failures.append(f"no boom: AI price/fundamental peaks at {ratio_peak:.3f}, less than 1.25 x {opening:.3f}")
    if not index_fall >= 0.30:
        failures.append(f"no crash: the AI index falls only {index_fall:.1%} within 8 quarters of its peak")
    if not ratio_fall >= 0.15:
        failures.append(f"no crash: AI price/fundamental falls only {ratio_fall:.1%} within 8 quarters of its peak")

    b = mr.read_csv(run, "bubbles.csv")
    days = 1 + int(mr.read_csv(run, "daily.csv")["day_in_quarter"].max())
    window_start, window_end = (peak_q - 6) * days, (peak_q + 7) * days - 1
    episodes = b[(b["series"] == "AI_index") & (b["episode"] > 0)]
    print("AI index episodes dated by the detector:")
    for e in episodes.itertuples(index=False):
        print(f"  {e.measure:<26} {e.start_period}-{e.end_period} peak {e.peak_period} crash {e.crash_share:.0%}"
              f"{' (GSADF explosive)' if e.explosive else ''}")
    dated = episodes[(episodes["start_day"] >= window_start) & (episodes["start_day"] <= window_end) &
                     (episodes["crash_share"] >= 0.15) & (episodes["explosive"] == 1)]
    if dated.empty:
        failures.append(f"the detector dates no explosive AI-index episode starting within 6 quarters of the peak "
                        f"{q.loc[peak_q, 'period']} (days {window_start}-{window_end}) with a crash of 15% or more")
    if failures:
        mr.fail("market crash check:\n  " + "\n  ".join(failures))
    print("market-crash check passed")


if __name__ == "__main__":
    sys.exit(main())
