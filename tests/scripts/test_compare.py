#!/usr/bin/python3
"""Tests of scripts/compare and scripts/megacycle_results.py (ctest: scripts_compare).

Part 1, no program needed: the exact Wilcoxon signed-rank and Mann-Whitney U p-values against brute-force
enumeration (with ties and zero differences) and against scipy's exact tests (without ties); the
drawdown and revenue-gap outcomes on small hand-made series.

Part 2, with the program: builds fake ensemble folders (the layout of docs/studies.md: manifest.json,
design.csv, runs/NNNN) from quick runs of tests/scenarios/small_industry.textproto, one seed per
replicate, and runs scripts/compare on

  ref        seeds 1-6
  ref again  the same folder a second time      -> paired, difference 0 and p = 1 for every outcome
  richer     seeds 1-6, CloudA's legacy revenue doubled (more cash) -> paired, cumulative FCF higher, p < 0.05
  richer_u   seeds 11-16, the same change      -> unpaired (other seeds), Mann-Whitney, p < 0.05
  single     one run folder (ref's run 0)       -> an ensemble of one

and checks comparison.csv's rows, comparison.tex (booktabs, escaped) and provenance.json.

Usage: test_compare.py [--megacycle build/megacycle] [--out DIR] [--jobs 2]
Exit status 0 when every check passes, 1 otherwise. Without --megacycle (and no build/megacycle) part 2
is skipped with exit status 77 after part 1 passes.
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
RICHER = ["hyperscaler[0].legacy_revenue_usd_b_per_year=800"]
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
# Part 2: fake ensembles from the program


def run_many(commands, jobs):
    env = dict(os.environ, **MPI_ENV)
    pending, running = list(commands), []
    while pending or running:
        while pending and len(running) < max(1, jobs):
            cmd = pending.pop(0)
            running.append((subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                             env=env), cmd))
        proc, cmd = running.pop(0)
        out, err = proc.communicate(timeout=300)
        if proc.returncode != 0:
            raise RuntimeError(f"run failed ({proc.returncode}): {' '.join(cmd)}\n{out}\n{err}")


def make_fake_ensemble(program, scenario, folder, seeds, sets=(), jobs=2):
    """A folder in the ensemble layout (manifest.json, design.csv, runs/NNNN) from one `megacycle run` per
    seed: replicate r is run with seeds[r]. Real replicates share the master seed and differ by replicate
    id; a fake with the same seed list in two folders has common random numbers all the same."""
    folder = Path(folder)
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "runs").mkdir(parents=True)
    commands = []
    for r, seed in enumerate(seeds):
        cmd = [str(program), "run", str(scenario), "--out", str(folder / "runs" / f"{r:04d}"), "--quiet",
               "--seed", str(seed)]
        for s in sets:
            cmd += ["--set", s]
        commands.append(cmd)
    run_many(commands, jobs)
    pd.DataFrame({"run": range(len(seeds)), "point": 0, "replicate": range(len(seeds)), "seed": list(seeds)}) \
        .to_csv(folder / "design.csv", index=False)
    manifest = {"kind": "ensemble", "fake": True, "scenario_file": str(scenario), "overrides": list(sets),
                "replicates": len(seeds), "runs": len(seeds), "complete": True}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def run_compare(args):
    cmd = [sys.executable, str(ROOT / "scripts/compare")] + [str(a) for a in args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def test_compare(program, out, jobs):
    out = Path(out)
    seeds = list(range(1, 7))
    ref = make_fake_ensemble(program, SCENARIO, out / "ref", seeds, jobs=jobs)
    richer = make_fake_ensemble(program, SCENARIO, out / "richer", seeds, RICHER, jobs=jobs)
    richer_u = make_fake_ensemble(program, SCENARIO, out / "richer_u", [s + 10 for s in seeds], RICHER, jobs=jobs)
    single = ref / "runs" / "0000"

    r = run_compare(["--help"])
    check(r.returncode == 0 and "Wilcoxon" in r.stdout, "compare --help")
    r = run_compare([out / "no_such_folder", "--out", out / "bad"])
    check(r.returncode == 2 and "neither a run folder" in r.stderr, "compare refuses a folder that is not one")

    result = out / "comparison"
    shutil.rmtree(result, ignore_errors=True)
    r = run_compare([ref, ref, richer, richer_u, single, "--out", result,
                     "--labels", "ref,ref_again,richer,richer_u,single"])
    print(r.stdout[-3000:], r.stderr[-3000:])
    check(r.returncode == 0, "compare runs")
    if r.returncode != 0:
        return
    table = pd.read_csv(result / "comparison.csv")
    outcomes = mr.DEFAULT_OUTCOMES
    scenarios = ["ref", "ref_again", "richer", "richer_u", "single"]
    check(len(table) == len(scenarios) * len(outcomes), f"{len(scenarios)} x {len(outcomes)} rows")
    check(list(table["scenario"].drop_duplicates()) == scenarios, "scenarios in input order")
    check(all(list(table[table["scenario"] == s]["outcome"]) == outcomes for s in scenarios), "outcomes in order")
    for col in ("scenario", "outcome", "unit", "n", "median", "p05", "p95", "diff", "test", "p_value", "note"):
        check(col in table.columns, f"column {col}")

    def rows(s):
        return table[table["scenario"] == s].set_index("outcome")

    refr = rows("ref")
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
    check(one["comparison"].eq("unpaired").all(), "single run vs 6 replicates: unpaired")
    check(abs(one.loc["peak_capex_usd_b", "median"] - ref_runs["peak_capex_usd_b"].iloc[0]) < 1e-12,
          "single run's value = ref's run 0")

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
    check(prov["command_line"][-2:] == ["--labels", "ref,ref_again,richer,richer_u,single"], "provenance: command line")
    check([i["label"] for i in prov["inputs"]] == scenarios, "provenance: one entry per input folder")
    point = prov["inputs"][0]["points"][0]
    check(point["scenario_name"] == ["small_industry"], "provenance: scenario name")
    check(len(point["scenario_sha256"]) == 6 and all(re.fullmatch(r"[0-9a-f]{64}", s) for s in point["scenario_sha256"]),
          "provenance: scenario_sha256 per seed (the seed is part of the scenario text)")
    check(point["seeds"] == [str(s) for s in seeds] and point["replicates"] == list(range(6)), "provenance: seeds, replicates")
    check(point["program_version"] and point["git_commit"], "provenance: program version and commit")
    check(len(point["runs"]) == 6 and point["runs"][0]["manifest"] == "runs/0000/manifest.json", "provenance: manifests")
    check(prov["inputs"][2]["points"][0]["overrides"] == [RICHER], "provenance: overrides of richer")
    check((result / "runs_outcomes.csv").is_file(), "runs_outcomes.csv written")

    r = run_compare([ref, richer, "--out", out / "comparison_sel", "--outcomes", "cumulative_fcf_usd_b,bubble_share"])
    sel = pd.read_csv(out / "comparison_sel" / "comparison.csv") if r.returncode == 0 else pd.DataFrame()
    check(r.returncode == 0 and len(sel) == 4, "--outcomes selects outcomes")
    r = run_compare([ref, "--out", out / "bad", "--outcomes", "nonsense"])
    check(r.returncode == 2 and "unknown outcome" in r.stderr, "unknown outcome refused")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megacycle", help="the megacycle program (default: build/megacycle if it exists)")
    parser.add_argument("--out", default=None, help="work folder (default: a temporary folder)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    test_statistics()
    test_outcomes()
    program = args.megacycle or (str(ROOT / "build/megacycle") if (ROOT / "build/megacycle").is_file() else None)
    if program is None:
        print("no --megacycle and no build/megacycle: skipping the tests with runs")
        return 1 if failures else 77
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        test_compare(program, out, args.jobs)
    else:
        import tempfile
        with tempfile.TemporaryDirectory(prefix="test_compare_") as tmp:
            test_compare(program, tmp, args.jobs)
    if failures:
        print(f"{len(failures)} check(s) failed:\n  " + "\n  ".join(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
