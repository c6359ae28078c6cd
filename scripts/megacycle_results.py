"""Loading megacycle run, ensemble and sweep folders, and the key outcomes of each run.

Shared by scripts/compare and scripts/sensitivity (docs/studies.md): loading folders, the outcomes, the
exact rank tests compare uses, the sensitivity estimators, and LaTeX helpers. The Python standard
library, numpy and pandas; scipy only for the Spearman correlation of regression_indices (Debian's
python3-numpy, python3-pandas, python3-scipy; run with /usr/bin/python3).

Folders (docs/outputs.md, docs/studies.md):

- a **run folder**: quarterly.csv, firms.csv, daily.csv, bubbles.csv, bsadf.csv, stylized_facts.csv and
  manifest.json of one `megacycle run`. It is read as an ensemble of one (run 0, point 0, its manifest's
  replicate and seed);
- an **ensemble or sweep folder**: manifest.json (the ensemble manifest, "kind": "ensemble" or "sweep"),
  design.csv (run, point, replicate, seed, then one column per swept field path, and for a Sobol design
  design_block and sample) and runs/NNNN/, each a complete run folder.

Key outcomes of one run (names and units as in the tables that compare and sensitivity write; each is
NaN when the run lacks what it needs: the industry columns need a hyperscaler, the market ones the
equity market):

  peak_capex_usd_b             USD billion per quarter. The largest quarterly AI capex of all
                               hyperscalers, max over quarters of quarterly.csv `capex_usd_b` (paid capex:
                               chips, own silicon, other IT, data centres).
  peak_capex_quarter           quarter index (0 = first quarter). The quarter of that maximum (the first
                               one if tied); its calendar period is `peak_capex_period` in the per-run table.
  cumulative_fcf_usd_b         USD billion. Free cash flow of all hyperscalers summed over every quarter
                               of the run (quarterly.csv `hyperscaler_fcf_usd_b`: operating cash flow
                               after interest and tax minus capex). Negative = the build-out consumed cash.
  revenue_gap_usd_b_per_year   USD billion per year. Sequoia's revenue gap over the calendar year Y
                               (default 2030): 2 x Y's AI capex minus Y's end-user AI revenue, which is the
                               mean of quarterly.csv's `revenue_gap_usd_b_per_year` over Y's four quarters.
                               When the run does not cover all four quarters of Y, the last calendar year it
                               covers completely is used instead; the year used is `revenue_gap_year` in the
                               per-run table (NaN if the run covers no whole calendar year).
  peak_ai_price_to_fundamental ratio. The largest price / fundamental of the AI index over all trading
                               days (daily.csv, `AI_index` rows, `price_to_fundamental`).
  ai_index_max_drawdown        fraction in [0, 1). The largest fall of the AI index from its running peak:
                               max over trading days d of 1 - I_d / max(100, I_0..I_d), with the opening
                               level 100 counted as a peak (daily.csv `AI_index` `price`, closes).
  bubble_share                 fraction in [0, 1]. Share of the time the AI index spends inside a dated
                               explosive episode: of the AI index's BSADF samples for the measure `log_price`
                               (bsadf.csv) whose BSADF is defined (not NaN: after the first minimum window),
                               the share whose day lies in an episode of bubbles.csv, start_day <= day <
                               end_day (an ongoing episode includes its end_day, the last sample). Episodes
                               are PSY's dating (BSADF above its critical value for at least the minimum
                               number of samples), whether the whole-sample GSADF test rejects or not, and
                               include accelerating falls. NaN when the run has no diagnostics.
  boom_share                   fraction in [0, 1]. The same, counting only episodes that rose first
                               (peak_day > start_day): booms, not crash episodes.
  ai_index_explosive           0 / 1. 1 if the GSADF test of the AI index's log price rejects (bubbles.csv
                               `explosive`); its mean over replicates is the share of runs with a bubble.
                               Not in the default tables (a median of 0/1 says little).
  final_adoption_share         fraction in [0, 1]. Weighted share of firms using AI (pilot or production)
                               in the last quarter (quarterly.csv `adoption_share`, last row).

Command line: `python3 scripts/megacycle_results.py FOLDER [--out runs_outcomes.csv]` prints (or writes)
the per-run outcomes joined to the design.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_GAP_YEAR = 2030

# design.csv columns that are not swept parameters.
DESIGN_META_COLUMNS = ("run", "point", "replicate", "seed", "design_block", "sample", "trajectory", "step")


@dataclass(frozen=True)
class Outcome:
    """One key outcome of a run: name (column), unit, short label for tables, definition."""

    name: str
    unit: str
    label: str
    definition: str
    default: bool = True  # in compare's table unless --outcomes says otherwise


OUTCOMES = [
    Outcome("peak_capex_usd_b", "USD bn per quarter", "Peak AI capex",
            "max over quarters of quarterly.csv capex_usd_b (all hyperscalers, paid)"),
    Outcome("peak_capex_quarter", "quarter index", "Quarter of peak AI capex",
            "0-based quarter of that maximum (first if tied)"),
    Outcome("cumulative_fcf_usd_b", "USD bn", "Cumulative hyperscaler FCF",
            "sum over all quarters of quarterly.csv hyperscaler_fcf_usd_b"),
    Outcome("revenue_gap_usd_b_per_year", "USD bn per year", "Revenue gap",
            "2 x calendar-year AI capex - calendar-year end-user AI revenue, in the gap year "
            "(default 2030; the last complete calendar year of the run if it ends earlier)"),
    Outcome("peak_ai_price_to_fundamental", "ratio", "Peak AI index P/F",
            "max over trading days of the AI index's price / fundamental (daily.csv)"),
    Outcome("ai_index_max_drawdown", "fraction", "Max drawdown of AI index",
            "max over days of 1 - I_d / running max of I (opening level 100 included)"),
    Outcome("bubble_share", "fraction of time", "Time in explosive episodes",
            "share of the AI index's defined BSADF samples (log price) inside a dated episode of bubbles.csv"),
    Outcome("boom_share", "fraction of time", "Time in boom episodes",
            "as bubble_share, episodes with peak_day > start_day only"),
    Outcome("ai_index_explosive", "0/1", "GSADF rejects (AI index)",
            "1 if bubbles.csv's GSADF test of the AI index's log price is explosive", default=False),
    Outcome("final_adoption_share", "fraction", "Adoption share, last quarter",
            "quarterly.csv adoption_share in the last quarter"),
]
OUTCOME_BY_NAME = {o.name: o for o in OUTCOMES}
DEFAULT_OUTCOMES = [o.name for o in OUTCOMES if o.default]


# ----------------------------------------------------------------------------------------------------
# Folders


def read_csv(path, **kwargs):
    """pandas.read_csv with round-trip float parsing (the model writes shortest round-trip decimals)."""
    return pd.read_csv(path, float_precision="round_trip", **kwargs)


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def scenario_name(effective_text):
    """The `name` field of a scenario in protobuf text format (first top-level `name:`), or ''."""
    if not effective_text:
        return ""
    m = re.search(r'^name:\s*"((?:[^"\\]|\\.)*)"', effective_text, re.MULTILINE)
    return m.group(1) if m else ""


@dataclass
class Folder:
    """A run, ensemble or sweep folder, read as a design (one row per run) and the runs' folders."""

    path: Path
    kind: str                      # "run", "ensemble" or "sweep"
    manifest: dict                 # the folder's manifest.json (the run's own for a run folder)
    design: pd.DataFrame           # run, point, replicate, seed (str), [design_block, sample], params...
    param_columns: list

    def run_path(self, run):
        """The folder of run `run` (the folder itself for a single run)."""
        if self.kind == "run":
            return self.path
        return self.path / "runs" / f"{int(run):04d}"

    @property
    def points(self):
        return sorted(self.design["point"].unique().tolist())

    @property
    def sweep_design(self):
        """The ensemble manifest's "sweep_design" ("grid", "latin_hypercube", "sobol", "morris") or ''."""
        return str(self.manifest.get("sweep_design", "") or "")


def is_run_folder(path):
    path = Path(path)
    return (path / "quarterly.csv").is_file() and (path / "manifest.json").is_file()


def is_ensemble_folder(path):
    path = Path(path)
    return (path / "design.csv").is_file() and (path / "runs").is_dir()


def load_folder(path):
    """Reads a run folder or an ensemble / sweep folder (see the module docstring)."""
    path = Path(path)
    if is_ensemble_folder(path):
        manifest = read_json(path / "manifest.json") if (path / "manifest.json").is_file() else {}
        design = read_csv(path / "design.csv", dtype={"seed": str, "design_block": str})
        for col in ("run", "point", "replicate", "seed"):
            if col not in design.columns:
                raise ValueError(f"{path / 'design.csv'}: no column '{col}'")
        for col in ("run", "point", "replicate"):
            design[col] = design[col].astype(int)
        for col in ("sample", "trajectory", "step"):
            if col in design.columns:
                design[col] = design[col].astype(int)
        params = [c for c in design.columns if c not in DESIGN_META_COLUMNS]
        declared = [str(f) for f in (manifest.get("sweep_fields") or [])]
        if declared:  # the ensemble manifest's swept field paths, in the sweep block's order
            absent = [f for f in declared if f not in design.columns]
            if absent:
                raise ValueError(f"{path / 'design.csv'}: no column for the swept field(s) {', '.join(absent)}")
            params = declared + [c for c in params if c not in declared]
        kind = str(manifest.get("kind", "") or ("sweep" if params or design["point"].nunique() > 1 else "ensemble"))
        return Folder(path, kind, manifest, design, params)
    if is_run_folder(path):
        manifest = read_json(path / "manifest.json")
        design = pd.DataFrame({"run": [0], "point": [0], "replicate": [int(manifest.get("replicate", 0) or 0)],
                               "seed": [str(manifest.get("seed", ""))]})
        return Folder(path, "run", manifest, design, [])
    if Path(str(path) + ".incomplete").exists():
        raise ValueError(f"{path}: not finished ({path}.incomplete exists)")
    raise ValueError(f"{path}: neither a run folder (quarterly.csv, manifest.json) nor an ensemble or sweep "
                     f"folder (design.csv, runs/)")


def run_manifest(folder, run):
    p = folder.run_path(run) / "manifest.json"
    return read_json(p) if p.is_file() else None


# ----------------------------------------------------------------------------------------------------
# Outcomes of one run


def _nan_outcomes():
    out = {o.name: math.nan for o in OUTCOMES}
    out.update(peak_capex_period="", revenue_gap_year=math.nan)
    return out


def peak_capex(quarterly):
    """(peak_capex_usd_b, peak_capex_quarter, peak_capex_period): the largest quarterly AI capex of all
    hyperscalers (USD billion per quarter, quarterly.csv `capex_usd_b`), its 0-based quarter and period
    (first maximum if tied). NaN without hyperscalers."""
    if "capex_usd_b" not in quarterly.columns or quarterly.empty:
        return math.nan, math.nan, ""
    i = int(np.argmax(quarterly["capex_usd_b"].to_numpy()))
    row = quarterly.iloc[i]
    return float(row["capex_usd_b"]), int(row["quarter"]), str(row["period"])


def cumulative_fcf(quarterly):
    """cumulative_fcf_usd_b: hyperscalers' free cash flow summed over all quarters (USD billion)."""
    if "hyperscaler_fcf_usd_b" not in quarterly.columns:
        return math.nan
    return float(quarterly["hyperscaler_fcf_usd_b"].sum())


def revenue_gap(quarterly, year=DEFAULT_GAP_YEAR):
    """(revenue_gap_usd_b_per_year, year used): Sequoia's gap over a calendar year, USD billion per year.

    = 2 x the year's AI capex - the year's end-user AI revenue = the mean of quarterly.csv's annualised
    `revenue_gap_usd_b_per_year` over the year's four quarters. If the run does not cover all four quarters
    of `year`, the last calendar year it covers completely is used; (NaN, NaN) if there is none."""
    if "revenue_gap_usd_b_per_year" not in quarterly.columns or quarterly.empty:
        return math.nan, math.nan
    years = quarterly["period"].astype(str).str[:4].astype(int)
    counts = years.value_counts()
    complete = sorted(int(y) for y, n in counts.items() if n == 4)
    if not complete:
        return math.nan, math.nan
    use = int(year) if int(year) in complete else complete[-1]
    return float(quarterly.loc[years == use, "revenue_gap_usd_b_per_year"].mean()), use


def ai_index_daily(run_dir):
    """The AI index rows of daily.csv (day, price, price_to_fundamental), or None without the market."""
    p = Path(run_dir) / "daily.csv"
    if not p.is_file():
        return None
    d = read_csv(p, usecols=["day", "stock", "price", "price_to_fundamental"])
    return d[d["stock"] == "AI_index"].sort_values("day")


def peak_price_to_fundamental(ai):
    """peak_ai_price_to_fundamental: max over trading days of the AI index's price / fundamental."""
    if ai is None or ai.empty:
        return math.nan
    return float(ai["price_to_fundamental"].max())


def max_drawdown(prices, opening=100.0):
    """Largest fall from the running peak, max_d 1 - P_d / max(opening, P_0..P_d), a fraction in [0, 1)."""
    p = np.asarray(prices, dtype=float)
    if p.size == 0:
        return math.nan
    peak = np.maximum.accumulate(np.concatenate([[opening], p]))[1:]
    return float(np.max(1.0 - p / peak))


def bubble_shares(run_dir, series="AI_index", measure="log_price"):
    """(bubble_share, boom_share, explosive) of one series and measure (see the module docstring)."""
    bubbles_p, bsadf_p = Path(run_dir) / "bubbles.csv", Path(run_dir) / "bsadf.csv"
    if not bubbles_p.is_file() or not bsadf_p.is_file():
        return math.nan, math.nan, math.nan
    b = read_csv(bubbles_p)
    b = b[(b["series"] == series) & (b["measure"] == measure)]
    if b.empty:  # header only: no diagnostics (no Monte Carlo, or a run too short for the test)
        return math.nan, math.nan, math.nan
    s = read_csv(bsadf_p, usecols=["series", "measure", "day", "bsadf"])
    s = s[(s["series"] == series) & (s["measure"] == measure) & s["bsadf"].notna()]
    if s.empty:
        return math.nan, math.nan, float(b["explosive"].iloc[0])
    days = s["day"].to_numpy()
    inside = np.zeros(days.size, dtype=bool)
    boom = np.zeros(days.size, dtype=bool)
    for _, e in b[b["episode"] > 0].iterrows():
        start, end = int(e["start_day"]), int(e["end_day"])
        within = (days >= start) & ((days <= end) if int(e["ongoing"]) == 1 else (days < end))
        inside |= within
        if int(e["peak_day"]) > start:
            boom |= within
    return float(inside.mean()), float(boom.mean()), float(b["explosive"].iloc[0])


def final_adoption_share(quarterly):
    """final_adoption_share: quarterly.csv `adoption_share` in the last quarter."""
    if "adoption_share" not in quarterly.columns or quarterly.empty:
        return math.nan
    return float(quarterly["adoption_share"].iloc[-1])


def run_outcomes(run_dir, gap_year=DEFAULT_GAP_YEAR):
    """The key outcomes of one run folder as a dict (OUTCOMES, plus peak_capex_period and
    revenue_gap_year). Every outcome is NaN if the folder has no quarterly.csv."""
    run_dir = Path(run_dir)
    out = _nan_outcomes()
    qp = run_dir / "quarterly.csv"
    if not qp.is_file():
        return out
    q = read_csv(qp)
    out["peak_capex_usd_b"], out["peak_capex_quarter"], out["peak_capex_period"] = peak_capex(q)
    out["cumulative_fcf_usd_b"] = cumulative_fcf(q)
    out["revenue_gap_usd_b_per_year"], out["revenue_gap_year"] = revenue_gap(q, gap_year)
    out["final_adoption_share"] = final_adoption_share(q)
    ai = ai_index_daily(run_dir)
    out["peak_ai_price_to_fundamental"] = peak_price_to_fundamental(ai)
    out["ai_index_max_drawdown"] = max_drawdown(ai["price"]) if ai is not None and not ai.empty else math.nan
    out["bubble_share"], out["boom_share"], out["ai_index_explosive"] = bubble_shares(run_dir)
    return out


def _run_outcomes_job(args):
    return run_outcomes(*args)


def folder_outcomes(folder, gap_year=DEFAULT_GAP_YEAR, jobs=1):
    """One row per run of `folder` (a Folder or a path): the design's columns, then the outcomes, then
    `missing` (True where the run's folder is absent or unfinished; its outcomes are NaN)."""
    if not isinstance(folder, Folder):
        folder = load_folder(folder)
    runs = folder.design["run"].tolist()
    dirs = [folder.run_path(r) for r in runs]
    tasks = [(d, gap_year) for d in dirs]
    if jobs > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_run_outcomes_job, tasks, chunksize=8))
    else:
        results = [_run_outcomes_job(t) for t in tasks]
    table = pd.DataFrame(results)
    missing = [not is_run_folder(d) for d in dirs]
    if any(missing):
        warnings.warn(f"{folder.path}: {sum(missing)} of {len(dirs)} runs missing or unfinished; "
                      f"their outcomes are NaN")
    out = pd.concat([folder.design.reset_index(drop=True), table], axis=1)
    out["missing"] = missing
    return out


# ----------------------------------------------------------------------------------------------------
# Tests across replicates (exact by enumeration of the permutation distribution, ties and zeros handled)


def percentiles(values, qs=(5, 50, 95)):
    """Percentiles with numpy's default linear interpolation (as ensemble_quarterly.csv); NaNs dropped."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return [math.nan] * len(qs)
    return [float(x) for x in np.percentile(v, qs)]


def _midranks(x):
    """Ranks 1..n of x, ties given the mean of their ranks (scipy.stats.rankdata 'average')."""
    x = np.asarray(x, dtype=float)
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(x.size)
    sx = x[order]
    i = 0
    while i < x.size:
        j = i
        while j + 1 < x.size and sx[j + 1] == sx[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return ranks


EXACT_MAX_N = 400  # above this the normal approximation is used


def wilcoxon_signed_rank(differences):
    """Two-sided Wilcoxon signed-rank test of paired differences (H0: symmetric about 0).

    Zero differences are dropped (Wilcoxon's convention), tied |d| get mid-ranks, and the p-value is exact:
    P(|T+ - E T+| >= |t - E T+|) over the 2^n equally likely sign assignments of the ranks (computed by
    dynamic programming, n <= EXACT_MAX_N; normal approximation with tie correction above). Returns
    (T+, p, n nonzero, smallest attainable p, method). All differences zero (or none): (nan, 1.0, 0, 1.0,
    "all differences zero")."""
    d = np.asarray(differences, dtype=float)
    d = d[~np.isnan(d)]
    d = d[d != 0]
    n = d.size
    if n == 0:
        return math.nan, 1.0, 0, 1.0, "all differences zero"
    r2 = np.rint(2 * _midranks(np.abs(d))).astype(int)   # doubled mid-ranks: integers
    t2 = int(r2[d > 0].sum())
    total = int(r2.sum())
    if n <= EXACT_MAX_N:
        dist = np.zeros(total + 1)
        dist[0] = 1.0
        for r in r2:
            shifted = np.zeros_like(dist)
            shifted[r:] = dist[:total + 1 - r]
            dist = 0.5 * (dist + shifted)
        sums = np.arange(total + 1)
        dev = np.abs(sums - total / 2.0)
        obs = abs(t2 - total / 2.0)
        p = float(dist[dev >= obs - 1e-9].sum())
        p_min = float(dist[dev >= dev.max() - 1e-9].sum())
        return t2 / 2.0, min(1.0, p), n, min(1.0, p_min), "exact"
    var = float(np.sum((r2 / 2.0) ** 2)) / 4.0
    z = (t2 / 2.0 - total / 4.0) / math.sqrt(var)
    return t2 / 2.0, float(math.erfc(abs(z) / math.sqrt(2))), n, 0.0, "normal approximation"


def mann_whitney_u(x, y):
    """Two-sided Mann-Whitney U (Wilcoxon rank-sum) test of two independent samples (H0: same distribution).

    Mid-ranks for ties; exact p-value P(|W - E W| >= |w - E W|) over all C(n, n_x) equally likely
    assignments of the pooled ranks (dynamic programming, n <= EXACT_MAX_N; normal approximation with tie
    correction above). Returns (U of x, p, (n_x, n_y), smallest attainable p, method)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    nx, ny = x.size, y.size
    if nx == 0 or ny == 0:
        return math.nan, math.nan, (nx, ny), math.nan, "empty sample"
    pooled = np.concatenate([x, y])
    r2 = np.rint(2 * _midranks(pooled)).astype(int)
    w2 = int(r2[:nx].sum())
    u = w2 / 2.0 - nx * (nx + 1) / 2.0
    n = nx + ny
    mean2 = nx * (n + 1)          # E[2W]
    if n <= EXACT_MAX_N:
        total = int(r2.sum())
        # dist[k, s]: probability-scaled count of k-subsets of the ranks seen so far with doubled sum s.
        dist = np.zeros((nx + 1, total + 1))
        dist[0, 0] = 1.0
        for r in r2:
            dist[1:, r:] = dist[1:, r:] + dist[:-1, :total + 1 - r]
            dist /= dist.max()  # keep in range; only ratios matter
        row = dist[nx] / dist[nx].sum()
        sums = np.arange(total + 1)
        dev = np.abs(sums - mean2)
        p = float(row[dev >= abs(w2 - mean2) - 1e-9].sum())
        support = row > 0
        p_min = float(row[dev >= dev[support].max() - 1e-9].sum())
        return u, min(1.0, p), (nx, ny), min(1.0, p_min), "exact"
    ranks = r2 / 2.0
    _, counts = np.unique(ranks, return_counts=True)
    var = nx * ny / 12.0 * ((n + 1) - np.sum(counts ** 3 - counts) / (n * (n - 1)))
    z = (u - nx * ny / 2.0) / math.sqrt(var) if var > 0 else 0.0
    return u, float(math.erfc(abs(z) / math.sqrt(2))), (nx, ny), 0.0, "normal approximation"


# ----------------------------------------------------------------------------------------------------
# Sensitivity estimators (scripts/sensitivity). Inputs are one value per design point: replicates are
# averaged per point first.


def sweep_ranges(manifest):
    """{field path: (min, max)} from the `sweep { field { path min max } }` block of the scenario text in a
    manifest: the ensemble manifest's scenario_effective_text (the merged scenario with its sweep block, also
    when the block comes from a `base` file), else scenario_file_text (which a run manifest inside a sweep
    folder has too); {} when there is none."""
    for key in ("scenario_effective_text", "scenario_file_text", "scenario_text"):
        text = manifest.get(key) or ""
        if not isinstance(text, str) or "sweep" not in text:
            continue
        text = re.sub(r"#[^\n]*", "", text)
        m = re.search(r"(?m)^\s*sweep\s*:?\s*\{", text)
        if not m:
            continue
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        block = text[m.end():i - 1]
        ranges = {}
        for f in re.finditer(r"\bfield\s*:?\s*\{([^{}]*)\}", block):
            body = f.group(1)
            path = re.search(r'\bpath\s*:\s*"([^"]*)"', body)
            lo = re.search(r"\bmin\s*:\s*([-+0-9.eE]+|inf|-inf)", body)
            hi = re.search(r"\bmax\s*:\s*([-+0-9.eE]+|inf|-inf)", body)
            if path and lo and hi:
                ranges[path.group(1)] = (float(lo.group(1)), float(hi.group(1)))
        if ranges:
            return ranges
    return {}


def _changed(a, b):
    return ~np.isclose(a, b, rtol=1e-12, atol=0.0)


def morris_trajectories(points, params):
    """Splits a Morris design into trajectories: a list of arrays of point rows (in step order). `points`
    has one row per design point with the `params` columns, and either `trajectory` and `step` columns
    (as the program's design.csv) or consecutive blocks of k + 1 points. Raises ValueError unless every
    step changes exactly one parameter."""
    k = len(params)
    if "trajectory" in points.columns:
        order = ["trajectory", "step"] if "step" in points.columns else ["trajectory", "point"]
        groups = [g for _, g in points.sort_values(order).groupby("trajectory", sort=True)]
    else:
        ordered = points.sort_values("point")
        if len(ordered) % (k + 1):
            raise ValueError(f"{len(ordered)} points are not whole trajectories of k + 1 = {k + 1} points")
        groups = [ordered.iloc[i:i + k + 1] for i in range(0, len(ordered), k + 1)]
    for g in groups:
        x = g[params].to_numpy(dtype=float)
        for j in range(1, len(g)):
            n = int(_changed(x[j], x[j - 1]).sum())
            if n != 1:
                raise ValueError(f"not a Morris design: step {j} of the trajectory starting at point "
                                 f"{int(g['point'].iloc[0])} changes {n} parameters")
    return groups


def morris_effects(points, params, outcome, ranges=None, bootstrap=0, confidence=0.95, seed=0):
    """Morris elementary effects of `outcome` (a column of `points`, one row per design point).

    For each step of each trajectory the one parameter i that changes gives
        EE_i = (y_after - y_before) / (x_after - x_before) * range_i,
    the outcome's change per full range of the parameter (range_i = max - min from `ranges`, else from the
    design's own values). Per parameter: mu = mean EE, mu* = mean |EE| (Campolongo et al. 2007), sigma =
    standard deviation of EE (n - 1), r = number of effects; with `bootstrap` > 0 a percentile interval of
    mu* from resampling the effects. A linear y = sum c_i x_i gives mu* = |c_i| range_i and sigma = 0.
    Returns a DataFrame, one row per parameter."""
    ranges = ranges or {}
    effects = {p: [] for p in params}
    for g in morris_trajectories(points, params):
        x = g[params].to_numpy(dtype=float)
        y = g[outcome].to_numpy(dtype=float)
        for j in range(1, len(g)):
            i = int(np.flatnonzero(_changed(x[j], x[j - 1]))[0])
            if np.isnan(y[j]) or np.isnan(y[j - 1]):
                continue
            p = params[i]
            width = ranges.get(p)
            width = (width[1] - width[0]) if width else float(points[p].max() - points[p].min())
            effects[p].append((y[j] - y[j - 1]) / (x[j, i] - x[j - 1, i]) * width)
    rng = np.random.default_rng(seed)
    rows = []
    for p in params:
        ee = np.asarray(effects[p])
        width = ranges.get(p)
        row = {"parameter": p, "mu": math.nan, "mu_star": math.nan, "sigma": math.nan, "r": int(ee.size),
               "mu_star_ci_low": math.nan, "mu_star_ci_high": math.nan,
               "range": (width[1] - width[0]) if width else float(points[p].max() - points[p].min()),
               "range_from": "sweep block" if width else "design"}
        if ee.size:
            row.update(mu=float(ee.mean()), mu_star=float(np.abs(ee).mean()),
                       sigma=float(ee.std(ddof=1)) if ee.size > 1 else math.nan)
            if bootstrap > 0 and ee.size > 1:
                idx = rng.integers(0, ee.size, size=(bootstrap, ee.size))
                stars = np.abs(ee[idx]).mean(axis=1)
                a = (1 - confidence) / 2
                row["mu_star_ci_low"], row["mu_star_ci_high"] = (float(v) for v in np.quantile(stars, [a, 1 - a]))
        rows.append(row)
    return pd.DataFrame(rows)


def saltelli_blocks(points, params):
    """Reads a Saltelli design (design_block A, B, AB0, AB1, ...; sample = row within the block) without
    relying on the block order: returns (A rows, B rows, {parameter: AB rows}), each indexed by sample in
    the same order. The parameter of block AB_j is found from the values: the one column in which AB_j
    equals B while every other column equals A (falling back to params[j] if the values cannot tell)."""
    blocks = {b: g.sort_values("sample").set_index("sample") for b, g in points.groupby("design_block")}
    if "A" not in blocks or "B" not in blocks:
        raise ValueError("a Sobol design needs design_block A and B")
    a, b = blocks["A"], blocks["B"]
    if not a.index.equals(b.index):
        raise ValueError("blocks A and B have different samples")
    xa, xb = a[params].to_numpy(dtype=float), b[params].to_numpy(dtype=float)
    ab = {}
    for name in sorted((n for n in blocks if re.fullmatch(r"AB\d+", n)), key=lambda n: int(n[2:])):
        g = blocks[name]
        if not g.index.equals(a.index):
            raise ValueError(f"block {name} has other samples than A")
        x = g[params].to_numpy(dtype=float)
        candidates = [i for i in range(len(params))
                      if not _changed(x[:, i], xb[:, i]).any()
                      and not np.delete(_changed(x, xa), i, axis=1).any()]
        if len(candidates) == 1:
            i = candidates[0]
        else:
            i = int(name[2:])
            if i >= len(params) or not (candidates == [] or i in candidates):
                raise ValueError(f"block {name}: cannot tell which parameter it varies")
            warnings.warn(f"block {name}: parameter taken from the block's number ({params[i]})")
        if params[i] in ab:
            raise ValueError(f"two AB blocks vary {params[i]}")
        ab[params[i]] = g
    missing = [p for p in params if p not in ab]
    if missing:
        raise ValueError(f"no AB block varies {', '.join(missing)}")
    return a, b, ab


def sobol_indices(points, params, outcome, bootstrap=0, confidence=0.95, seed=0):
    """First-order (Saltelli et al. 2010) and total-order (Jansen 1999) Sobol indices of `outcome` from a
    Saltelli design (see saltelli_blocks), one value per design point:

        V    = variance of f over the 2N points of A and B (divisor 2N)
        S1_i = mean_j f(B)_j (f(AB_i)_j - f(A)_j) / V
        ST_i = mean_j (f(A)_j - f(AB_i)_j)^2 / 2 / V

    with f centred on its mean over A and B first (unchanged in expectation; far less noisy when the
    outcome's mean is large against its spread).

    Samples j where any of the outcome values is NaN are dropped. With `bootstrap` > 0, percentile
    intervals from resampling the samples j (the same resample for all blocks). Returns a DataFrame, one
    row per parameter, with N and V."""
    a, b, ab = saltelli_blocks(points, params)
    ya, yb = a[outcome].to_numpy(dtype=float), b[outcome].to_numpy(dtype=float)
    yab = {p: ab[p][outcome].to_numpy(dtype=float) for p in params}
    ok = ~(np.isnan(ya) | np.isnan(yb))
    for p in params:
        ok &= ~np.isnan(yab[p])
    # Centred on the mean of f over A and B: the estimators are the same in expectation, but a large mean
    # otherwise multiplies the sampling noise of mean(f(AB_i) - f(A)) into S1.
    centre = float(np.mean(np.concatenate([ya[ok], yb[ok]]))) if ok.any() else 0.0
    ya, yb = ya[ok] - centre, yb[ok] - centre
    yab = {p: v[ok] - centre for p, v in yab.items()}
    n = ya.size

    def indices(idx):
        fa, fb = ya[idx], yb[idx]
        both = np.concatenate([fa, fb], axis=-1)
        # An outcome that takes one value over A and B has no variance to share out: NaN, not the quotient of
        # rounding residues (the mean of equal numbers need not equal them in floating point).
        var = np.where(np.ptp(both, axis=-1) > 0, np.var(both, axis=-1), np.nan) if both.shape[-1] else np.nan
        out = {}
        for p in params:
            fab = yab[p][idx]
            with np.errstate(divide="ignore", invalid="ignore"):
                out[p] = (np.mean(fb * (fab - fa), axis=-1) / var, 0.5 * np.mean((fa - fab) ** 2, axis=-1) / var)
        return out, var

    full, var = indices(np.arange(n))
    rows = [{"parameter": p, "S1": float(full[p][0]), "ST": float(full[p][1]), "S1_ci_low": math.nan,
             "S1_ci_high": math.nan, "ST_ci_low": math.nan, "ST_ci_high": math.nan, "N": int(n),
             "variance": 0.0 if n and not np.isfinite(var) else float(var)} for p in params]
    if bootstrap > 0 and n > 1:
        rng = np.random.default_rng(seed)
        idx = rng.integers(0, n, size=(bootstrap, n))
        boot, _ = indices(idx)
        a_ = (1 - confidence) / 2
        for row in rows:
            s1, st = boot[row["parameter"]]
            s1, st = s1[np.isfinite(s1)], st[np.isfinite(st)]
            if s1.size:
                row["S1_ci_low"], row["S1_ci_high"] = (float(v) for v in np.quantile(s1, [a_, 1 - a_]))
            if st.size:
                row["ST_ci_low"], row["ST_ci_high"] = (float(v) for v in np.quantile(st, [a_, 1 - a_]))
    return pd.DataFrame(rows)


def regression_indices(points, params, outcome):
    """For grid and Latin-hypercube designs: standardised regression coefficients (SRC_i = b_i sd(x_i) /
    sd(y) of the least-squares fit y = b0 + sum b_i x_i over the design points, with its R^2: SRC_i^2 is
    the share of variance x_i explains when the fit is good and the inputs uncorrelated) and Spearman's
    rank correlation of each parameter with the outcome, with its p-value. Points with NaN are dropped.
    Returns a DataFrame, one row per parameter."""
    from scipy import stats
    d = points[params + [outcome]].dropna()
    x = d[params].to_numpy(dtype=float)
    y = d[outcome].to_numpy(dtype=float)
    n = y.size
    sx, sy = x.std(axis=0, ddof=1) if n > 1 else np.zeros(len(params)), y.std(ddof=1) if n > 1 else 0.0
    # Constant columns by comparison, not by their standard deviation: the mean of equal numbers need not
    # equal them in floating point, which leaves a standard deviation of rounding residue (~1e-17).
    varying = (np.ptp(x, axis=0) > 0) if n else np.zeros(len(params), dtype=bool)
    if n == 0 or np.ptp(y) == 0:
        sy = 0.0
    src = np.full(len(params), math.nan)
    r2 = math.nan
    if n > varying.sum() + 1 and sy > 0:
        design = np.column_stack([np.ones(n), x[:, varying]])
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        src[varying] = coef[1:] * sx[varying] / sy
        resid = y - design @ coef
        r2 = 1.0 - float(resid @ resid) / float(((y - y.mean()) ** 2).sum())
    rows = []
    for i, p in enumerate(params):
        rho = pv = math.nan
        if n > 2 and varying[i] and sy > 0:
            res = stats.spearmanr(x[:, i], y)
            rho, pv = float(res[0]), float(res[1])
        rows.append({"parameter": p, "src": float(src[i]), "r2": r2, "spearman_rho": rho, "spearman_p": pv,
                     "points": int(n)})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------------------------------
# LaTeX helpers for the tables

LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                 "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def tex_escape(text):
    """Text for LaTeX outside math: the ten special characters escaped."""
    return "".join(LATEX_SPECIAL.get(c, c) for c in str(text))


def tex_number(x, sig=4):
    """A number for a table: `sig` significant digits, trailing zeros dropped, exponents outside
    [1e-3, 1e6) as $m\times 10^{k}$, a minus sign in math, NaN as --."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "--"
    x = float(x)
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e6:
        digits = max(0, sig - 1 - int(math.floor(math.log10(abs(x)))))
        s = f"{x:.{digits}f}"
        if "." in s:
            s = s.rstrip("0").rstrip(".")
        return s.replace("-", "$-$", 1) if s.startswith("-") else s
    mantissa, exp = f"{x:.{sig - 1}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"${mantissa}\\times 10^{{{int(exp)}}}$"


# ----------------------------------------------------------------------------------------------------
# Provenance


def _sha256_file(path):
    import hashlib
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _sorted_seeds(values):
    return sorted({str(v) for v in values}, key=lambda s: (len(s), s))


def folder_provenance(folder, label=None, detail_points=200):
    """What a table built from `folder` came from: the folder, its manifest's small fields, the SHA-256 of
    its manifest.json and design.csv, a summary over all runs of what their manifests say (scenario names,
    number of distinct scenario_sha256, seeds, replicates, program versions, commits) and, for folders
    with at most `detail_points` design points, per point the scenario names, scenario_sha256s, seeds,
    replicates, overrides, program versions, commits and each run's manifest path."""
    if not isinstance(folder, Folder):
        folder = load_folder(folder)
    top = {k: v for k, v in folder.manifest.items()
           if not isinstance(v, (dict, list)) and not (isinstance(v, str) and len(v) > 300)}
    files = {}
    for name in ("manifest.json", "design.csv"):
        if (folder.path / name).is_file() and not (folder.kind == "run" and name == "design.csv"):
            files[name] = _sha256_file(folder.path / name)
    records = []
    present = set(os.listdir(folder.path / "runs")) if folder.kind != "run" and (folder.path / "runs").is_dir() else set()
    for run, point, replicate, seed in folder.design[["run", "point", "replicate", "seed"]].itertuples(index=False):
        sub = f"{int(run):04d}"
        rel = "manifest.json" if folder.kind == "run" else f"runs/{sub}/manifest.json"
        m = read_json(folder.path / rel) if (folder.kind == "run" or sub in present) and \
            os.path.isfile(os.path.join(folder.path, rel)) else None
        rec = {"run": int(run), "point": int(point), "replicate": int(replicate), "seed": str(seed),
               "manifest": rel, "found": m is not None}
        if m is not None:
            rec.update(scenario_name=scenario_name(m.get("scenario_effective_text", "")),
                       scenario_sha256=m.get("scenario_sha256", ""), program_version=m.get("program_version", ""),
                       git_commit=m.get("git_commit", ""), overrides=tuple(m.get("overrides", []) or []),
                       manifest_seed=str(m.get("seed", "")), manifest_replicate=m.get("replicate", 0))
        records.append(rec)
    recs = pd.DataFrame(records)
    found = recs[recs["found"]] if "scenario_sha256" in recs.columns else recs.iloc[0:0]

    def uniq(frame, col):
        return sorted(set(frame[col])) if col in frame.columns else []

    summary = {"runs": int(len(recs)), "runs_with_manifest": int(len(found)),
               "design_points": int(recs["point"].nunique()),
               "scenario_name": uniq(found, "scenario_name"),
               "distinct_scenario_sha256": int(found["scenario_sha256"].nunique()) if len(found) else 0,
               "seeds": _sorted_seeds(recs["seed"]), "replicates": sorted(int(x) for x in recs["replicate"].unique()),
               "program_version": uniq(found, "program_version"), "git_commit": uniq(found, "git_commit")}
    points = []
    if recs["point"].nunique() <= detail_points:
        params = folder.design.drop_duplicates("point").set_index("point")
        for p, rows in recs.groupby("point", sort=True):
            f = rows[rows["found"]] if len(found) else rows.iloc[0:0]
            entry = {"point": int(p), "scenario_name": uniq(f, "scenario_name"),
                     "scenario_sha256": uniq(f, "scenario_sha256"), "seeds": _sorted_seeds(rows["seed"]),
                     "replicates": sorted(int(x) for x in rows["replicate"]),
                     "program_version": uniq(f, "program_version"), "git_commit": uniq(f, "git_commit"),
                     "overrides": [list(o) for o in uniq(f, "overrides")],
                     "runs": [{"run": int(r.run), "manifest": r.manifest, **({} if r.found else {"missing": True})}
                              for r in rows.itertuples()]}
            if folder.param_columns:
                entry["parameters"] = {c: (float(params.loc[p, c]) if isinstance(params.loc[p, c], (int, float, np.number))
                                           else str(params.loc[p, c])) for c in folder.param_columns}
            points.append(entry)
    return {"path": str(folder.path.resolve()), "label": label, "kind": folder.kind, "manifest": top,
            "files_sha256": files, "summary": summary, "points": points,
            "points_note": "" if points else f"{summary['design_points']} design points: per-point detail left out "
                                             f"(design.csv, hashed above, has every point)"}


# ----------------------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Key outcomes of every run of a run, ensemble or sweep folder (one row per run).",
        epilog="Outcomes: " + ", ".join(f"{o.name} [{o.unit}]" for o in OUTCOMES))
    parser.add_argument("folder")
    parser.add_argument("--out", help="write the table to this CSV file (default: print it)")
    parser.add_argument("--gap-year", type=int, default=DEFAULT_GAP_YEAR)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    table = folder_outcomes(args.folder, args.gap_year, args.jobs)
    if args.out:
        table.to_csv(args.out, index=False)
    else:
        with pd.option_context("display.max_columns", None, "display.width", 200):
            print(table.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
