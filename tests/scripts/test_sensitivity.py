#!/usr/bin/python3
"""Tests of scripts/sensitivity (ctest: scripts_sensitivity): its estimators on analytic functions, then the
script end to end on tiny real sweeps.

Part 1, no model runs: each test writes a sweep folder (manifest.json with "kind": "sweep" and
"sweep_design", design.csv in the program's layout, no runs/) and the function's values into an
outcomes CSV, and runs scripts/sensitivity with --outcomes-csv; the estimators are also called directly.

  Sobol, Ishigami function f = sin x1 + 7 sin^2 x2 + 0.1 x3^4 sin x1 on [-pi, pi]^3: Saltelli design
    from a scrambled Sobol sequence (scipy.stats.qmc), N = 8192 base samples (40,960 points), blocks
    written in shuffled order and AB blocks numbered differently from the parameter columns (the
    estimator must map blocks to parameters from the values). Analytic S1 = 0.3139, 0.4424, 0 and
    ST = 0.5576, 0.4424, 0.2437; tolerance 0.02 on every index. Two replicates per point, f + e and
    f - e: their mean must be f exactly (replicates are averaged per point first).
  Sobol, linear additive f = sum c_i x_i: S1 = ST = c_i^2 var_i / sum; tolerance 0.02.
  Morris, linear f = 2 x1 - 3 x2 + 0.5 x3 on [0, 1] x [10, 20] x [-1, 1], 4 levels, 10 trajectories
    (trajectory/step columns) and again as plain consecutive blocks of k + 1 points: mu = c_i range_i and
    mu* = |c_i| range_i to 1e-9, sigma = 0; with one trajectory the ranges must come from the manifest's
    sweep block. Morris on f = x1 x2: sigma > 0 for both.
  Regression (latin_hypercube): a noise-free linear f: R^2 = 1, SRC_i = c_i sd(x_i) / sd(f).
  A design whose Morris step changes two parameters is refused (exit 2).

Part 2, real sweeps: tests/scenarios/small_industry.textproto's text plus a `sweep` block, written into
the work folder, run by the program with 5000 enterprises, 8 quarters and --replicates 2 (on 2 ranks with
--mpiexec), over hyperscaler_rules.rivalry [0.2, 1.5] and finance.equity_issuance_sentiment [0.8, 1.6]:
  MORRIS           3 trajectories (3 x (2 + 1) = 9 points, 18 runs)
  SOBOL            4 base samples (4 x (2 + 2) = 16 points, 32 runs)
  LATIN_HYPERCUBE  6 points (12 runs)
scripts/sensitivity on each (method from the manifest's sweep_design) must write sensitivity.csv with one
row per (outcome, parameter) and finite values (Sobol: where the outcome's variance is not 0; a constant
outcome has no indices), sensitivity.tex, points_outcomes.csv (one row per design point, the parameters
exactly as in design.csv), runs_outcomes.csv (one row per run) and provenance.json; the Morris ranges come
from the sweep block; the swept rivalry must move peak capex (mu* > 0).

Usage: test_sensitivity.py [--megacycle build/megacycle] [--mpiexec mpiexec] [--out DIR]
Exit status 0 when every check passes, 1 otherwise (also when there is no program).
"""

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy.stats import qmc  # noqa: E402

import megacycle_results as mr  # noqa: E402

failures = []
TOL_SOBOL = 0.02
SCENARIO = ROOT / "tests/scenarios/small_industry.textproto"
SMALL = ["enterprises.population=5000", "quarters=8"]
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1"}
FIELDS = {"hyperscaler_rules.rivalry": (0.2, 1.5), "finance.equity_issuance_sentiment": (0.8, 1.6)}


def check(condition, message):
    if condition:
        print(f"ok    {message}")
    else:
        print(f"FAIL  {message}")
        failures.append(message)


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a=7.0, b=0.1):
    pi = math.pi
    v1 = 0.5 * (1 + b * pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = 8 * b ** 2 * pi ** 8 / 225
    v = v1 + v2 + v13
    return [v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v]


def saltelli_design(n, lows, highs, seed=1):
    """Rows (block, sample, x) of a Saltelli design: A, B from a scrambled 2k-dimensional Sobol sequence,
    AB_i = A with column i from B."""
    k = len(lows)
    base = qmc.Sobol(d=2 * k, scramble=True, seed=seed).random(n)
    lows, highs = np.asarray(lows), np.asarray(highs)
    a = lows + base[:, :k] * (highs - lows)
    b = lows + base[:, k:] * (highs - lows)
    blocks = {"A": a, "B": b}
    for i in range(k):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks[f"AB{i}"] = ab
    return blocks


def write_sweep(folder, design, params, values, sweep_design, replicate_values=None, manifest_extra=None,
                columns=("design_block", "sample")):
    """A fake sweep folder: design.csv (one run per point and replicate) and outcomes.csv."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    reps = replicate_values if replicate_values is not None else [values]
    n, nrep = len(design), len(reps)
    rows = pd.DataFrame({"run": np.arange(n * nrep), "point": np.repeat(np.arange(n), nrep),
                         "replicate": np.tile(np.arange(nrep), n), "seed": 1})
    for c in list(columns) + list(params):
        rows[c] = np.repeat(design[c].to_numpy(), nrep)
    rows.to_csv(folder / "design.csv", index=False, float_format="%.17g")
    pd.DataFrame({"run": rows["run"], "f": np.column_stack([np.asarray(v) for v in reps]).ravel()}) \
        .to_csv(folder / "outcomes.csv", index=False, float_format="%.17g")
    run = n * nrep
    manifest = {"kind": "sweep", "runs": run, "design_points": len(design), "replicates": len(reps),
                "sweep_fields": list(params), "complete": True}
    if sweep_design:
        manifest["sweep_design"] = sweep_design
    manifest.update(manifest_extra or {})
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    (folder / "runs").mkdir(exist_ok=True)
    return folder


def run_sensitivity(folder, out, *extra, expect_failure=False):
    cmd = [sys.executable, str(ROOT / "scripts/sensitivity"), str(folder), "--out", str(out),
           "--outcomes-csv", str(Path(folder) / "outcomes.csv"), "--outcomes", "f"] + [str(e) for e in extra]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if r.returncode != 0 and not expect_failure:
        print(r.stdout[-2000:], r.stderr[-2000:])
    return r


def test_sobol_ishigami(tmp):
    params = ["x.one", "x.two", "x.three"]
    n = 8192
    blocks = saltelli_design(n, [-math.pi] * 3, [math.pi] * 3)
    # AB blocks numbered differently from the columns: "AB0" varies x.three, "AB1" x.one, "AB2" x.two.
    relabel = {"AB2": "AB0", "AB0": "AB1", "AB1": "AB2"}
    frames = []
    for name, x in blocks.items():
        f = pd.DataFrame(x, columns=params)
        f.insert(0, "sample", np.arange(n))
        f.insert(0, "design_block", relabel.get(name, name))
        frames.append(f)
    order = [3, 0, 4, 1, 2]  # AB1(orig) -> written first, then A, AB2, B, AB0
    design = pd.concat([frames[i] for i in order], ignore_index=True)
    y = ishigami(design[params].to_numpy())
    s1_true, st_true = ishigami_indices()

    points = design.assign(point=np.arange(len(design)), f=y)
    direct = mr.sobol_indices(points, params, "f").set_index("parameter")
    for i, p in enumerate(params):
        check(abs(direct.loc[p, "S1"] - s1_true[i]) < TOL_SOBOL,
              f"Ishigami S1[{p}] = {direct.loc[p, 'S1']:.4f} (analytic {s1_true[i]:.4f}, tol {TOL_SOBOL})")
        check(abs(direct.loc[p, "ST"] - st_true[i]) < TOL_SOBOL,
              f"Ishigami ST[{p}] = {direct.loc[p, 'ST']:.4f} (analytic {st_true[i]:.4f}, tol {TOL_SOBOL})")

    e = np.where(np.arange(len(y)) % 2 == 0, 0.25, -0.5)
    folder = write_sweep(tmp / "ishigami", design, params, y, "sobol", replicate_values=[y + e, y - e])
    r = run_sensitivity(folder, tmp / "ishigami_out", "--bootstrap", "200")
    check(r.returncode == 0, "sensitivity runs on the Ishigami sweep")
    if r.returncode != 0:
        return
    table = pd.read_csv(tmp / "ishigami_out" / "sensitivity.csv").set_index("parameter")
    check((table["method"] == "sobol").all(), "method sobol from the manifest's sweep_design")
    for i, p in enumerate(params):
        check(abs(table.loc[p, "S1"] - direct.loc[p, "S1"]) < 1e-9 and abs(table.loc[p, "ST"] - direct.loc[p, "ST"]) < 1e-9,
              f"CLI on replicates f +- e = estimator on f ({p}): replicates averaged per point")
        check(table.loc[p, "S1_ci_low"] <= table.loc[p, "S1"] <= table.loc[p, "S1_ci_high"]
              and table.loc[p, "ST_ci_high"] - table.loc[p, "ST_ci_low"] < 0.1, f"bootstrap interval around S1, ST ({p})")
    check(table["N"].iloc[0] == n, "N base samples")
    check(table["noise_share"].iloc[0] > 0, "noise_share reported with replicates")
    tex = (tmp / "ishigami_out" / "sensitivity.tex").read_text()
    check(r"\toprule" in tex and r"x.one" in tex and "$S_1$" in tex, "LaTeX table written")
    prov = json.loads((tmp / "ishigami_out" / "provenance.json").read_text())
    check(prov["method"] == "sobol" and prov["parameters"] == params and prov["design_points"] == 5 * n,
          "provenance: method, parameters, design points")


def test_sobol_linear():
    params = ["a", "b", "c"]
    c = np.array([1.0, 2.0, 0.5])
    lows, highs = np.array([0.0, 0.0, -2.0]), np.array([1.0, 3.0, 2.0])
    blocks = saltelli_design(4096, lows, highs, seed=3)
    frames = []
    for name, x in blocks.items():
        f = pd.DataFrame(x, columns=params)
        f.insert(0, "sample", np.arange(len(x)))
        f.insert(0, "design_block", name)
        frames.append(f)
    design = pd.concat(frames, ignore_index=True)
    points = design.assign(point=np.arange(len(design)), f=design[params].to_numpy() @ c)
    res = mr.sobol_indices(points, params, "f").set_index("parameter")
    var = c ** 2 * (highs - lows) ** 2 / 12
    for i, p in enumerate(params):
        s = var[i] / var.sum()
        check(abs(res.loc[p, "S1"] - s) < TOL_SOBOL and abs(res.loc[p, "ST"] - s) < TOL_SOBOL,
              f"linear S1 = ST = {s:.4f} for {p} (S1 {res.loc[p, 'S1']:.4f}, ST {res.loc[p, 'ST']:.4f})")


def morris_design(r, lows, highs, levels=4, seed=5):
    """r trajectories on a `levels`-level grid, each step moving one coordinate by +-delta in random order
    (the program's scheme): DataFrame with trajectory, step and the parameter values."""
    rng = np.random.default_rng(seed)
    k = len(lows)
    delta = levels / (2 * (levels - 1))
    grid = np.arange(levels) / (levels - 1)
    rows = []
    for t in range(r):
        x = rng.choice(grid[grid <= 1 - delta + 1e-12], size=k)
        rows.append((t, 0, x.copy()))
        for s, i in enumerate(rng.permutation(k)):
            x[i] = x[i] + delta if x[i] + delta <= 1 + 1e-12 else x[i] - delta
            rows.append((t, s + 1, x.copy()))
    lows, highs = np.asarray(lows), np.asarray(highs)
    out = pd.DataFrame([lows + x * (highs - lows) for _, _, x in rows])
    out.insert(0, "step", [s for _, s, _ in rows])
    out.insert(0, "trajectory", [t for t, _, _ in rows])
    return out


def test_morris(tmp):
    params = ["p.x1", "p.x2[0].value", "p_x3"]
    lows, highs = [0.0, 10.0, -1.0], [1.0, 20.0, 1.0]
    coef = np.array([2.0, -3.0, 0.5])
    width = np.array(highs) - np.array(lows)
    design = morris_design(10, lows, highs)
    design.columns = ["trajectory", "step"] + params
    y = design[params].to_numpy() @ coef
    folder = write_sweep(tmp / "morris", design, params, y, "morris", columns=("trajectory", "step"))
    r = run_sensitivity(folder, tmp / "morris_out")
    check(r.returncode == 0, "sensitivity runs on the Morris sweep")
    if r.returncode == 0:
        t = pd.read_csv(tmp / "morris_out" / "sensitivity.csv").set_index("parameter")
        for i, p in enumerate(params):
            check(abs(t.loc[p, "mu_star"] - abs(coef[i]) * width[i]) < 1e-9
                  and abs(t.loc[p, "mu"] - coef[i] * width[i]) < 1e-9 and abs(t.loc[p, "sigma"]) < 1e-9
                  and t.loc[p, "r"] == 10,
                  f"linear Morris {p}: mu* = |c| range = {abs(coef[i]) * width[i]:g} (got {t.loc[p, 'mu_star']:.12g}), sigma 0")

    # The same design as plain consecutive blocks of k + 1 points (no trajectory/step columns, no sweep_design).
    plain = design.sort_values(["trajectory", "step"])[params].reset_index(drop=True)
    folder = write_sweep(tmp / "morris_plain", plain, params, y, None, columns=())
    r = run_sensitivity(folder, tmp / "morris_plain_out")
    if r.returncode == 0:
        t = pd.read_csv(tmp / "morris_plain_out" / "sensitivity.csv").set_index("parameter")
        ok = all(abs(t.loc[p, "mu_star"] - abs(coef[i]) * width[i]) < 1e-9 for i, p in enumerate(params))
        check(ok and (t["method"] == "morris").all(), "Morris detected from consecutive k + 1 blocks")
    else:
        check(False, "Morris detected from consecutive k + 1 blocks")

    # One trajectory: the design does not reach both ends of every range; the manifest's sweep block does.
    one = design[design["trajectory"] == 0].reset_index(drop=True)
    text = "name: \"x\"\nsweep {\n  design: MORRIS  # comment { }\n" + "".join(
        f'  field {{ path: "{p}" min: {lo} max: {hi} }}\n' for p, lo, hi in zip(params, lows, highs)) + "  points: 1\n}\n"
    folder = write_sweep(tmp / "morris_one", one, params, one[params].to_numpy() @ coef, "morris",
                         manifest_extra={"scenario_file_text": text}, columns=("trajectory", "step"))
    check(mr.sweep_ranges({"scenario_file_text": text}) == dict(zip(params, zip(lows, highs))),
          "sweep block ranges parsed from the manifest's scenario text")
    r = run_sensitivity(folder, tmp / "morris_one_out")
    if r.returncode == 0:
        t = pd.read_csv(tmp / "morris_one_out" / "sensitivity.csv").set_index("parameter")
        ok = all(abs(t.loc[p, "mu_star"] - abs(coef[i]) * width[i]) < 1e-9 for i, p in enumerate(params))
        check(ok and (t["range_from"] == "sweep block").all(), "one trajectory: ranges from the sweep block")
    else:
        check(False, "one trajectory: ranges from the sweep block")

    # Interaction: x1 x2 has effects that depend on where they are taken.
    design2 = morris_design(20, [0.0, 0.0], [1.0, 1.0], seed=9)
    design2.columns = ["trajectory", "step", "u", "v"]
    points = design2.assign(point=np.arange(len(design2)), f=design2["u"] * design2["v"])
    res = mr.morris_effects(points, ["u", "v"], "f").set_index("parameter")
    check((res["sigma"] > 0.05).all(), f"Morris sigma > 0 for an interaction ({res['sigma'].round(3).tolist()})")

    # A step that changes two parameters is not a Morris design.
    bad = plain.copy()
    bad.loc[1, params[0]] += 0.123
    bad.loc[1, params[1]] += 0.456
    folder = write_sweep(tmp / "morris_bad", bad, params, y, "morris", columns=())
    r = run_sensitivity(folder, tmp / "morris_bad_out", expect_failure=True)
    check(r.returncode == 2 and "not a Morris design" in r.stderr, "a step changing two parameters is refused")


def test_regression(tmp):
    params = ["g", "h"]
    x = qmc.LatinHypercube(d=2, seed=4).random(200) * np.array([1.0, 10.0])
    design = pd.DataFrame(x, columns=params)
    y = 3.0 * x[:, 0] + 0.2 * x[:, 1]
    folder = write_sweep(tmp / "lhs", design, params, y, "latin_hypercube", columns=())
    r = run_sensitivity(folder, tmp / "lhs_out")
    check(r.returncode == 0, "sensitivity runs on a Latin hypercube sweep")
    if r.returncode != 0:
        return
    t = pd.read_csv(tmp / "lhs_out" / "sensitivity.csv").set_index("parameter")
    src = np.array([3.0, 0.2]) * x.std(axis=0, ddof=1) / y.std(ddof=1)
    check((t["method"] == "regression").all() and abs(t["r2"].iloc[0] - 1) < 1e-12, "regression: R^2 = 1")
    check(all(abs(t.loc[p, "src"] - src[i]) < 1e-9 for i, p in enumerate(params)), f"SRC = c sd(x)/sd(y) = {src.round(4)}")
    check(t.loc["g", "spearman_rho"] > 0.8 and t.loc["g", "spearman_p"] < 1e-6, "Spearman rho of the main parameter")


# ----------------------------------------------------------------------------------------------------
# Part 2: real sweeps from the program


def real_sweep(program, mpiexec, work, design, extra_lines):
    """Runs small_industry's text + a sweep block (`design`, FIELDS, `extra_lines`) with --replicates 2."""
    name = design.lower()
    scenario = work / f"{name}.textproto"
    block = "".join(f'  field {{ path: "{p}" min: {lo} max: {hi} }}\n' for p, (lo, hi) in FIELDS.items())
    scenario.write_text(SCENARIO.read_text() + f"\nsweep {{\n  design: {design}\n{block}{extra_lines}}}\n")
    cmd = [str(program), "run", str(scenario), "--out", str(work / name), "--overwrite", "--quiet", "--replicates", "2"]
    for s in SMALL:
        cmd += ["--set", s]
    if mpiexec:
        cmd = [mpiexec, "-n", "2"] + cmd
    r = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, **MPI_ENV), timeout=300)
    check(r.returncode == 0, f"megacycle runs the {design} sweep")
    if r.returncode != 0:
        print(r.stdout[-2000:], r.stderr[-2000:])
        return None
    return work / name


def check_real_sweep(folder, out, method, points, runs, value_columns):
    """scripts/sensitivity on a real sweep folder: exit 0, every output, one row per (outcome, parameter),
    finite values. Returns sensitivity.csv as a DataFrame (or None)."""
    r = subprocess.run([sys.executable, str(ROOT / "scripts/sensitivity"), str(folder), "--out", str(out),
                        "--bootstrap", "200"], capture_output=True, text=True, timeout=300)
    check(r.returncode == 0, f"{method}: sensitivity runs on the real sweep")
    if r.returncode != 0:
        print(r.stdout[-3000:], r.stderr[-3000:])
        return None
    for f in ("sensitivity.csv", "sensitivity.tex", "points_outcomes.csv", "runs_outcomes.csv", "provenance.json"):
        check((out / f).is_file() and (out / f).stat().st_size > 0, f"{method}: {f} written")
    manifest = json.loads((folder / "manifest.json").read_text())
    params = list(FIELDS)
    check(manifest["sweep_fields"] == params and manifest["design_points"] == points and manifest["runs"] == runs,
          f"{method}: manifest sweep_fields, {points} design points, {runs} runs")
    t = mr.read_csv(out / "sensitivity.csv")
    outcomes = mr.DEFAULT_OUTCOMES
    pairs = list(zip(t["outcome"], t["parameter"]))
    check(len(t) == len(outcomes) * len(params) and sorted(pairs) == sorted((o, p) for o in outcomes for p in params),
          f"{method}: one row per (outcome, parameter): {len(outcomes)} x {len(params)}")
    check((t["method"] == method).all(), f"{method}: method from the manifest's sweep_design")
    if method == "sobol":
        varies = t["variance"] > 0
        check(np.isfinite(t["variance"]).all() and varies.any(), f"{method}: variance finite, some outcome varies")
        check(np.isfinite(t.loc[varies, value_columns].to_numpy(dtype=float)).all(),
              f"{method}: {', '.join(value_columns)} finite wherever the outcome varies")
        check(t.loc[~varies, value_columns].isna().all().all(), f"{method}: a constant outcome has no indices (NaN)")
        check((t["N"] == points // (len(params) + 2)).all(), f"{method}: N base samples")
    elif method == "regression":
        y = mr.read_csv(out / "points_outcomes.csv")
        varies = t["outcome"].map(lambda o: y[o].nunique() > 1)  # not std() > 0: rounding residue
        check(varies.any() and np.isfinite(t.loc[varies, value_columns].to_numpy(dtype=float)).all(),
              f"{method}: {', '.join(value_columns)} finite wherever the point means vary")
        check(t.loc[~varies, value_columns].isna().all().all(),
              f"{method}: an outcome with equal point means has no SRC, R^2 or rho (NaN)")
    else:
        check(np.isfinite(t[value_columns].to_numpy(dtype=float)).all(), f"{method}: {', '.join(value_columns)} finite")
    pts = mr.read_csv(out / "points_outcomes.csv")
    design = mr.read_csv(folder / "design.csv").drop_duplicates("point")
    check(len(pts) == points and all(pts[p].tolist() == design[p].tolist() for p in params)
          and (pts["replicates"] == 2).all(),
          f"{method}: points_outcomes.csv has the {points} points, parameters exactly as design.csv, 2 replicates each")
    check(len(mr.read_csv(out / "runs_outcomes.csv")) == runs, f"{method}: runs_outcomes.csv has the {runs} runs")
    prov = json.loads((out / "provenance.json").read_text())
    check(prov["method"] == method and prov["parameters"] == params and prov["design_points"] == points
          and prov["replicates_per_point"] == [2], f"{method}: provenance method, parameters, points, replicates")
    return t


def test_real_sweeps(program, mpiexec, work):
    work.mkdir(parents=True, exist_ok=True)
    k = len(FIELDS)
    folder = real_sweep(program, mpiexec, work, "MORRIS", "  points: 3\n")
    if folder:
        t = check_real_sweep(folder, work / "morris_sensitivity", "morris", 3 * (k + 1), 2 * 3 * (k + 1),
                             ["mu", "mu_star", "sigma", "mu_star_ci_low", "mu_star_ci_high"])
        if t is not None:
            check((t["r"] == 3).all() and (t["range_from"] == "sweep block").all()
                  and all(abs(t.loc[t["parameter"] == p, "range"] - (hi - lo)).max() < 1e-12
                          for p, (lo, hi) in FIELDS.items()),
                  "morris: 3 effects per parameter, ranges from the sweep block")
            capex = t[(t["outcome"] == "peak_capex_usd_b") & (t["parameter"] == "hyperscaler_rules.rivalry")]
            check(len(capex) == 1 and capex["mu_star"].iloc[0] > 0, "morris: rivalry moves peak capex (mu* > 0)")
    folder = real_sweep(program, mpiexec, work, "SOBOL", "  points: 4\n")
    if folder:
        check_real_sweep(folder, work / "sobol_sensitivity", "sobol", 4 * (k + 2), 2 * 4 * (k + 2),
                         ["S1", "ST", "S1_ci_low", "S1_ci_high", "ST_ci_low", "ST_ci_high"])
    folder = real_sweep(program, mpiexec, work, "LATIN_HYPERCUBE", "  points: 6\n")
    if folder:
        check_real_sweep(folder, work / "lhs_sensitivity", "regression", 6, 12, ["src", "r2", "spearman_rho"])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megacycle", help="the megacycle program (default: build/megacycle)")
    parser.add_argument("--mpiexec", help="run the sweeps on 2 ranks with this launcher")
    parser.add_argument("--out", help="work folder for the real sweeps (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="test_sensitivity_") as tmp:
        tmp = Path(tmp)
        test_sobol_ishigami(tmp)
        test_sobol_linear()
        test_morris(tmp)
        test_regression(tmp)
        program = Path(args.megacycle or ROOT / "build/megacycle")
        if not program.is_file():
            check(False, f"program {program} exists (give --megacycle)")
        else:
            work = Path(args.out) if args.out else tmp / "real"
            shutil.rmtree(work, ignore_errors=True)
            test_real_sweeps(program, args.mpiexec, work)
    r = subprocess.run([sys.executable, str(ROOT / "scripts/sensitivity"), "--help"], capture_output=True, text=True)
    check(r.returncode == 0 and "Saltelli" in r.stdout, "sensitivity --help")
    if failures:
        print(f"{len(failures)} check(s) failed:\n  " + "\n  ".join(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
