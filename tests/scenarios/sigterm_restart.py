#!/usr/bin/env python3
"""A real SIGTERM, as Slurm sends it to every task at a job's time limit: a run under mpiexec is sent
SIGTERM on each rank once its first progress line appears; it must stop at the end of that quarter with
a checkpoint (exit status 3, one line naming the quarter and how to resume), and the run resumed from
the checkpoint must write exactly the CSV files of an uninterrupted run. If the run finishes before the
signal reaches it (a much faster machine), the test is skipped (exit 77), not failed.

Usage: sigterm_restart.py --program megacycle --mpiexec mpiexec --scenario FILE --out DIR [--ranks 2]
                          [--set path=value ...]
"""
import argparse
import filecmp
import json
import os
import re
import shutil
import signal
import subprocess
import sys


def ranks_of(run_dir):
    """PIDs of the megacycle processes writing into run_dir (the ranks; not the launcher)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm") as f:
                if f.read().strip() != "megacycle":
                    continue
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if run_dir.encode() in args:
            pids.append(int(entry))
    return pids


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--program", required=True)
    ap.add_argument("--mpiexec", required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--set", action="append", default=[])
    a = ap.parse_args()
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    env.pop("MEGACYCLE_TEST_FAULT", None)
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    run, reference = os.path.join(a.out, "run"), os.path.join(a.out, "reference")
    checkpoint = run + ".checkpoint"
    sets = [x for s in a.set for x in ("--set", s)]
    launch = [a.mpiexec, "-n", str(a.ranks), "--oversubscribe", a.program, "run"]

    p = subprocess.Popen(launch + [a.scenario, "--out", run] + sets, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, env=env)
    seen = []
    for line in p.stderr:
        seen.append(line)
        if line.startswith("[megacycle] quarter"):
            break
    pids = ranks_of(run)
    for pid in pids:
        os.kill(pid, signal.SIGTERM)
    err = "".join(seen) + p.stderr.read()
    rc = p.wait(timeout=120)
    if rc == 0:
        print("SKIP: the run finished before SIGTERM reached it; use a larger population")
        return 77
    m = re.search(r"megacycle: stopped at a checkpoint after quarter (\d+) of (\d+) \(SIGTERM\); resume with "
                  r"--resume (\S+)", err)
    if rc != 3 or not m or len(pids) != a.ranks:
        print(f"expected exit status 3 and the stop line after SIGTERM to {len(pids)} of {a.ranks} ranks; got {rc}:\n"
              f"{err}")
        return 1
    quarter = int(m.group(1))
    print(f"stopped after quarter {quarter} of {m.group(2)} (SIGTERM to ranks {pids})")
    if m.group(3) != checkpoint or os.path.exists(run):
        print(f"resume hint {m.group(3)} (expected {checkpoint}); {run} exists: {os.path.exists(run)}")
        return 1

    r = subprocess.run(launch + ["--resume", checkpoint, "--quiet"], capture_output=True, text=True, env=env)
    if r.returncode != 0:
        print(f"resume failed ({r.returncode}):\n{r.stderr}")
        return 1
    r = subprocess.run(launch + [a.scenario, "--out", reference, "--quiet"] + sets, capture_output=True, text=True,
                       env=env)
    if r.returncode != 0:
        print(f"reference run failed ({r.returncode}):\n{r.stderr}")
        return 1

    csvs = sorted(f for f in os.listdir(reference) if f.endswith(".csv"))
    if csvs != sorted(f for f in os.listdir(run) if f.endswith(".csv")):
        print(f"CSV files differ: {csvs} vs {sorted(os.listdir(run))}")
        return 1
    different = [f for f in csvs if not filecmp.cmp(os.path.join(reference, f), os.path.join(run, f), shallow=False)]
    if different:
        print(f"differ after the resume: {different}")
        return 1
    with open(os.path.join(run, "manifest.json")) as f:
        manifest = json.load(f)
    if manifest.get("resumed_from_quarter") != [quarter] or not manifest.get("complete"):
        print(f"manifest: resumed_from_quarter {manifest.get('resumed_from_quarter')}, complete {manifest.get('complete')}")
        return 1
    print(f"resumed after quarter {quarter}: {csvs} identical to the uninterrupted run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
