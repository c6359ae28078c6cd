#!/usr/bin/env bash
# ctest slurm_ensemble (label "slurm"): the job scripts in scripts/slurm/ under a real Slurm.
#
#   tests/slurm/slurm_ensemble.sh PATH/TO/megacycle
#
# Starts a private one-node Slurm (tests/slurm/slurm_local.sh: installs slurm-wlm and munge with apt-get
# if missing, then munged, slurmctld and slurmd on a temporary configuration), then submits with sbatch:
#   1. scripts/slurm/run.sbatch on 2 tasks with MEGACYCLE_LAUNCHER=srun (srun --mpi=pmix): a single run of
#      tests/scenarios/small_industry.textproto; checks the run folder and that it ran on 2 ranks;
#   2. scripts/slurm/ensemble.sbatch on 2 tasks with the default launcher (mpirun), REPLICATES=4,
#      RANKS_PER_RUN=1: checks the ensemble folder: manifest complete with 4 runs, runs/0000-0003 each
#      with quarterly.csv, design.csv with 4 rows, ensemble_quarterly.csv.
# Each job must end COMPLETED with exit code 0 within 5 minutes. The daemons are stopped at the end.
# Exits 77 (skipped) when Slurm cannot be started here (not root, apt-get fails, a daemon refuses).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
megacycle=$(realpath "${1:?usage: slurm_ensemble.sh PATH/TO/megacycle}")
[ -x "$megacycle" ] || { echo "slurm_ensemble: $megacycle is not an executable" >&2; exit 1; }
source "$here/slurm_local.sh"

slurm_local_start
source "$root/scripts/mpi-env"  # root may run mpirun, which the jobs inherit (sbatch --export=ALL)
export MEGACYCLE=$megacycle
work=$SLURM_LOCAL_DIR/jobs
scenario=$root/tests/scenarios/small_industry.textproto
tiny=(--set quarters=8 --quiet)

# 1. A single run, ranks started by srun.
id=$(MEGACYCLE_LAUNCHER=srun sbatch --parsable --ntasks=2 --time=5 --chdir="$work" \
       --output="$work/job-%j.out" "$root/scripts/slurm/run.sbatch" "$scenario" single "${tiny[@]}") ||
  fail "sbatch run.sbatch was refused"
slurm_log "submitted scripts/slurm/run.sbatch as job $id (2 tasks, srun)"
slurm_wait_job "$id" 300 || { show_job "$id"; slurm_logs; fail "run.sbatch job $id did not end in 5 minutes"; }
[ "$JOB_STATE" = COMPLETED ] && [ "$JOB_EXIT" = 0:0 ] ||
  { show_job "$id"; fail "run.sbatch job $id ended $JOB_STATE with exit code $JOB_EXIT"; }
[ -s "$work/single/quarterly.csv" ] || { show_job "$id"; fail "no $work/single/quarterly.csv"; }
[ "$(wc -l <"$work/single/quarterly.csv")" -eq 9 ] || fail "single/quarterly.csv: expected a header and 8 quarters"
grep -Eq '"ranks": *2' "$work/single/manifest.json" || fail "single/manifest.json does not say 2 ranks"
grep -Eq '"complete": *true' "$work/single/manifest.json" || fail "single/manifest.json is not complete"
slurm_log "run.sbatch: job $id COMPLETED, exit 0, run folder complete on 2 ranks ($(slurm_job_field "$id" RunTime))"

# 2. An ensemble of 4 replicates, one rank each, two at a time; ranks started by mpirun.
id=$(REPLICATES=4 RANKS_PER_RUN=1 sbatch --parsable --ntasks=2 --time=5 --chdir="$work" \
       --output="$work/job-%j.out" "$root/scripts/slurm/ensemble.sbatch" "$scenario" ensemble "${tiny[@]}") ||
  fail "sbatch ensemble.sbatch was refused"
slurm_log "submitted scripts/slurm/ensemble.sbatch as job $id (2 tasks, mpirun, 4 replicates, 1 rank per run)"
slurm_wait_job "$id" 300 || { show_job "$id"; slurm_logs; fail "ensemble.sbatch job $id did not end in 5 minutes"; }
[ "$JOB_STATE" = COMPLETED ] && [ "$JOB_EXIT" = 0:0 ] ||
  { show_job "$id"; fail "ensemble.sbatch job $id ended $JOB_STATE with exit code $JOB_EXIT"; }
e=$work/ensemble
[ -d "$e" ] || { show_job "$id"; fail "no ensemble folder $e"; }
[ ! -e "$e.incomplete" ] || fail "$e.incomplete is still there"
[ -s "$e/manifest.json" ] || fail "no $e/manifest.json"
grep -Eq '"complete": *true' "$e/manifest.json" || fail "$e/manifest.json is not complete"
grep -Eq '"kind": *"ensemble"' "$e/manifest.json" || fail "$e/manifest.json: kind is not \"ensemble\""
grep -Eq '"runs": *4' "$e/manifest.json" || fail "$e/manifest.json: runs is not 4"
for r in 0000 0001 0002 0003; do
  [ -s "$e/runs/$r/quarterly.csv" ] || fail "no $e/runs/$r/quarterly.csv"
  [ "$(wc -l <"$e/runs/$r/quarterly.csv")" -eq 9 ] || fail "$e/runs/$r/quarterly.csv: expected a header and 8 quarters"
  grep -Eq '"complete": *true' "$e/runs/$r/manifest.json" || fail "$e/runs/$r/manifest.json is not complete"
done
[ ! -e "$e/runs/0004" ] || fail "$e/runs/0004 exists: more runs than 4 replicates"
[ "$(wc -l <"$e/design.csv")" -eq 5 ] || fail "$e/design.csv: expected a header and 4 runs"
[ -s "$e/ensemble_quarterly.csv" ] || fail "no $e/ensemble_quarterly.csv"
head -n 1 "$e/ensemble_quarterly.csv" | grep -q '^point,quarter,period,series,n,mean,p05,p25,p50,p75,p95' ||
  fail "$e/ensemble_quarterly.csv: unexpected header $(head -n 1 "$e/ensemble_quarterly.csv")"
slurm_log "ensemble.sbatch: job $id COMPLETED, exit 0, ensemble folder complete with 4 runs ($(slurm_job_field "$id" RunTime))"
echo "slurm_ensemble: passed" >&2
