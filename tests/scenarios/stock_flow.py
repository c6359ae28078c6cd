#!/usr/bin/python3
"""Stock-flow consistency of a whole run, from its output files (ctest: stock_flow_baseline).

Runs a scenario (by default scenarios/baseline.textproto, all of its quarters) at 1 rank and at 3
ranks under mpiexec, and checks in each run:

  quarterly.csv, every quarter:
    money_gap <= 1e-9 and books_gap <= 1e-9 (the ledger's total against the money the economy started
    with, and the largest firm's statement gap, both relative, as the program computes them);
  firms.csv, every firm and quarter:
    balance sheet    |cash + fixed_assets - debt - book_equity| <= 1e-9 (|cash| + |fixed_assets|)
                     (the scale floored at USD 1 billion, as the program's own check does; every
                     identity below uses the same relative tolerance);
    income statement ebitda - depreciation - net_interest - tax = net_income, OCF = net income +
                     depreciation, FCF = OCF - capex;
    and from one quarter to the next (quarter 0's opening balances are not in the output):
    cash             change = FCF + net borrowing + equity issued - dividends - buybacks;
    fixed assets     change = capex - depreciation;
    debt             change = net borrowing - debt written off - debt swapped into equity (defaults);
    book equity      change = net income + equity issued - dividends - buybacks + restructured debt;
  the sum over firms, every quarter:
    quarterly.csv's hyperscaler totals (capex, cash, debt, FCF), the chip vendors' revenue and the AI
    labs' revenue equal the sums of the firms.csv rows; the money hyperscalers earn from AI labs equals
    what the labs spend on compute, and vendors' chip revenue covers what hyperscalers paid for chips
    (the rest comes from buyers outside the model). Flows between modelled firms thus cancel in the
    sum, and what is left is the firms' net flow with the outside sectors, which the ledger's
    money_gap accounts for (the outside sectors' balances are not written out).
  with an equity market, quarterly.csv, every quarter: equity_money_gap <= 1e-9 (investors' and the
    market maker's money against what they started with plus dividends, buybacks, interest, less
    issuance) and equity_shares_gap <= 1e-9 (shares held by investors and the market maker against
    shares outstanding); firms.csv: market value = share price x shares outstanding;
  and the 1-rank and 3-rank runs wrote byte-identical quarterly.csv, firms.csv and daily.csv.

Every failure names the run, the quarter and the firm. Before the runs are checked, the checks are
run on deliberately corrupted copies of the output to make sure they can fail.

Usage: stock_flow.py --program build/megacycle [--mpiexec mpiexec] [--ranks 1 3]
                     [--scenario scenarios/baseline.textproto] [--out DIR] [--set path=value ...]
"""

import argparse
import filecmp
import shutil
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import megacycle_runs as mr  # noqa: E402

TOL = 1e-9


class Failures:
    def __init__(self, run):
        self.run = run
        self.messages = []

    def add(self, message):
        self.messages.append(f"{self.run}: {message}")


def where(row):
    return f"quarter {int(row.quarter)} ({row.period}), firm {row.name} ({row.type})"


def check_quarterly(q, failures):
    for row in q.itertuples(index=False):
        # With an equity market: investors' and the market maker's money against the flows into the market,
        # and shares held against shares outstanding (both relative, as the program computes them).
        for column in ("money_gap", "books_gap") + (("equity_money_gap", "equity_shares_gap") if "equity_money_gap" in q else ()):
            value = getattr(row, column)
            if not value <= TOL:  # NaN fails too
                failures.add(f"quarter {int(row.quarter)} ({row.period}): {column} = {value:.3g} > {TOL:g}")


def check_firms(f, failures):
    columns = ["cash_usd_b", "fixed_assets_usd_b", "debt_usd_b", "book_equity_usd_b"]
    f = f.sort_values(["name", "quarter"], kind="stable")
    previous = {}
    for row in f.itertuples(index=False):
        scale = max(1.0, abs(row.cash_usd_b) + abs(row.fixed_assets_usd_b))  # USD billion; 1 = the model's floor
        tol = TOL * scale

        def check(what, gap):
            if not abs(gap) <= tol:
                failures.add(f"{where(row)}: {what} off by {gap:.6g} USD b (tolerance {tol:.3g})")

        for c in columns:
            if getattr(row, c) != getattr(row, c):
                failures.add(f"{where(row)}: {c} is NaN")
        check("balance sheet: cash + fixed_assets - debt - book_equity",
              row.cash_usd_b + row.fixed_assets_usd_b - row.debt_usd_b - row.book_equity_usd_b)
        check("income statement: ebitda - depreciation - net_interest - tax - net_income",
              row.ebitda_usd_b - row.depreciation_usd_b - row.net_interest_usd_b - row.tax_usd_b - row.net_income_usd_b)
        check("operating cash flow: OCF - (net_income + depreciation)",
              row.operating_cash_flow_usd_b - row.net_income_usd_b - row.depreciation_usd_b)
        check("free cash flow: FCF - (OCF - capex)", row.fcf_usd_b - row.operating_cash_flow_usd_b + row.capex_usd_b)
        market_value = getattr(row, "market_value_usd_b", float("nan"))
        if market_value == market_value:  # listed firm with an equity market
            gap = market_value - row.share_price_usd * row.shares_outstanding_b
            if not abs(gap) <= TOL * max(1.0, abs(market_value)):
                failures.add(f"{where(row)}: market value off price x shares by {gap:.6g} USD b")
        payout = row.dividends_usd_b + row.buybacks_usd_b
        before = previous.get(row.name)
        if before is not None and before.quarter == row.quarter - 1:
            tol = TOL * max(scale, abs(before.cash_usd_b) + abs(before.fixed_assets_usd_b))
            check("cash: change - (FCF + net borrowing + equity issued - dividends - buybacks)",
                  row.cash_usd_b - before.cash_usd_b -
                  (row.fcf_usd_b + row.net_borrowing_usd_b + row.equity_issued_usd_b - payout))
            check("fixed assets: change - (capex - depreciation)",
                  row.fixed_assets_usd_b - before.fixed_assets_usd_b - (row.capex_usd_b - row.depreciation_usd_b))
            # A default's restructuring moves debt into book equity without cash (ODD 7.13.1).
            restructured = row.debt_written_off_usd_b + row.debt_to_equity_usd_b
            check("debt: change - (net borrowing - written off - swapped into equity)",
                  row.debt_usd_b - before.debt_usd_b - row.net_borrowing_usd_b + restructured)
            check("book equity: change - (net income + equity issued - dividends - buybacks + restructured debt)",
                  row.book_equity_usd_b - before.book_equity_usd_b -
                  (row.net_income_usd_b + row.equity_issued_usd_b - payout + restructured))
        elif before is not None:
            failures.add(f"{where(row)}: follows quarter {int(before.quarter)}; a quarter is missing")
        previous[row.name] = row


def check_sums(q, f, failures):
    """quarterly.csv totals against the firms.csv rows, and the flows between modelled firms."""
    quarters = sorted(f["quarter"].unique())
    if quarters != list(q["quarter"]):
        failures.add(f"firms.csv has quarters {quarters[:3]}...{quarters[-3:]}, quarterly.csv {list(q['quarter'])[:3]}...")
        return
    counts = f.groupby("quarter")["name"].nunique()
    rows = f.groupby("quarter").size()
    if counts.nunique() != 1 or (rows != counts).any():
        failures.add(f"firms.csv does not hold each firm once per quarter: firms per quarter {sorted(set(rows))}")
    for row in q.itertuples(index=False):
        t = row.quarter
        firms = f[f["quarter"] == t]
        h = firms[firms["type"] == "hyperscaler"]
        v = firms[firms["type"] == "chip_vendor"]
        lab = firms[firms["type"] == "ai_lab"]
        scale = max(1.0, h["cash_usd_b"].abs().sum() + h["fixed_assets_usd_b"].abs().sum())

        def same(what, total, rows_sum):
            if not abs(total - rows_sum) <= TOL * max(scale, abs(total)):
                failures.add(f"quarter {int(t)} ({row.period}): quarterly.csv {what} = {total!r}, "
                             f"sum over firms.csv = {rows_sum!r}")

        same("capex_usd_b", row.capex_usd_b, h["capex_usd_b"].sum())
        same("capex_chips_usd_b", row.capex_chips_usd_b, h["capex_chips_usd_b"].sum())
        same("capex_own_silicon_usd_b", row.capex_own_silicon_usd_b, h["capex_own_silicon_usd_b"].sum())
        same("capex_datacentre_usd_b", row.capex_datacentre_usd_b, h["capex_datacentre_usd_b"].sum())
        same("hyperscaler_cash_usd_b", row.hyperscaler_cash_usd_b, h["cash_usd_b"].sum())
        same("hyperscaler_debt_usd_b", row.hyperscaler_debt_usd_b, h["debt_usd_b"].sum())
        same("hyperscaler_fcf_usd_b", row.hyperscaler_fcf_usd_b, h["fcf_usd_b"].sum())
        same("hyperscaler_ai_revenue_usd_b", row.hyperscaler_ai_revenue_usd_b, h["ai_revenue_usd_b"].sum())
        same("vendor_revenue_usd_b", row.vendor_revenue_usd_b, v["revenue_usd_b"].sum())
        same("lab_revenue_usd_b", row.lab_revenue_usd_b, lab["revenue_usd_b"].sum())
        # Funding rounds are equity; settle_quarter may add more (bridge equity when sentiment is rich).
        if not row.lab_funding_usd_b <= lab["equity_issued_usd_b"].sum() * (1 + TOL) + TOL:
            failures.add(f"quarter {int(t)} ({row.period}): quarterly.csv lab_funding_usd_b = {row.lab_funding_usd_b!r} "
                         f"exceeds the AI labs' equity issued {lab['equity_issued_usd_b'].sum()!r}")
        # Compute the labs rent: hyperscalers' AI revenue less what end users paid them (enterprises
        # and own products; end-user revenue also counts the labs' own sales) is the labs' compute bill.
        from_labs = row.hyperscaler_ai_revenue_usd_b - (row.end_user_ai_revenue_usd_b - row.lab_revenue_usd_b)
        same("hyperscaler revenue from AI labs (hyperscaler_ai_revenue - end_user_ai_revenue + lab_revenue)",
             from_labs, lab["cost_of_sales_usd_b"].sum())
        # Chips: every dollar hyperscalers paid for chips is vendor revenue; vendors also sell outside.
        paid = h["capex_chips_usd_b"].sum() + h["capex_own_silicon_usd_b"].sum()
        if not v["revenue_usd_b"].sum() >= paid * (1 - TOL) - TOL:
            failures.add(f"quarter {int(t)} ({row.period}): chip vendors' revenue {v['revenue_usd_b'].sum()!r} is "
                         f"less than hyperscalers' chip capex {paid!r}")


def check_run(folder, label):
    failures = Failures(label)
    m = mr.manifest(folder)
    q = mr.read_csv(folder, "quarterly.csv")
    f = mr.read_csv(folder, "firms.csv")
    if len(q) != int(m["quarters"]):
        failures.add(f"quarterly.csv has {len(q)} quarters, the manifest says {m['quarters']}")
    check_quarterly(q, failures)
    check_firms(f, failures)
    check_sums(q, f, failures)
    return failures, q, f


def self_test(q, f):
    """The checks must be able to fail: corrupt copies of a good run and expect the right messages."""
    t = int(q["quarter"].iloc[len(q) // 2])
    name = f[f["type"] == "hyperscaler"]["name"].iloc[0]
    cases = []
    bad = f.copy()
    i = bad.index[(bad["quarter"] == t) & (bad["name"] == name)][0]
    bad.loc[i, "cash_usd_b"] += 1e-3  # USD 1 million more cash than the statements explain
    cases.append(("cash", q, bad, [f"quarter {t} ", f"firm {name} ", "balance sheet"]))
    bad = f.copy()
    bad.loc[i, "dividends_usd_b"] += 0.5
    cases.append(("dividends", q, bad, [f"quarter {t} ", f"firm {name} ", "cash: change"]))
    bad_q = q.copy()
    bad_q.loc[bad_q.index[t], "books_gap"] = 2e-9
    cases.append(("books_gap", bad_q, f, [f"quarter {t} ", "books_gap"]))
    if "equity_money_gap" in q:
        bad_q = q.copy()
        bad_q.loc[bad_q.index[t], "equity_shares_gap"] = 2e-9
        cases.append(("equity_shares_gap", bad_q, f, [f"quarter {t} ", "equity_shares_gap"]))
        bad = f.copy()
        listed = bad.index[(bad["quarter"] == t) & (bad["name"] == name)][0]
        bad.loc[listed, "market_value_usd_b"] *= 1.001
        cases.append(("market value", q, bad, [f"quarter {t} ", f"firm {name} ", "market value"]))
    bad_q = q.copy()
    bad_q.loc[bad_q.index[t], "capex_usd_b"] *= 1.001
    cases.append(("capex total", bad_q, f, [f"quarter {t} ", "capex_usd_b"]))
    for what, qq, ff, expected in cases:
        failures = Failures("self-test")
        check_quarterly(qq, failures)
        check_firms(ff, failures)
        check_sums(qq, ff, failures)
        if not any(all(e in m for e in expected) for m in failures.messages):
            mr.fail(f"self-test: corrupting {what} in quarter {t} was not reported as expected {expected}; "
                    f"reports: {failures.messages[:5]}")
    print(f"self-test: {len(cases)} corrupted copies each reported with their quarter and firm")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--program", required=True)
    parser.add_argument("--mpiexec", default="mpiexec")
    parser.add_argument("--scenario", default=str(Path(__file__).resolve().parents[2] / "scenarios/baseline.textproto"))
    parser.add_argument("--ranks", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--out", default="stock_flow_out")
    parser.add_argument("--set", action="append", default=[], dest="sets")
    args = parser.parse_args()

    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    folders = {}
    for k in args.ranks:
        folders[k] = out / f"np{k}"
        # One rank runs without mpiexec (as users run it); more go through mpiexec.
        mr.run(args.program, args.scenario, folders[k], sets=args.sets, ranks=k if k > 1 else None,
               mpiexec=args.mpiexec)

    all_failures = []
    for k, folder in folders.items():
        failures, q, f = check_run(folder, f"{k} rank(s)")
        all_failures += failures.messages
        n_firms = f["name"].nunique()
        print(f"{k} rank(s): {len(q)} quarters ({q['period'].iloc[0]}-{q['period'].iloc[-1]}), {n_firms} firms, "
              f"{len(f)} firm rows; largest money_gap {q['money_gap'].max():.3g}, books_gap {q['books_gap'].max():.3g}; "
              f"{len(failures.messages)} failure(s)")
    reference = args.ranks[0]
    for k in args.ranks[1:]:
        for name in ("quarterly.csv", "firms.csv", "daily.csv"):
            if not (folders[reference] / name).exists() and not (folders[k] / name).exists():
                continue
            if not filecmp.cmp(folders[reference] / name, folders[k] / name, shallow=False):
                all_failures.append(f"{name} differs between {reference} and {k} ranks "
                                    f"({folders[reference]} vs {folders[k]})")
    if all_failures:
        shown = "\n  ".join(all_failures[:30])
        more = f"\n  ... and {len(all_failures) - 30} more" if len(all_failures) > 30 else ""
        mr.fail(f"stock-flow check: {len(all_failures)} failure(s):\n  {shown}{more}")
    self_test(q, f)
    print("stock-flow check passed")


if __name__ == "__main__":
    sys.exit(main())
