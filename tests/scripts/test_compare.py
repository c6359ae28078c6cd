#!/usr/bin/python3
"""Tests of scripts/compare and scripts/megacycle_results.py (ctest: scripts_compare).

Part 1, no program needed: the exact Wilcoxon signed-rank and Mann-Whitney U p-values against brute-force
enumeration (with ties and zero differences) and against scipy's exact tests (without ties); the
drawdown and revenue-gap outcomes on small hand-made series.

Part 2, with the program: real ensembles of tests/scenarios/small_industry.textproto (5000 enterprises,
`megacycle run --replicates 6`, on 2 ranks with --mpiexec; replicate r uses the same random streams in
every ensemble of the same seed: common random numbers), and scripts/compare on

  ref        --replicates 6
  ref again  the same folder a second time      -> paired, difference 0 and p = 1 for every outcome
  richer     --replicates 6 with CloudA's legacy revenue doubled (more cash)
                                                -> paired by replicate, cumulative FCF higher, p < 0.05
  richer_u   the same change with --seed 12    -> unpaired (another master seed), Mann-Whitney, p < 0.05
  single     ref's runs/0000 as a run folder    -> an ensemble of one
  sweep      a GRID sweep of the legacy revenue over 400 (the file's value) and 800, 6 replicates
                                                -> point 0 equals ref and point 1 equals richer, run for run

and checks comparison.csv's rows, comparison.tex (booktabs, escaped), provenance.json against the real
folders (one scenario_sha256 and one seed per ensemble, replicates 0-5, the run manifests' overrides) and
megacycle_results.py's per-run table (design columns as design.csv has them).

Usage: test_compare.py [--megacycle build/megacycle] [--mpiexec mpiexec] [--out DIR]
Exit status 0 when every check passes, 1 otherwise (also when there is no program: --megacycle, else
build/megacycle).
"""

import argparse
import itertools
import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy.stats  # noqa: E402

import megacycle_results as mr  # noqa: E402

SCENARIO = ROOT / "tests/scenarios/small_industry.textproto"
SMALL = ["enterprises.population=5000"]  # 12 quarters: the run ends in 2027Q4
RICHER = ["hyperscaler[0].legacy_revenue_usd_b_per_year=800"]
REPLICATES = 6
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1"}

failures = []


def check(condition, message):
    if condition:
        print(f"ok    {message}")
    else:
        print(f"FAIL  {message}")
        failures.append(message)


# ----------------------------------------------------------------------------------------------------
# Part 1: statistics and outcomes without the program


def brute_signed_rank_p(d):
    d = np.asarray([x for x in d if x != 0], dtype=float)
    ranks = scipy.stats.rankdata(np.abs(d))
    t = ranks[d > 0].sum()
    mean = ranks.sum() / 2
    hits = 0
    for signs in itertools.product([0, 1], repeat=d.size):
        s = ranks[np.array(signs, dtype=bool)].sum()
        hits += abs(s - mean) >= abs(t - mean) - 1e-9
    return hits / 2 ** d.size


def brute_rank_sum_p(x, y):
    pooled = np.concatenate([x, y])
    ranks = scipy.stats.rankdata(pooled)
    w = ranks[:len(x)].sum()
    mean = len(x) * (len(pooled) + 1) / 2
    combos = list(itertools.combinations(range(len(pooled)), len(x)))
    hits = sum(abs(ranks[list(c)].sum() - mean) >= abs(w - mean) - 1e-9 for c in combos)
    return hits / len(combos)


def test_statistics():
    rng = np.random.default_rng(7)
    for n in (1, 3, 5, 8, 12):
        d = rng.normal(0.4, 1.0, n)
        _, p, *_ = mr.wilcoxon_signed_rank(d)
        check(abs(p - brute_signed_rank_p(d)) < 1e-12, f"signed-rank p = enumeration, n = {n}, no ties")
        if n > 1:
            check(abs(p - scipy.stats.wilcoxon(d, method="exact").pvalue) < 1e-12,
                  f"signed-rank p = scipy exact, n = {n}")
    d = np.array([1.0, 1.0, 2.0, -1.0, 3.0, 0.0, 2.0, -0.5, 0.0])
    _, p, n, _, _ = mr.wilcoxon_signed_rank(d)
    check(n == 7 and abs(p - brute_signed_rank_p(d)) < 1e-12, "signed-rank with ties and zeros = enumeration")
    stat, p, n, pmin, note = mr.wilcoxon_signed_rank(np.zeros(5))
    check(p == 1.0 and n == 0, "signed-rank of all-zero differences: p = 1")
    _, _, _, pmin, _ = mr.wilcoxon_signed_rank(np.arange(1.0, 5.0))
    check(abs(pmin - 0.125) < 1e-12, "smallest attainable p with 4 pairs = 2/2^4")
    for nx, ny in ((3, 4), (5, 5), (6, 7)):
        x, y = rng.normal(0, 1, nx), rng.normal(1, 1, ny)
        u, p, *_ = mr.mann_whitney_u(x, y)
        ref = scipy.stats.mannwhitneyu(x, y, method="exact")
        check(abs(p - ref.pvalue) < 1e-12 and u == ref.statistic, f"Mann-Whitney = scipy exact, {nx} vs {ny}")
        check(abs(p - brute_rank_sum_p(x, y)) < 1e-12, f"Mann-Whitney p = enumeration, {nx} vs {ny}")
    x, y = np.array([1.0, 2, 2, 3, 5]), np.array([2.0, 3, 3, 4, 5, 6])
    _, p, *_ = mr.mann_whitney_u(x, y)
    check(abs(p - brute_rank_sum_p(x, y)) < 1e-12, "Mann-Whitney with ties = enumeration")
    _, p, *_ = mr.mann_whitney_u(x, x)
    check(p == 1.0, "Mann-Whitney of a sample with itself: p = 1")


def test_outcomes():
    check(abs(mr.max_drawdown([110, 120, 90, 100, 130, 117]) - 0.25) < 1e-12, "drawdown 120 -> 90 = 25%")
    check(abs(mr.max_drawdown([90, 95, 99]) - 0.10) < 1e-12, "drawdown from the opening level 100")
    check(mr.max_drawdown([100, 101, 102]) == 0.0, "no drawdown in a rising index")
    periods = [f"{y}Q{k}" for y in (2029, 2030, 2031) for k in (1, 2, 3, 4)][2:11]  # 2029Q3 .. 2031Q3
    q = pd.DataFrame({"quarter": range(len(periods)), "period": periods,
                      "revenue_gap_usd_b_per_year": np.arange(len(periods), dtype=float)})
    gap, year = mr.revenue_gap(q, 2030)
    check(year == 2030 and gap == 3.5, "revenue gap 2030 = mean of its four quarters")
    gap, year = mr.revenue_gap(q, 2031)
    check(year == 2030, "revenue gap year falls back to the last complete calendar year")
    gap, year = mr.revenue_gap(q.iloc[:3], 2030)
    check(math.isnan(gap), "revenue gap NaN without a complete calendar year")


# ----------------------------------------------------------------------------------------------------
# Part 2: real ensembles from the program


def megacycle_ensemble(program, mpiexec, folder, sets=(), extra=(), scenario=SCENARIO):
    """`megacycle run SCENARIO --out FOLDER --replicates 6` with SMALL and `sets` as --set overrides (on 2
    ranks, groups of one, when `mpiexec` is given)."""
    folder = Path(folder)
    cmd = [str(program), "run", str(scenario), "--out", str(folder), "--overwrite", "--quiet",
           "--replicates", str(REPLICATES)] + list(extra)
    for s in SMALL + list(sets):
        cmd += ["--set", s]
    if mpiexec:
        cmd = [mpiexec, "-n", "2"] + cmd
    proc = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, **MPI_ENV), timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"megacycle failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    return folder


def run_compare(args):
    cmd = [sys.executable, str(ROOT / "scripts/compare")] + [str(a) for a in args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def test_compare(program, mpiexec, out):
    out = Path(out)
    ref = megacycle_ensemble(program, mpiexec, out / "ref")
    richer = megacycle_ensemble(program, mpiexec, out / "richer", RICHER)
    richer_u = megacycle_ensemble(program, mpiexec, out / "richer_u", RICHER, extra=["--seed", "12"])
    single = ref / "runs" / "0000"
    sweep_file = out / "sweep.textproto"
    sweep_file.write_text(SCENARIO.read_text() + "\nsweep {\n  design: GRID\n  field { path: "
                          '"hyperscaler[0].legacy_revenue_usd_b_per_year" value: 400 value: 800 }\n}\n')
    sweep = megacycle_ensemble(program, mpiexec, out / "sweep", scenario=sweep_file)

    runs = mr.folder_outcomes(sweep)
    design = pd.read_csv(sweep / "design.csv", dtype=str)
    check(list(runs.columns[:5]) == ["run", "point", "replicate", "seed", RICHER[0].split("=")[0]]
          and runs["seed"].tolist() == design["seed"].tolist()
          and runs.iloc[:, 4].astype(float).tolist() == design.iloc[:, 4].astype(float).tolist()
          and runs["point"].tolist() == [0] * REPLICATES + [1] * REPLICATES and not runs["missing"].any(),
          "megacycle_results: one row per run of the sweep with design.csv's columns")

    r = run_compare(["--help"])
    check(r.returncode == 0 and "Wilcoxon" in r.stdout, "compare --help")
    r = run_compare([out / "no_such_folder", "--out", out / "bad"])
    check(r.returncode == 2 and "neither a run folder" in r.stderr, "compare refuses a folder that is not one")

    result = out / "comparison"
    shutil.rmtree(result, ignore_errors=True)
    r = run_compare([ref, ref, richer, richer_u, single, sweep, "--out", result,
                     "--labels", "ref,ref_again,richer,richer_u,single,sweep"])
    print(r.stdout[-3000:], r.stderr[-3000:])
    check(r.returncode == 0, "compare runs")
    if r.returncode != 0:
        return
    table = mr.read_csv(result / "comparison.csv")
    outcomes = mr.DEFAULT_OUTCOMES
    scenarios = ["ref", "ref_again", "richer", "richer_u", "single", "sweep[p0]", "sweep[p1]"]
    check(len(table) == len(scenarios) * len(outcomes), f"{len(scenarios)} x {len(outcomes)} rows")
    check(list(table["scenario"].drop_duplicates()) == scenarios, "scenarios in input order")
    check(all(list(table[table["scenario"] == s]["outcome"]) == outcomes for s in scenarios), "outcomes in order")
    for col in ("scenario", "outcome", "unit", "n", "median", "p05", "p95", "diff", "test", "p_value", "note"):
        check(col in table.columns, f"column {col}")

    def rows(s):
        return table[table["scenario"] == s].set_index("outcome")

    refr = rows("ref")
    check(refr["median"].notna().all(), "reference: every outcome defined (industry and equity market)")
    check((refr["comparison"] == "reference").all() and refr["p_value"].isna().all(), "reference has no test")
    check((refr.loc[["peak_capex_usd_b", "cumulative_fcf_usd_b", "final_adoption_share"], "n"] == 6).all(),
          "reference: 6 replicates")
    ok = refr["p05"] <= refr["median"]
    check(bool((ok & (refr["median"] <= refr["p95"]))[refr["n"] > 0].all()), "p05 <= median <= p95")

    same = rows("ref_again")
    defined = same[same["n"] > 0]
    check((defined["comparison"] == "paired").all(), "ref vs itself: paired")
    check((defined["diff"] == 0).all(), "ref vs itself: difference 0 for every outcome")
    check(((defined["p_value"] == 1.0) | defined["p_value"].isna()).all(), "ref vs itself: p = 1 (or NaN)")
    check((defined["test"] == "Wilcoxon signed-rank").all(), "ref vs itself: Wilcoxon")

    rich = rows("richer")
    fcf = rich.loc["cumulative_fcf_usd_b"]
    check(rich["comparison"].eq("paired").all(), "richer: paired by replicate (same seeds)")
    check(fcf["diff"] > 0 and fcf["p_value"] < 0.05 and fcf["significant"] == "yes",
          f"richer: cumulative FCF higher, p = {fcf['p_value']:.4g} < 0.05")
    check(abs(fcf["p_min"] - 2 / 2 ** 6) < 1e-12, "richer: smallest attainable p = 2/2^6")
    rich_runs = mr.folder_outcomes(richer)
    ref_runs = mr.folder_outcomes(ref)
    d = rich_runs["cumulative_fcf_usd_b"] - ref_runs["cumulative_fcf_usd_b"]
    check(abs(fcf["diff"] - float(np.median(d))) < 1e-9, "richer: diff = median of the paired differences")

    richu = rows("richer_u").loc["cumulative_fcf_usd_b"]
    check(richu["comparison"] == "unpaired" and richu["test"] == "Mann-Whitney U", "richer_u: unpaired, Mann-Whitney")
    check(richu["diff"] > 0 and richu["p_value"] < 0.05, f"richer_u: FCF higher, p = {richu['p_value']:.4g} < 0.05")
    u_runs = mr.folder_outcomes(richer_u)
    check(abs(richu["diff"] - (u_runs["cumulative_fcf_usd_b"].median() - ref_runs["cumulative_fcf_usd_b"].median()))
          < 1e-9, "richer_u: diff = difference of the medians")

    one = rows("single")
    check((one.loc[one["n"] > 0, "n"] == 1).all(), "single run: an ensemble of one")
    check(one["comparison"].eq("unpaired").all(), "single run vs 6 replicates: unpaired (one shared replicate)")
    check(one.loc["peak_capex_usd_b", "median"] == ref_runs["peak_capex_usd_b"].iloc[0],
          "single run's value = ref's run 0")

    # The sweep's points: replicate r of each point uses the same streams as replicate r of ref and richer.
    p0, p1 = rows("sweep[p0]"), rows("sweep[p1]")
    d0 = p0[p0["n"] > 0]
    check(d0["comparison"].eq("paired").all() and (d0["diff"] == 0).all() and (d0["median"] == refr.loc[d0.index, "median"]).all(),
          "sweep point 0 (legacy revenue 400, the file's value) = ref: paired, difference 0")
    check(p1["comparison"].eq("paired").all() and (p1["median"] == rich["median"]).all()
          and (p1["diff"] == rich["diff"]).all(), "sweep point 1 (legacy revenue 800) = richer, run for run")
    check(set(table.loc[table["scenario"].str.startswith("sweep"), "point"]) == {0, 1}, "sweep rows carry their point")

    gap = table[table["outcome"] == "revenue_gap_usd_b_per_year"]
    check(gap["note"].str.contains("gap year 2027").all(), "revenue gap notes the fallback year (run ends 2027)")

    tex = (result / "comparison.tex").read_text()
    body = [line for line in tex.splitlines() if not line.startswith("%")]
    check(r"\toprule" in tex and r"\midrule" in tex and r"\bottomrule" in tex, "tex: booktabs rules")
    check(not any(re.search(r"[_%#]", re.sub(r"\\[_%#&$]", "", re.sub(r"\$[^$]*\$", "", line))) for line in body),
          "tex: _ % # escaped outside math")
    rows_tex = [line for line in body if line.endswith(r"\\") and not line.startswith(r"\toprule")]
    check(all(len(re.findall(r"(?<!\\)&", line)) == 6 for line in rows_tex), "tex: 7 cells in every row")
    check(len(rows_tex) == 1 + len(scenarios) * len(outcomes), "tex: header + one row per scenario and outcome")
    check("ref\\_again" in tex and str(ref).replace("_", r"\_") in tex, "tex: caption names folders, escaped")

    prov = json.loads((result / "provenance.json").read_text())
    check(prov["command_line"][-2:] == ["--labels", "ref,ref_again,richer,richer_u,single,sweep"],
          "provenance: command line")
    check([i["label"] for i in prov["inputs"]] == ["ref", "ref_again", "richer", "richer_u", "single", "sweep"],
          "provenance: one entry per input folder")
    check(prov["inputs"][0]["kind"] == "ensemble" and prov["inputs"][0]["manifest"].get("replicates") == REPLICATES
          and prov["inputs"][5]["kind"] == "sweep" and prov["inputs"][5]["manifest"].get("sweep_design") == "grid",
          "provenance: the ensemble manifests' kind, replicates and sweep_design")
    point = prov["inputs"][0]["points"][0]
    check(point["scenario_name"] == ["small_industry"], "provenance: scenario name")
    check(len(point["scenario_sha256"]) == 1 and re.fullmatch(r"[0-9a-f]{64}", point["scenario_sha256"][0]),
          "provenance: one scenario_sha256 for the ensemble (replicates differ only by replicate id)")
    check(point["seeds"] == ["11"] and point["replicates"] == list(range(REPLICATES)), "provenance: seed, replicates")
    check(point["program_version"] and point["git_commit"], "provenance: program version and commit")
    check(len(point["runs"]) == REPLICATES and point["runs"][0]["manifest"] == "runs/0000/manifest.json",
          "provenance: manifests")
    check(prov["inputs"][2]["points"][0]["overrides"] == [SMALL + RICHER], "provenance: overrides of richer")
    check(prov["inputs"][3]["points"][0]["seeds"] == ["12"], "provenance: seed of richer_u")
    sp = prov["inputs"][5]["points"]
    check(len(sp) == 2 and sp[1]["overrides"] == [SMALL + ["hyperscaler[0].legacy_revenue_usd_b_per_year=800"]]
          and sp[1]["parameters"] == {"hyperscaler[0].legacy_revenue_usd_b_per_year": 800.0},
          "provenance: the sweep's points, their overrides and parameters")
    check((result / "runs_outcomes.csv").is_file(), "runs_outcomes.csv written")

    r = run_compare([ref, richer, "--out", out / "comparison_sel", "--outcomes", "cumulative_fcf_usd_b,bubble_share"])
    sel = mr.read_csv(out / "comparison_sel" / "comparison.csv") if r.returncode == 0 else pd.DataFrame()
    check(r.returncode == 0 and len(sel) == 4, "--outcomes selects outcomes")
    r = run_compare([ref, "--out", out / "bad", "--outcomes", "nonsense"])
    check(r.returncode == 2 and "unknown outcome" in r.stderr, "unknown outcome refused")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megacycle", help="the megacycle program (default: build/megacycle)")
    parser.add_argument("--mpiexec", help="run the ensembles on 2 ranks with this launcher")
    parser.add_argument("--out", default=None, help="work folder (default: a temporary folder)")
    args = parser.parse_args()
    test_statistics()
    test_outcomes()
    program = args.megacycle or str(ROOT / "build/megacycle")
    if not Path(program).is_file():
        print(f"FAIL  no program {program} (give --megacycle)")
        return 1
    if args.out:
        out = Path(args.out)
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        test_compare(program, args.mpiexec, out)
    else:
        import tempfile
        with tempfile.TemporaryDirectory(prefix="test_compare_") as tmp:
            test_compare(program, args.mpiexec, tmp)
    if failures:
        print(f"{len(failures)} check(s) failed:\n  " + "\n  ".join(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
