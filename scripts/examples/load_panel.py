#!/usr/bin/python3
"""Loads a run's per-agent panels (panel.h5) into pandas and prints a few summaries.

    megacycle run scenarios/baseline.textproto --out runs/panel --panel enterprises,investors
    scripts/examples/load_panel.py runs/panel            # or .../panel.h5

The file's layout is in docs/outputs.md ("panel.h5"). load_group() turns one population's group into a
long (tidy) DataFrame with one row per (quarter, id): the snapshot's quarter and period, the agent's
static columns (sector, size class, weight, ...) and its dynamic ones (stage, provider, ROI, ...).
Integer codes with a "labels" attribute become pandas Categoricals (code -1, e.g. the provider of a
non-adopter, becomes NaN); a column with a third axis (investors' holdings_b_shares, one value per
stock) becomes one column per label, e.g. holdings_b_shares_RestOfMarket.

Every count and share is weighted by `weight` (the real firms or investors an agent stands for), as in
quarterly.csv. Needs h5py, numpy and pandas (Debian's python3-h5py, python3-numpy, python3-pandas;
run with /usr/bin/python3).
"""

import argparse
import sys
from pathlib import Path

import h5py
import numpy as np
import pandas as pd


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def _column(dataset, values):
    """Values of a dataset as a pandas-ready array: codes with labels become a Categorical."""
    labels = dataset.attrs.get("labels")
    if labels is None:
        return values
    return pd.Categorical.from_codes(values.astype(np.int64), categories=[_text(x) for x in labels])


def load_group(group):
    """One population's group as a long DataFrame indexed by (quarter, id), snapshot by snapshot."""
    quarters = group["quarter"][:]
    periods = [_text(p) for p in group["period"][:]]
    snapshots = len(quarters)
    agents = int(group.attrs["population"])
    columns = {
        "quarter": np.repeat(quarters, agents),
        "period": pd.Categorical(np.repeat(periods, agents), categories=periods, ordered=True),
    }
    for name, dataset in group.items():
        if name in ("quarter", "period"):
            continue
        dims = _text(dataset.attrs.get("dimensions", "")).split(",")
        if dims[0] == "agent":  # static: the same in every snapshot
            values = dataset[:]
            if len(dims) == 1:
                columns[name] = _column(dataset, np.tile(values, snapshots))
            else:
                for k, label in enumerate(_text(x) for x in group[dims[1]][:]):
                    columns[f"{name}_{label}"] = np.tile(values[:, k], snapshots)
        elif dims[0] == "snapshot" and len(dims) >= 2:  # dynamic: [snapshot, agent(, axis)]
            values = dataset[:]
            if len(dims) == 2:
                columns[name] = _column(dataset, values.reshape(-1))
            else:
                for k, label in enumerate(_text(x) for x in group[dims[2]][:]):
                    columns[f"{name}_{label}"] = values[:, :, k].reshape(-1)
    return pd.DataFrame(columns).set_index(["quarter", "id"])


def load_panel(path):
    """{"enterprises": DataFrame, "investors": DataFrame} for the groups the file has."""
    path = Path(path)
    if path.is_dir():
        path = path / "panel.h5"
    with h5py.File(path, "r") as f:
        return {name: load_group(f[name]) for name in f}


def weighted_share(frame, condition, by):
    """Weighted share of agents meeting `condition` (a boolean Series), per group of `by`."""
    w = frame["weight"].astype(float)
    hits = (w * condition).groupby(by, observed=False).sum()  # every category, in the labels' order
    return hits / w.groupby(by, observed=False).sum()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", help="run folder (with panel.h5) or the panel.h5 file itself")
    args = parser.parse_args()
    panels = load_panel(args.run)
    pd.set_option("display.width", 160)
    pd.set_option("display.max_columns", 20)

    if "enterprises" in panels:
        e = panels["enterprises"].reset_index()
        adopter = e["stage"].isin(["pilot", "production"])
        print(f"enterprises: {e['id'].nunique()} agents x {e['quarter'].nunique()} snapshots")
        print("\nadoption share by sector (weighted by firms represented):")
        print(weighted_share(e, adopter, [e["period"], e["sector"]]).unstack("sector").round(4))
        print("\nadoption share by size class:")
        print(weighted_share(e, adopter, [e["period"], e["size_class"]]).unstack("size_class").round(4))
        production = e[e["stage"] == "production"]
        if len(production):
            w = production["weight"].astype(float)
            by = [production["period"], production["provider"]]
            roi = (w * production["roi"]).groupby(by, observed=False).sum() / w.groupby(by, observed=False).sum()
            print("\nmean ROI of production adopters by provider (weighted; NaN: no customers in production):")
            print(roi.unstack("provider").round(3))

    if "investors" in panels:
        i = panels["investors"].reset_index()
        print(f"\ninvestors: {i['id'].nunique()} agents x {i['quarter'].nunique()} snapshots")
        fundamentalist = i["strategy"] == "fundamentalist"
        summary = pd.DataFrame({
            "fundamentalist_share": weighted_share(i, fundamentalist, i["period"]),
            "wealth_usd_b": i.groupby("period", observed=True)["wealth_usd_b"].sum(),
            "cash_usd_b": i.groupby("period", observed=True)["cash_usd_b"].sum(),
        })
        summary["cash_share_of_wealth"] = summary["cash_usd_b"] / summary["wealth_usd_b"]
        print(summary.round(4))
    return 0


if __name__ == "__main__":
    sys.exit(main())
