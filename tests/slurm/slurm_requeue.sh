#!/usr/bin/env bash
# ctest slurm_requeue (label "slurm"): scripts/slurm/requeue.sbatch under a real Slurm: a run longer than
# its job's time limit is stopped by Slurm's signal, checkpoints, requeues itself and finishes.
#
#   tests/slurm/slurm_requeue.sh PATH/TO/megacycle
#
# Starts a private one-node Slurm (tests/slurm/slurm_local.sh; requeued jobs wait about 11 s there,
# cred_expire=10, not Slurm's default 2 minutes). First an uninterrupted reference run of
# tests/scenarios/small_industry.textproto on 2 ranks, big enough (population) to take over 42 s;
# then the same run as a job with --time=1 and --signal=B:USR1@20, so Slurm sends SIGUSR1 10-40 s after
# each start and the run needs at least two starts. Checks: the job ends COMPLETED with exit code 0
# after at least one requeue (Restarts >= 1), its log shows the stop, the requeue and the resume, the run folder is complete and no
# OUT.checkpoint is left, and every CSV is byte-identical to the reference run's. Exits 77 when Slurm
# cannot be started here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
megacycle=$(realpath "${1:?usage: slurm_requeue.sh PATH/TO/megacycle}")
[ -x "$megacycle" ] || { echo "slurm_requeue: $megacycle is not an executable" >&2; exit 1; }
"$megacycle" run --help 2>&1 | grep -q -- '--checkpoint-every' ||
  { echo "FAILED: $megacycle has no --checkpoint-every" >&2; exit 1; }
source "$here/slurm_local.sh"

slurm_local_start
source "$root/scripts/mpi-env"  # root may run mpirun, which the jobs inherit (sbatch --export=ALL)
export MEGACYCLE=$megacycle
work=$SLURM_LOCAL_DIR/jobs
cd "$work"
scenario=$root/tests/scenarios/small_industry.textproto

# Slurm sends --signal's signal at its periodic time-limit check (every 30 s) once the time left is at
# most OFFSET + 30 s: with --time=1 and --signal=B:USR1@20, between 10 and 40 s after each start. So the
# run must take well over 40 s for a requeue to be certain. The uninterrupted reference run (outside
# Slurm, 100 quarters on 2 ranks, 4M enterprises to begin with: 15-60 s on a 2-core 2.5 GHz Xeon, with
# and without other work) both sets the size (under 42 s, the population grows by 50 s / its time and
# it runs again; at most 32M) and is what the requeued run's CSVs must match. The population grows, not
# the quarters: small_industry's accounts are checked to 1e-9 every quarter, and some hundreds of
# quarters are beyond what the scenario is for.
quarters=100
run_timed() {  # run_timed OUT POPULATION: prints the wall seconds of a 2-rank run
  local start
  rm -rf "$1"
  start=$(date +%s.%N)
  mpirun -n 2 "$megacycle" run "$scenario" --out "$1" --set enterprises.population="$2" --set quarters=$quarters \
    --quiet >&2 || fail "the run into $1 failed"
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'
}
population=4000000
while :; do
  wall=$(run_timed reference "$population")
  slurm_log "reference run: $population enterprises x $quarters quarters on 2 ranks in $wall s"
  awk -v w="$wall" 'BEGIN { exit !(w >= 42) }' && break
  [ "$population" -lt 32000000 ] || fail "the reference run took only $wall s at $population enterprises: too short to be sure of a requeue"
  population=$(awk -v p="$population" -v w="$wall" 'BEGIN { n = int(p * 50 / w); if (n > 32000000) n = 32000000; printf "%d", n }')
done
flags=(--set "enterprises.population=$population" --set "quarters=$quarters")
offset=20
after="10-40"

id=$(CHECKPOINT_EVERY=10 sbatch --parsable --ntasks=2 --time=1 --signal=B:USR1@$offset \
       --output="$work/job-%j.out" "$root/scripts/slurm/requeue.sbatch" "$scenario" long "${flags[@]}" --quiet) ||
  fail "sbatch requeue.sbatch was refused"
slurm_log "submitted scripts/slurm/requeue.sbatch as job $id (--time=1 --signal=B:USR1@$offset: a stop ~$after s after each start)"
limit=$(awk -v w="$wall" 'BEGIN { printf "%d", 4 * w + 300 }')
slurm_wait_job "$id" "$limit" ||
  { scontrol show job "$id" >&2; cat "$work/job-$id.out" >&2; slurm_logs; fail "job $id did not end in $limit s"; }
restarts=$(slurm_job_field "$id" Restarts)
log=$work/job-$id.out
if [ "$JOB_STATE" != COMPLETED ] || [ "$JOB_EXIT" != 0:0 ]; then
  scontrol show job "$id" >&2
  cat "$log" >&2
  fail "job $id ended $JOB_STATE with exit code $JOB_EXIT after $restarts requeues"
fi
[ "${restarts:-0}" -ge 1 ] || { cat "$log" >&2; fail "job $id finished without a requeue: the signal never came in time"; }
grep -q "got SIGUSR1" "$log" || { cat "$log" >&2; fail "the log of job $id shows no SIGUSR1"; }
grep -q "stopped at a checkpoint (SIGUSR1); requeueing" "$log" || { cat "$log" >&2; fail "the log shows no requeue"; }
grep -q "resuming from long.checkpoint" "$log" || { cat "$log" >&2; fail "the log shows no resume"; }
grep -q "the run is finished: long" "$log" || { cat "$log" >&2; fail "the log does not show the run finishing"; }
[ -d long ] || fail "no run folder $work/long"
[ ! -e long.checkpoint ] || fail "long.checkpoint is still there after the run finished"
grep -Eq '"complete": *true' long/manifest.json || fail "long/manifest.json is not complete"
for f in reference/*.csv; do
  cmp -s "$f" "long/$(basename "$f")" || fail "long/$(basename "$f") differs from the uninterrupted run's"
done
slurm_log "requeue.sbatch: job $id COMPLETED, exit 0, after $restarts requeue(s); CSVs identical to the uninterrupted run"
echo "slurm_requeue: passed" >&2
