"""Helpers shared by the Python scenario checks (stock_flow.py, demand_stall.py, calibration.py).

Starting runs of the megacycle program, reading what they leave behind (quarterly.csv, firms.csv,
manifest.json), and reading the effective scenario from the manifest so that checks never hard-code
values from scenarios/baseline.textproto, which is still being calibrated.

Only the Python standard library and pandas (Debian's python3-pandas, run with /usr/bin/python3).
"""

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pandas as pd

# Open MPI refuses to run as root without these (containers, CI), and CI has 2 cores.
MPI_ENV = {
    "OMPI_ALLOW_RUN_AS_ROOT": "1",
    "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
    "OMPI_MCA_rmaps_base_oversubscribe": "1",
}


def fail(message):
    """Prints the failure and ends the check with exit status 1."""
    print(f"FAIL: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def run_command(program, scenario, out, sets=(), seed=None, ranks=None, mpiexec=None, timeout=300):
    """The command line of one `megacycle run` into `out` (ranks > 0 with mpiexec: under mpiexec)."""
    cmd = [str(program), "run", str(scenario), "--out", str(out), "--overwrite", "--quiet"]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    for s in sets:
        cmd += ["--set", s]
    if ranks is not None and mpiexec:
        cmd = [str(mpiexec), "-n", str(ranks), "--oversubscribe"] + cmd
    return cmd


def start(cmd):
    env = dict(os.environ, **MPI_ENV)
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def finish(proc, cmd, timeout=300):
    """Waits for a started run; fails the check with its output if it did not succeed."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        fail(f"run timed out after {timeout} s: {' '.join(cmd)}\nstdout:\n{out}\nstderr:\n{err}")
    if proc.returncode != 0:
        fail(f"run failed (exit {proc.returncode}): {' '.join(cmd)}\nstdout:\n{out}\nstderr:\n{err}")


def run(program, scenario, out, **kwargs):
    """Runs megacycle and returns the run folder; fails the check if the run fails."""
    cmd = run_command(program, scenario, out, **kwargs)
    finish(start(cmd), cmd, kwargs.get("timeout", 300))
    return Path(out)


def run_many(commands, jobs):
    """Runs several (command, out) pairs, at most `jobs` at a time."""
    pending = list(commands)
    running = []
    while pending or running:
        while pending and len(running) < max(1, jobs):
            cmd = pending.pop(0)
            running.append((start(cmd), cmd))
        proc, cmd = running.pop(0)
        finish(proc, cmd)


def manifest(folder):
    path = Path(folder) / "manifest.json"
    if not path.exists():
        fail(f"{path} is missing")
    m = json.loads(path.read_text())
    if not m.get("complete"):
        fail(f"{path} does not say \"complete\": true")
    return m


def read_csv(folder, name):
    path = Path(folder) / name
    if not path.exists():
        fail(f"{path} is missing")
    return pd.read_csv(path)


def parse_text_format(text):
    """Parses protobuf text format as printed by TextFormat::PrintToString (one field per line,
    `name {` ... `}` for messages) into nested dicts; every field maps to a list of its values."""
    root = {}
    stack = [root]
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line == "}":
            stack.pop()
            continue
        if line.endswith("{"):
            name = line[:-1].strip()
            child = {}
            stack[-1].setdefault(name, []).append(child)
            stack.append(child)
            continue
        name, _, value = line.partition(":")
        value = value.strip()
        if value.startswith('"'):
            value = value[1:-1]
        elif value in ("true", "false"):
            value = value == "true"
        else:
            try:
                value = int(value)
            except ValueError:
                value = float(value)
        stack[-1].setdefault(name.strip(), []).append(value)
    return root


def effective_scenario(folder):
    """The scenario a run used (file plus overrides), from its manifest."""
    return parse_text_format(manifest(folder)["scenario_effective_text"])


def field(message, name, default=None):
    """A singular field of a parsed message (the default when it is not set)."""
    values = message.get(name, [])
    return values[0] if values else default


def schedule_points(scenario, path):
    """The (quarter, value) points of a schedule, e.g. path = "environment.capability_index"."""
    message = scenario
    for part in path.split("."):
        message = field(message, part, {})
    return [(field(p, "quarter", 0), field(p, "value", 0.0)) for p in message.get("point", [])]


def schedule_value(points, quarter, default):
    """A schedule's value at a quarter: linear between points, flat outside (the program's rule)."""
    if not points:
        return default
    if quarter <= points[0][0]:
        return points[0][1]
    for (q0, v0), (q1, v1) in zip(points, points[1:]):
        if quarter <= q1:
            return v0 + (v1 - v0) * (quarter - q0) / (q1 - q0)
    return points[-1][1]


def schedule_overrides(path, existing, wanted):
    """--set arguments that turn schedule `path` from its `existing` points into the `wanted` ones.
    Overrides can change and append points but not remove them, so surplus old points are kept as
    copies of the last wanted value one quarter apart (which leaves the path the same)."""
    wanted = list(wanted)
    while len(wanted) < len(existing):
        q, v = wanted[-1]
        wanted.append((q + 1, v))
    sets = []
    for i, (q, v) in enumerate(wanted):
        sets += [f"{path}.point[{i}].quarter={q}", f"{path}.point[{i}].value={v!r}"]
    return sets


def periods_of_year(quarterly, year):
    """Rows of quarterly.csv (or firms.csv) whose period is in a calendar year."""
    return quarterly[quarterly["period"].astype(str).str.startswith(f"{year}Q")]


def check_medians(study, rows, seeds, checks):
    """Checks the median over seeds of each measure; prints every one and fails listing the misses.

    rows[seed][key] holds the measures of one seed's run. checks: (key, text, ok, fmt, target) with
    ok(median) -> bool (NaN must fail), fmt a format for the numbers and target a text appended to the
    line ("" for none)."""
    failures = []
    print("\nmedians over seeds:")
    for key, text, ok, fmt, target in checks:
        values = [float(rows[s][key]) for s in seeds]
        median = statistics.median(values)
        passed = ok(median)
        print(f"  [{'ok' if passed else 'FAIL'}] {text}: median {fmt.format(median)} "
              f"(seeds {fmt.format(min(values))} to {fmt.format(max(values))}){target}")
        if not passed:
            failures.append(f"{text}: median {fmt.format(median)}{target}")
    if failures:
        fail(f"{study}: {len(failures)} of {len(checks)} missed:\n  " + "\n  ".join(failures))
