#!/usr/bin/python3
"""End-to-end check of scripts/figures (ctest: figures_small_run, figures_fake_ensemble; label "scripts").

  --case run       runs megacycle on the scenario (a single run, small overrides), then scripts/figures on
                   it, and checks that every expected figure exists as PDF (starts with %PDF, TrueType
                   fonts, no Type 3) and PNG (PNG signature) at both widths, and that provenance.json and
                   README.md describe them.
  --case ensemble  runs the scenario for seeds 1-3 and builds a fake ensemble folder from them
                   (fake_ensemble.py: design.csv, ensemble_quarterly.csv, manifest.json, runs/NNNN), and
                   a fake sweep (2 design points x 2 replicates); checks the figures of the ensemble, of
                   the sweep, and of a comparison of a single run with the ensemble (comparison figure on
                   top, each folder's figures in its own subfolder); and that a folder that is neither is
                   refused with exit status 2.

Only the Python standard library here (scripts/figures needs numpy, pandas and matplotlib).
Usage: figures_test.py --program build/megacycle --figures scripts/figures --scenario FILE --out DIR
                       --case run|ensemble [--set path=value ...]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import fake_ensemble  # noqa: E402

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


def megacycle_run(args, out, seed=None, extra=()):
    cmd = [args.program, "run", args.scenario, "--out", out, "--overwrite", "--quiet"]
    if seed is not None:
        cmd += ["--seed", seed]
    for s in list(args.sets) + list(extra):
        cmd += ["--set", s]
    run(cmd)
    return Path(out)


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
    runs = [megacycle_run(args, out / f"seed{s}", seed=s) for s in (1, 2, 3)]
    ens = fake_ensemble.build(out / "ensemble", runs)
    figdir = out / "figures_ensemble"
    run([sys.executable, args.figures, ens, "--out", figdir])
    check_figures(figdir, FOLDER_FIGURES)
    prov = check_provenance(figdir, ["ensemble"])
    if prov and len(prov["inputs"][0].get("runs", [])) != 3:
        fail("ensemble provenance does not list 3 runs")

    # a sweep: 2 design points (hyperscaler_rules.rivalry 0.3 and 1.5) x 2 replicates
    sweep_runs = [megacycle_run(args, out / f"sweep{i}", seed=1 + i % 2, extra=[f"hyperscaler_rules.rivalry={v}"])
                  for i, v in enumerate(["0.3", "0.3", "1.5", "1.5"])]
    sweep = fake_ensemble.build(out / "sweep", sweep_runs, points=2, swept_field="hyperscaler_rules.rivalry",
                                swept_values=["0.3", "1.5"])
    figdir = out / "figures_sweep"
    run([sys.executable, args.figures, sweep, "--out", figdir, "--width", "double", "--formats", "pdf"])
    check_figures(figdir, FOLDER_FIGURES + ["comparison"], widths=["double"], formats=["pdf"])
    check_provenance(figdir, ["sweep"])

    # a comparison of a single run with the ensemble
    figdir = out / "figures_comparison"
    run([sys.executable, args.figures, runs[0], ens, "--out", figdir, "--width", "single",
         "--labels", "one run,ensemble"])
    check_figures(figdir, ["comparison"], widths=["single"])
    for sub in ("one_run", "ensemble"):
        check_figures(figdir / sub, FOLDER_FIGURES, widths=["single"])
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
    parser.add_argument("--set", action="append", dest="sets", default=None)
    args = parser.parse_args()
    if args.sets is None:
        args.sets = ["enterprises.population=5000"]
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    (case_run if args.case == "run" else case_ensemble)(args, args.out)
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print(f"figures_test --case {args.case}: all checks passed")


if __name__ == "__main__":
    main()
