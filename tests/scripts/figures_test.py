#!/usr/bin/python3
"""End-to-end check of scripts/figures (ctest: figures_small_run, figures_ensemble; label "scripts").

  --case run       runs megacycle on the scenario (a single run, small overrides), then scripts/figures on
                   it, and checks that every expected figure exists as PDF (starts with %PDF, TrueType
                   fonts, no Type 3) and PNG (PNG signature) at both widths, and that provenance.json and
                   README.md describe them.
  --case ensemble  real ensembles from the program: `run --replicates 3` (on 2 ranks with --mpiexec) and a
                   GRID sweep written next to the outputs (the scenario's text + a `sweep` block over
                   hyperscaler_rules.rivalry 0.3 and 1.5, 2 replicates); checks the figures of the
                   ensemble, of the sweep (also pooled with --max-points 1), and of a comparison of a
                   single run with the ensemble (comparison figure on top, each folder's figures in its own
                   subfolder); the provenance against the real folders (design.csv's seeds as written, the
                   run manifests' replicate, run_index and design_point); and that a folder that is
                   neither is refused with exit status 2.

Only the Python standard library here (scripts/figures needs numpy, pandas and matplotlib).
Usage: figures_test.py --program build/megacycle --figures scripts/figures --scenario FILE --out DIR
                       --case run|ensemble [--mpiexec mpiexec] [--set path=value ...]
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

FOLDER_FIGURES = ["capex", "revenue_vs_required", "adoption_by_size", "compute_price_utilisation", "chip_vendor",
                  "overview", "ai_index_bubbles", "stylized_facts"]
WIDTHS = ["single", "double"]
FORMATS = ["pdf", "png"]
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1", MPLBACKEND="Agg")
failures = []


def fail(msg):
    failures.append(msg)
    print(f"FAIL: {msg}", file=sys.stderr, flush=True)


def run(cmd, expect=0):
    print("+ " + " ".join(map(str, cmd)), flush=True)
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=ENV, timeout=600)
    if p.returncode != expect:
        print(p.stdout, p.stderr, sep="\n", file=sys.stderr)
        print(f"FAIL: exit status {p.returncode}, expected {expect}: {' '.join(map(str, cmd))}", file=sys.stderr)
        sys.exit(1)
    if p.stderr.strip():
        print(p.stderr.rstrip())
    return p


def megacycle_run(args, out, scenario=None, extra=(), ranks=1):
    """`megacycle run` of the scenario (or `scenario`) with the test's --set overrides and `extra` options,
    on `ranks` MPI ranks when --mpiexec is given."""
    cmd = [args.program, "run", scenario or args.scenario, "--out", out, "--overwrite", "--quiet"]
    for s in args.sets:
        cmd += ["--set", s]
    cmd += list(extra)
    if ranks > 1 and args.mpiexec:
        cmd = [args.mpiexec, "-n", ranks] + cmd
    run(cmd)
    return Path(out)


def read_design(folder: Path):
    """design.csv as rows of strings (the text the program wrote)."""
    with open(folder / "design.csv", newline="") as f:
        return list(csv.DictReader(f))


def check_real_runs(prov, folder: Path, replicates, points):
    """The provenance's runs against the real folder: design.csv's run, point, replicate and seed as written,
    and each run manifest's replicate, run_index and design_point."""
    design = read_design(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    if manifest.get("replicates") != replicates or manifest.get("design_points") != points or \
            manifest.get("runs") != replicates * points or len(design) != replicates * points:
        fail(f"{folder}: manifest {manifest.get('replicates')} replicates, {manifest.get('design_points')} points, "
             f"{manifest.get('runs')} runs; design.csv {len(design)} rows; expected {replicates} x {points}")
    runs = prov["inputs"][0].get("runs") or [] if prov else []
    if len(runs) != len(design):
        fail(f"{folder}: provenance lists {len(runs)} runs, design.csv has {len(design)}")
        return
    for entry, row in zip(runs, design):
        want = {"run": int(row["run"]), "point": int(row["point"]), "design_replicate": int(row["replicate"]),
                "design_seed": row["seed"], "seed": row["seed"], "replicate": int(row["replicate"]),
                "run_index": int(row["run"]), "design_point": int(row["point"])}
        got = {k: entry.get(k) for k in want}
        if got != want:
            fail(f"{folder}: provenance of run {row['run']}: {got}, expected {want}")


def check_file(path: Path, fmt: str):
    if not path.is_file():
        fail(f"missing {path}")
        return
    data = path.read_bytes()
    if len(data) < 500:
        fail(f"{path}: only {len(data)} bytes")
    if fmt == "pdf":
        if not data.startswith(b"%PDF"):
            fail(f"{path}: does not start with %PDF")
        if b"/Type3" in data:
            fail(f"{path}: has Type 3 fonts (pdf.fonttype 42 expected)")
        if b"/TrueType" not in data and b"/CIDFontType2" not in data:
            fail(f"{path}: no embedded TrueType font")
    elif fmt == "png" and not data.startswith(b"\x89PNG\r\n\x1a\n"):
        fail(f"{path}: not a PNG")


def check_figures(figdir: Path, names, widths=WIDTHS, formats=FORMATS):
    for name in names:
        for w in widths:
            for fmt in formats:
                check_file(figdir / f"{name}_{w}.{fmt}", fmt)


def check_provenance(figdir: Path, kinds):
    prov_file = figdir / "provenance.json"
    if not prov_file.is_file():
        fail(f"missing {prov_file}")
        return None
    prov = json.loads(prov_file.read_text())
    for key in ("command_line", "script_version", "inputs", "figures"):
        if not prov.get(key):
            fail(f"{prov_file}: no {key}")
    if [i["kind"] for i in prov.get("inputs", [])] != kinds:
        fail(f"{prov_file}: input kinds {[i['kind'] for i in prov.get('inputs', [])]}, expected {kinds}")
    if prov.get("skipped"):
        fail(f"{prov_file}: figures skipped: {prov['skipped']}")
    listed = {f["file"] for f in prov.get("figures", [])}
    on_disk = {str(p.relative_to(figdir)) for p in figdir.rglob("*") if p.suffix in (".pdf", ".png", ".svg")}
    if listed != on_disk:
        fail(f"{prov_file}: figures listed {sorted(listed ^ on_disk)} differ from the files")
    readme = figdir / "README.md"
    if not readme.is_file() or any(f not in readme.read_text() for f in listed):
        fail(f"{readme}: missing, or does not list every figure")
    for inp in prov.get("inputs", []):
        m = inp.get("manifest") or {}
        if inp["kind"] == "run":
            if len(m.get("scenario_sha256", "")) != 64:
                fail(f"{prov_file}: run input without its manifest's scenario_sha256")
        else:
            runs = inp.get("runs") or []
            if m.get("kind") not in ("ensemble", "sweep") or not runs or \
                    any(len(r.get("scenario_sha256") or "") != 64 or r.get("seed") is None for r in runs):
                fail(f"{prov_file}: ensemble input without its manifest or its runs' scenario_sha256 and seed")
        if not inp.get("inputs_sha256"):
            fail(f"{prov_file}: no SHA-256 of the files read")
    return prov


def case_run(args, out: Path):
    rundir = megacycle_run(args, out / "run")
    figdir = out / "figures"
    run([sys.executable, args.figures, rundir, "--out", figdir])
    check_figures(figdir, FOLDER_FIGURES)
    check_provenance(figdir, ["run"])
    if (figdir / "comparison_single.pdf").exists():
        fail("a single run got a comparison figure")
    # one width, one format: only those files
    only = out / "figures_png_single"
    run([sys.executable, args.figures, rundir, "--out", only, "--width", "single", "--formats", "png", "--dpi", "150"])
    check_figures(only, FOLDER_FIGURES, widths=["single"], formats=["png"])
    extra = [p.name for p in only.iterdir() if p.suffix == ".pdf" or "_double" in p.name]
    if extra:
        fail(f"--width single --formats png wrote {extra}")


def case_ensemble(args, out: Path):
    ens = megacycle_run(args, out / "ensemble", extra=["--replicates", "3"], ranks=2)
    # (both widths and formats are checked on the single run; one width here keeps the test short)
    figdir = out / "figures_ensemble"
    run([sys.executable, args.figures, ens, "--out", figdir, "--width", "double"])
    check_figures(figdir, FOLDER_FIGURES, widths=["double"])
    prov = check_provenance(figdir, ["ensemble"])
    check_real_runs(prov, ens, replicates=3, points=1)
    readme = (figdir / "README.md").read_text() if (figdir / "README.md").is_file() else ""
    if "ensemble of 3 replicates" not in readme or "replicate 0 of the ensemble (runs/0000)" not in readme:
        fail(f"{figdir}/README.md: does not say 'ensemble of 3 replicates' and which replicate the daily figures draw")

    # a real GRID sweep: hyperscaler_rules.rivalry 0.3 and 1.5 x 2 replicates, the scenario's own text plus a
    # sweep block
    sweep_file = out / "sweep.textproto"
    sweep_file.write_text(Path(args.scenario).read_text() + "\nsweep {\n  design: GRID\n"
                          '  field { path: "hyperscaler_rules.rivalry" value: 0.3 value: 1.5 }\n}\n')
    sweep = megacycle_run(args, out / "sweep", scenario=sweep_file, extra=["--replicates", "2"], ranks=2)
    figdir = out / "figures_sweep"
    run([sys.executable, args.figures, sweep, "--out", figdir, "--width", "double", "--formats", "pdf"])
    check_figures(figdir, FOLDER_FIGURES + ["comparison"], widths=["double"], formats=["pdf"])
    prov = check_provenance(figdir, ["sweep"])
    check_real_runs(prov, sweep, replicates=2, points=2)
    points = prov["inputs"][0].get("points", []) if prov else []
    labels = [p.get("label") for p in points]
    if labels != ["rivalry=0.3", "rivalry=1.5"] or any(p.get("replicates") != 2 for p in points):
        fail(f"{figdir}: sweep points {labels} with replicates {[p.get('replicates') for p in points]}, "
             "expected rivalry=0.3 and rivalry=1.5, 2 each")
    elif "runs/0002" not in (points[1].get("daily_figures_from") or ""):
        fail(f"{figdir}: point 1's representative run is {points[1].get('daily_figures_from')}, expected runs/0002")
    # more design points than --max-points: one distribution pooled over every run
    figdir = out / "figures_sweep_pooled"
    run([sys.executable, args.figures, sweep, "--out", figdir, "--width", "single", "--formats", "png",
         "--max-points", "1"])
    check_figures(figdir, FOLDER_FIGURES, widths=["single"], formats=["png"])
    prov = check_provenance(figdir, ["sweep"])
    inp = prov["inputs"][0] if prov else {}
    if not inp.get("pooled_over_design_points") or [p.get("label") for p in inp.get("points", [])] != \
            ["all runs pooled (4)"]:
        fail(f"{figdir}: not drawn as one distribution pooled over the 4 runs: {inp.get('points')}")
    if (figdir / "comparison_single.png").exists():
        fail(f"{figdir}: a pooled sweep got a comparison figure")

    # a comparison of a single run (the same scenario, the ensemble's replicate 0) with the ensemble
    single = megacycle_run(args, out / "single")
    figdir = out / "figures_comparison"
    run([sys.executable, args.figures, single, ens, "--out", figdir, "--width", "single", "--formats", "png",
         "--dpi", "150", "--labels", "one run,ensemble"])
    check_figures(figdir, ["comparison"], widths=["single"], formats=["png"])
    for sub in ("one_run", "ensemble"):
        check_figures(figdir / sub, FOLDER_FIGURES, widths=["single"], formats=["png"])
    check_provenance(figdir, ["run", "ensemble"])

    # not a run folder: refused with exit status 2, nothing drawn
    empty = out / "not_a_run"
    empty.mkdir(exist_ok=True)
    run([sys.executable, args.figures, empty, "--out", out / "figures_bad"], expect=2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--program", required=True)
    parser.add_argument("--figures", required=True)
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--case", choices=["run", "ensemble"], required=True)
    parser.add_argument("--mpiexec", help="run the ensembles on 2 ranks with this launcher")
    parser.add_argument("--set", action="append", dest="sets", default=None)
    args = parser.parse_args()
    if args.sets is None:
        args.sets = ["enterprises.population=5000", "quarters=8"]
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    (case_run if args.case == "run" else case_ensemble)(args, args.out)
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print(f"figures_test --case {args.case}: all checks passed")


if __name__ == "__main__":
    main()
