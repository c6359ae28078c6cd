#!/usr/bin/env bash
# ctest slurm_sweep (label "slurm"): a sweep split into a Slurm job array, under a real Slurm.
#
#   tests/slurm/slurm_sweep.sh PATH/TO/megacycle
#
# Starts a private one-node Slurm (tests/slurm/slurm_local.sh), writes a sweep scenario (a 2-point grid
# over hyperscaler_rules.rivalry on top of tests/scenarios/small_industry.textproto) and submits it with
# scripts/slurm/submit-sweep --replicates 2 --runs-per-task 2: 4 runs (2 design points, as `megacycle
# validate` reports them, x 2 replicates), an array of 2 tasks running scripts/slurm/sweep-array.sbatch
# (runs 0-1 and 2-3, one rank each) and the final scripts/slurm/ensemble.sbatch job after them
# (--dependency=afterok). Checks: every array task and the final job COMPLETED with exit 0; each task did
# its own slice; the final job found all 4 runs done; the sweep folder: manifest complete, kind "sweep",
# 4 runs, design.csv with the swept column, runs/0000-0003 with quarterly.csv, ensemble_quarterly.csv
# with both points. Then a failed array task is simulated (a run folder removed) and ensemble.sbatch
# alone redoes it. Exits 77 when Slurm cannot be started here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
megacycle=$(realpath "${1:?usage: slurm_sweep.sh PATH/TO/megacycle}")
[ -x "$megacycle" ] || { echo "slurm_sweep: $megacycle is not an executable" >&2; exit 1; }
source "$here/slurm_local.sh"

expect_done() {  # expect_done ID WHAT [OUTPUT]: waits for job ID; it must end COMPLETED, exit code 0
  slurm_wait_job "$1" 300 || { show_job "$1" "${3:-}"; slurm_logs; fail "$2 (job $1) did not end in 5 minutes"; }
  if [ "$JOB_STATE" != COMPLETED ] || [ "$JOB_EXIT" != 0:0 ]; then
    show_job "$1" "${3:-}"
    fail "$2 (job $1) ended $JOB_STATE with exit code $JOB_EXIT"
  fi
}

slurm_local_start
source "$root/scripts/mpi-env"  # root may run mpirun, which the jobs inherit (sbatch --export=ALL)
export MEGACYCLE=$megacycle
work=$SLURM_LOCAL_DIR/jobs
cd "$work"  # the jobs start in the directory sbatch is called from

{
  cat "$root/tests/scenarios/small_industry.textproto"
  printf '\nsweep {\n  design: GRID\n  field { path: "hyperscaler_rules.rivalry" value: 0.1 value: 0.5 }\n}\n'
} >sweep.textproto
flags=(--set quarters=8)  # not --quiet: the logs must say which runs each job did

# submit-sweep asks `megacycle validate` for the number of design points (2) and multiplies by 2 replicates.
ids=$(SBATCH_OUTPUT="$work/job-%j.out" "$root/scripts/slurm/submit-sweep" --parsable --replicates 2 \
        --runs-per-task 2 --time 5 --final-time 5 sweep.textproto sweep "${flags[@]}") ||
  fail "scripts/slurm/submit-sweep failed"
read -r array final <<<"$ids"
slurm_log "submit-sweep: array job $array (2 tasks), final job $final"
dep=$(slurm_job_field "$final" Dependency)
case "$dep" in afterok:"$array"_*) ;; *) fail "final job $final: dependency '$dep', expected afterok:${array}_*" ;; esac

for t in 0 1; do
  expect_done "${array}_$t" "array task $t" "$work/job-$(slurm_job_field "${array}_$t" JobId).out"
  log=$work/job-$(slurm_job_field "${array}_$t" JobId).out
  grep -q "runs $((2 * t))-$((2 * t + 1)) of 4" "$log" ||
    { cat "$log" >&2; fail "array task $t did not do runs $((2 * t))-$((2 * t + 1))"; }
done
expect_done "$final" "the final job"
grep -q "0 to do" "$work/job-$final.out" ||
  { cat "$work/job-$final.out" >&2; fail "the final job did runs itself: the array left some undone"; }

s=$work/sweep
[ -s "$s/manifest.json" ] || fail "no $s/manifest.json"
grep -Eq '"complete": *true' "$s/manifest.json" || fail "$s/manifest.json is not complete"
grep -Eq '"kind": *"sweep"' "$s/manifest.json" || fail "$s/manifest.json: kind is not \"sweep\""
grep -Eq '"runs": *4' "$s/manifest.json" || fail "$s/manifest.json: runs is not 4"
head -n 1 "$s/design.csv" | grep -q 'hyperscaler_rules.rivalry' || fail "$s/design.csv has no swept column"
[ "$(wc -l <"$s/design.csv")" -eq 5 ] || fail "$s/design.csv: expected a header and 4 runs"
for r in 0000 0001 0002 0003; do
  [ -s "$s/runs/$r/quarterly.csv" ] || fail "no $s/runs/$r/quarterly.csv"
done
for p in 0 1; do
  grep -q "^$p,7," "$s/ensemble_quarterly.csv" || fail "$s/ensemble_quarterly.csv has no rows for point $p, quarter 7"
done
slurm_log "sweep: array tasks and final job COMPLETED, exit 0; sweep folder complete with 4 runs"

# A task that failed: its run is missing. The final job alone (ensemble.sbatch, no --runs) redoes it.
rm -rf "$s/runs/0002" "$s/ensemble_quarterly.csv"
id=$(REPLICATES=2 sbatch --parsable --ntasks=1 --time=5 --output="$work/job-%j.out" \
       "$root/scripts/slurm/ensemble.sbatch" sweep.textproto sweep "${flags[@]}") ||
  fail "sbatch ensemble.sbatch (redo) was refused"
expect_done "$id" "the final job redoing run 0002"
grep -q "1 to do" "$work/job-$id.out" || { cat "$work/job-$id.out" >&2; fail "job $id did not find exactly 1 run to do"; }
[ -s "$s/runs/0002/quarterly.csv" ] || fail "the final job did not redo $s/runs/0002"
[ -s "$s/ensemble_quarterly.csv" ] || fail "the final job did not write $s/ensemble_quarterly.csv again"
slurm_log "sweep: a missing run was redone by ensemble.sbatch alone (job $id)"
echo "slurm_sweep: passed" >&2
