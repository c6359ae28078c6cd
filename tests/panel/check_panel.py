#!/usr/bin/python3
"""Per-agent panels (panel.h5) of a whole run, checked against the run's own CSVs (ctest: panel_*).

Runs a scenario (tests/scenarios/small_industry.textproto in ctest) with
--panel enterprises,investors --panel-every N at each of --ranks (2 first: the run under test; then
the others, e.g. 1 and 3), once more at 2 ranks without --panel, and checks:

  shapes     /enterprises and /investors: quarter and period [S] with the snapshot quarters (after every
             N quarters and after the last), static columns [N], dynamic ones [S, N], holdings
             [S, N, stocks]; id = 0..N-1; the stock labels are the hyperscalers, the chip vendors and
             RestOfMarket; the manifest lists panel.h5;
  ranks      every dataset and attribute equal at every rank count (NaN equal to NaN);
  aggregates at each snapshot quarter, from the agents: the weighted adoption share and the adoption
             share of each sector and size class equal quarterly.csv's adoption_share columns, the
             weighted firms by stage its firms_<stage>, and the weighted compute demand its
             compute_demand_units (each within 1e-12, relative for the totals); investors' cash and
             wealth sum to investor_cash_usd_b and investor_wealth_usd_b (relative 1e-12); a provider
             (>= 0) and a finite ROI exactly for adopters (pilot, production);
  no panel   without --panel the run writes no panel.h5 and its manifest does not list it.

Usage: check_panel.py --program build/megacycle --mpiexec mpiexec --scenario FILE --out DIR
                      [--ranks 2 1 3] [--every 2]
The run under test is left in DIR/np<first rank count> (ctest's panel_example loads it).
"""

import argparse
import sys
from pathlib import Path

import h5py
import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scenarios"))
import megacycle_runs as mr  # noqa: E402

TOL = 1e-12


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def run(args, ranks, out, panel=True):
    cmd = mr.run_command(args.program, args.scenario, out, ranks=ranks, mpiexec=args.mpiexec)
    if panel:
        cmd += ["--panel", "enterprises,investors", "--panel-every", str(args.every)]
    mr.finish(mr.start(cmd), cmd)
    return Path(out)


def expect(condition, message):
    if not condition:
        mr.fail(message)


def check_shapes(folder, every):
    m = mr.manifest(folder)
    expect("panel.h5" in m["outputs"], f"{folder}: manifest outputs {m['outputs']} do not list panel.h5")
    scenario = mr.effective_scenario(folder)
    quarters = int(m["quarters"])
    snapshots = [t for t in range(quarters) if (t + 1) % every == 0 or t == quarters - 1]
    n_ent = mr.field(mr.field(scenario, "enterprises", {}), "population", 200000)
    market = mr.field(scenario, "equity_market", {})
    n_inv = mr.field(mr.field(market, "investors", {}), "population", 100000)
    stocks = [mr.field(h, "name") for h in scenario.get("hyperscaler", [])]
    stocks += [mr.field(v, "name") for v in scenario.get("chip_vendor", [])] + ["RestOfMarket"]
    q = mr.read_csv(folder, "quarterly.csv")
    periods = [str(p) for p in q["period"].iloc[snapshots]]
    S = len(snapshots)
    with h5py.File(folder / "panel.h5", "r") as f:
        expect(sorted(f) == ["enterprises", "investors"], f"groups {sorted(f)}")
        for group, n, static, dynamic in [
            ("enterprises", n_ent,
             ["id", "sector", "size_class", "employees", "revenue_usd_m_per_year", "innovativeness",
              "productivity", "weight"],
             ["stage", "quarters_in_stage", "provider", "compute_demand_units", "roi", "low_roi_quarters"]),
            ("investors", n_inv, ["id", "weight", "reaction_strength"],
             ["strategy", "cash_usd_b", "wealth_usd_b", "trade_scale_usd_b"]),
        ]:
            g = f[group]
            expect(int(g.attrs["population"]) == n, f"/{group} population {g.attrs['population']}, expected {n}")
            expect(list(g["quarter"][:]) == snapshots, f"/{group}/quarter {list(g['quarter'][:])} != {snapshots}")
            got = [text(p) for p in g["period"][:]]
            expect(got == periods, f"/{group}/period {got} != quarterly.csv's {periods}")
            for name in static:
                expect(g[name].shape == (n,), f"/{group}/{name} shape {g[name].shape}, expected ({n},)")
            for name in dynamic:
                expect(g[name].shape == (S, n), f"/{group}/{name} shape {g[name].shape}, expected ({S}, {n})")
                expect(g[name].maxshape == (None, n), f"/{group}/{name} maxshape {g[name].maxshape}: not extendible")
            for name in static + dynamic:
                for attr in ("unit", "description", "dimensions"):
                    expect(attr in g[name].attrs, f"/{group}/{name} has no attribute {attr}")
            expect(np.array_equal(g["id"][:], np.arange(n)), f"/{group}/id is not 0..{n - 1}")
        h = f["investors/holdings_b_shares"]
        expect(h.shape == (S, n_inv, len(stocks)), f"holdings shape {h.shape}, expected ({S}, {n_inv}, {len(stocks)})")
        got = [text(s) for s in f["investors/stock"][:]]
        expect(got == stocks, f"/investors/stock {got} != {stocks}")
    print(f"shapes: {S} snapshots {snapshots}, {n_ent} enterprises, {n_inv} investors, {len(stocks)} stocks")
    return snapshots


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def same_attrs(a, b):
    if sorted(a.attrs) != sorted(b.attrs):
        return False
    return all(np.array_equal(np.asarray(a.attrs[k]), np.asarray(b.attrs[k])) for k in a.attrs)


def check_equal(reference, other):
    with h5py.File(reference / "panel.h5", "r") as fa, h5py.File(other / "panel.h5", "r") as fb:
        da, db = datasets(fa), datasets(fb)
        expect(sorted(da) == sorted(db), f"{other}: datasets {sorted(db)} differ from {reference}'s {sorted(da)}")
        for name in da:
            a, b = da[name][()], db[name][()]
            equal_nan = a.dtype.kind == "f"
            expect(a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=equal_nan),
                   f"{name} differs between {reference} and {other}")
            expect(same_attrs(da[name], db[name]), f"attributes of {name} differ between {reference} and {other}")
        for group in ("/", "enterprises", "investors"):
            expect(same_attrs(fa[group], fb[group]), f"attributes of {group} differ between {reference} and {other}")
    print(f"equal: every dataset and attribute of {other.name}/panel.h5 = {reference.name}/panel.h5")


def close(a, b, scale=1.0):
    return abs(a - b) <= TOL * max(1.0, abs(scale))


def check_aggregates(folder, snapshots):
    q = mr.read_csv(folder, "quarterly.csv")
    with h5py.File(folder / "panel.h5", "r") as f:
        e = f["enterprises"]
        w = e["weight"][:].astype(np.float64)
        sector, size = e["sector"][:], e["size_class"][:]
        sectors = [text(s) for s in e["sector"].attrs["labels"]]
        classes = [text(s) for s in e["size_class"].attrs["labels"]]
        stages = [text(s) for s in e["stage"].attrs["labels"]]
        inv = f["investors"]
        for s, t in enumerate(snapshots):
            row = q.iloc[t]
            stage = e["stage"][s]
            adopter = (stage == 1) | (stage == 2)
            share = np.sum(w * adopter) / np.sum(w)
            expect(abs(share - row["adoption_share"]) <= TOL,
                   f"quarter {t}: panel adoption share {share!r} != quarterly.csv {row['adoption_share']!r}")
            for k, name in enumerate(sectors):
                m = sector == k
                got = np.sum(w[m] * adopter[m]) / np.sum(w[m]) if m.any() else 0.0
                want = row[f"adoption_share_sector_{name}"]
                expect(abs(got - want) <= TOL, f"quarter {t}: sector {name} share {got!r} != {want!r}")
            for k, name in enumerate(classes):
                m = size == k
                got = np.sum(w[m] * adopter[m]) / np.sum(w[m]) if m.any() else 0.0
                want = row[f"adoption_share_{name}"]
                expect(abs(got - want) <= TOL, f"quarter {t}: size class {name} share {got!r} != {want!r}")
            for k, name in enumerate(stages):
                got, want = np.sum(w[stage == k]), row[f"firms_{name}"]
                expect(close(got, want, want), f"quarter {t}: firms_{name} {got!r} != {want!r}")
            demand = np.sum(w * e["compute_demand_units"][s].astype(np.float64))
            want = row["compute_demand_units"]
            expect(close(demand, want, want), f"quarter {t}: compute demand {demand!r} != {want!r}")
            provider, roi = e["provider"][s], e["roi"][s]
            expect(np.array_equal(provider >= 0, adopter), f"quarter {t}: provider >= 0 not exactly for adopters")
            expect(np.array_equal(np.isfinite(roi), adopter), f"quarter {t}: finite ROI not exactly for adopters")
            for column, dataset in [("investor_cash_usd_b", "cash_usd_b"), ("investor_wealth_usd_b", "wealth_usd_b")]:
                got, want = np.sum(inv[dataset][s]), row[column]
                expect(close(got, want, want), f"quarter {t}: sum of {dataset} {got!r} != {column} {want!r}")
    print(f"aggregates: adoption shares (all, by sector, by size class), firms by stage, compute demand and "
          f"investors' cash and wealth match quarterly.csv at quarters {snapshots}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--program", required=True)
    parser.add_argument("--mpiexec", required=True)
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--ranks", type=int, nargs="+", default=[2, 1, 3])
    parser.add_argument("--every", type=int, default=2)
    args = parser.parse_args()
    out = Path(args.out)

    folders = [run(args, n, out / f"np{n}") for n in args.ranks]
    snapshots = check_shapes(folders[0], args.every)
    for other in folders[1:]:
        check_equal(folders[0], other)
    check_aggregates(folders[0], snapshots)

    plain = run(args, args.ranks[0], out / "no_panel", panel=False)
    expect(not (plain / "panel.h5").exists(), f"{plain}: panel.h5 written without --panel")
    expect("panel.h5" not in mr.manifest(plain)["outputs"], f"{plain}: manifest lists panel.h5 without --panel")
    print("no panel: a run without --panel writes no panel.h5")

    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
