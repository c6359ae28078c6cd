# Sourced by the tests in tests/slurm/: starts a private one-node Slurm on this machine for the test and
# stops it again (see ../shared/notes/slurm-single-node.md and docs/cluster.md, "Testing the scripts").
#
# Everything the private Slurm needs lives in one temporary folder ($SLURM_LOCAL_DIR): slurm.conf,
# the state and spool folders, logs, pid files, and its own munge daemon with its own key and socket.
# The daemons listen on free ports above 20000, so a Slurm or munge already on the machine is neither
# used nor disturbed, and /etc/slurm and /etc/munge are not touched. Only root can start slurmd (it
# launches jobs as their users); slurm-wlm and munge are installed with apt-get when missing (they stay
# installed). Every command of the test reaches this Slurm through SLURM_CONF, exported here.
#
# Functions:
#   slurm_skip MESSAGE           prints why the test cannot run and exits 77 (ctest's SKIP_RETURN_CODE)
#   slurm_local_start            installs, configures and starts munged, slurmctld and slurmd; waits
#                                until the node is idle; skips (77) when any of that is impossible
#   slurm_local_stop             stops the daemons it started (by their pid files); an EXIT trap
#   slurm_wait_job ID SECONDS    waits until job ID has ended (or SECONDS pass); prints the last state;
#                                sets JOB_STATE and JOB_EXIT ("0:0" = exit 0, no signal)
#   slurm_job_field ID NAME      one field of `scontrol show job` (e.g. JobState, ExitCode, RunTime)
#   slurm_logs                   prints the tails of the daemons' logs (for a failure)
#   fail MESSAGE                 prints FAILED: MESSAGE and exits 1
#   show_job ID [OUTPUT]         the job's record and its output (OUTPUT, default $work/job-ID.out)
# Environment: MEGACYCLE_SKIP_SLURM=1 skips at once; MEGACYCLE_SLURM_KEEP=1 keeps the temporary folder.

fail() {
  echo "FAILED: $*" >&2
  exit 1
}

show_job() {  # see the list at the top
  scontrol show job "$1" >&2 || true
  echo "----- job $1 output" >&2
  cat "${2:-$work/job-$1.out}" >&2 || true
}

slurm_skip() {
  echo "SKIPPED: $*" >&2
  exit 77
}

slurm_log() { echo "slurm-test: $*" >&2; }

slurm_logs() {
  local f
  for f in "$SLURM_LOCAL_DIR"/log/*.log; do
    [ -f "$f" ] || continue
    echo "----- $f (last 30 lines)" >&2
    tail -n 30 "$f" >&2
  done
}

_slurm_port_free() {  # _slurm_port_free PORT: nothing listens on 127.0.0.1:PORT
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

_slurm_free_port() {  # prints a free TCP port in 20000-29999, other than $1
  local p tries=0
  while [ $tries -lt 200 ]; do
    p=$((20000 + RANDOM % 10000))
    if [ "$p" != "${1:-}" ] && _slurm_port_free "$p"; then
      echo "$p"
      return 0
    fi
    tries=$((tries + 1))
  done
  return 1
}

_slurm_install() {
  local need=()
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null || need+=(slurm-wlm)
  command -v munged >/dev/null && command -v munge >/dev/null || need+=(munge)
  [ ${#need[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || slurm_skip "Slurm is not installed and there is no apt-get to install ${need[*]}"
  slurm_log "installing ${need[*]} with apt-get (quietly; log in $SLURM_LOCAL_DIR/log/apt.log)"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get -o DPkg::Lock::Timeout=300 update -qq &&
         apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}"; } \
         >"$SLURM_LOCAL_DIR/log/apt.log" 2>&1; then
    # A package script may fail where the binaries are in place (munge's postinst runs `su munge` to
    # make /etc/munge/munge.key, which some sandboxes forbid); the private Slurm needs neither.
    if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
      tail -n 20 "$SLURM_LOCAL_DIR/log/apt.log" >&2
      slurm_skip "apt-get could not install ${need[*]} (log above)"
    fi
    slurm_log "apt-get reported errors (package scripts); the binaries are there, going on"
  fi
  command -v slurmctld >/dev/null && command -v munged >/dev/null ||
    slurm_skip "apt-get ran but slurmctld or munged is still missing"
}

_slurm_wait_pidfile() {  # _slurm_wait_pidfile FILE SECONDS: the daemon wrote FILE and its process lives
  local i=0
  while [ $i -lt $(($2 * 5)) ]; do
    if [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; then return 0; fi
    sleep 0.2
    i=$((i + 1))
  done
  return 1
}

_slurm_clear_stale() {
  # Daemons of an earlier test that was killed (a ctest timeout sends SIGKILL, and no EXIT trap runs):
  # a folder whose test (run/owner.pid) is gone but whose daemons still run. They are stopped by their
  # pid files, when the process is still the one started with that folder's files, and the folder is
  # removed. Folders of tests still running, and kept folders (no daemons left), are not touched.
  local dir f pid stopped
  for dir in "${TMPDIR:-/tmp}"/megacycle-slurm.*; do
    [ -s "$dir/run/owner.pid" ] || continue
    kill -0 "$(cat "$dir/run/owner.pid")" 2>/dev/null && continue
    stopped=0
    for f in "$dir"/run/slurmd.pid "$dir"/run/slurmctld.pid "$dir"/run/munged.pid; do
      [ -s "$f" ] || continue
      pid=$(cat "$f")
      if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$dir"; then
        slurm_log "stopping $(basename "$f" .pid) ($pid), left running by an earlier test in $dir"
        _slurm_stop_pid "$f" "$(basename "$f" .pid)"
        stopped=1
      fi
    done
    if [ "$stopped" = 1 ]; then rm -rf "$dir"; fi
  done
  return 0
}

slurm_local_start() {
  [ "${MEGACYCLE_SKIP_SLURM:-0}" = 1 ] && slurm_skip "MEGACYCLE_SKIP_SLURM=1"
  [ "$(id -u)" -eq 0 ] || slurm_skip "starting a private Slurm needs root (slurmd launches jobs as their users); run as root"
  _slurm_clear_stale

  SLURM_LOCAL_DIR=$(mktemp -d "${TMPDIR:-/tmp}/megacycle-slurm.XXXXXX")
  # munged insists that every folder above its socket is searchable by all.
  chmod 755 "$SLURM_LOCAL_DIR"
  mkdir -p "$SLURM_LOCAL_DIR"/{log,run,state,spool,munge,jobs}
  echo $$ >"$SLURM_LOCAL_DIR/run/owner.pid"
  trap slurm_local_stop EXIT
  trap 'exit 143' TERM INT HUP  # so that the EXIT trap stops the daemons
  _slurm_install

  local d=$SLURM_LOCAL_DIR host cpus ctld_port slurmd_port
  # munge: a private key and socket.
  dd if=/dev/urandom of="$d/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$d/munge/munge.key"
  if ! munged --socket="$d/munge/munge.sock" --key-file="$d/munge/munge.key" \
         --log-file="$d/log/munged.log" --pid-file="$d/run/munged.pid" --seed-file="$d/munge/munged.seed" \
         2>>"$d/log/munged.log"; then
    slurm_logs
    slurm_skip "munged would not start (log above)"
  fi
  _slurm_wait_pidfile "$d/run/munged.pid" 10 || { slurm_logs; slurm_skip "munged did not come up"; }
  if ! munge -S "$d/munge/munge.sock" -n | unmunge -S "$d/munge/munge.sock" >/dev/null 2>&1; then
    slurm_logs
    slurm_skip "munge -n | unmunge failed against the private munged"
  fi

  host=$(hostname -s 2>/dev/null || hostname)
  cpus=$(nproc)
  local overrides=""
  if [ "$cpus" -lt 2 ]; then cpus=2; overrides="SlurmdParameters=config_overrides"; fi
  ctld_port=$(_slurm_free_port) && slurmd_port=$(_slurm_free_port "$ctld_port") ||
    slurm_skip "found no free TCP port for slurmctld and slurmd"

  cat >"$d/slurm.conf" <<EOF
# Private one-node Slurm for megacycle's tests (tests/slurm/slurm_local.sh); removed when the test ends.
ClusterName=megacycle-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
# cred_expire also sets how long a requeued job waits before it may start again (default 120 s).
AuthInfo=socket=$d/munge/munge.sock,cred_expire=10
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmUser=root
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobRequeue=1
MinJobAge=3600
KillWait=15
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/run/slurmctld.pid
SlurmdPidFile=$d/run/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
$overrides
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
EOF
  export SLURM_CONF=$d/slurm.conf
  # A client (sbatch, scontrol) must not pick up another cluster's settings from the environment.
  unset SLURM_JOB_ID SLURM_JOBID SBATCH_PARTITION SBATCH_ACCOUNT SLURM_CLUSTERS

  if ! slurmctld -f "$SLURM_CONF" 2>>"$d/log/slurmctld.log"; then
    slurm_logs
    slurm_skip "slurmctld would not start (log above)"
  fi
  _slurm_wait_pidfile "$d/run/slurmctld.pid" 20 || { slurm_logs; slurm_skip "slurmctld did not come up"; }
  if ! slurmd -f "$SLURM_CONF" -N "$host" 2>>"$d/log/slurmd.log"; then
    slurm_logs
    slurm_skip "slurmd would not start (log above)"
  fi
  _slurm_wait_pidfile "$d/run/slurmd.pid" 20 || { slurm_logs; slurm_skip "slurmd did not come up"; }

  local i=0 state=""
  while [ $i -lt 60 ]; do
    state=$(sinfo -h -n "$host" -o %t 2>/dev/null | head -n 1)
    [ "$state" = idle ] && break
    sleep 1
    i=$((i + 1))
  done
  if [ "$state" != idle ]; then
    slurm_logs
    slurm_skip "the Slurm node $host is '${state:-unknown}', not idle, 60 s after slurmd started (log above)"
  fi
  export SLURM_LOCAL_NODE=$host
  slurm_log "private Slurm up in $d: node $host ($cpus CPUs), slurmctld port $ctld_port, slurmd port $slurmd_port"
}

_slurm_stop_pid() {  # _slurm_stop_pid FILE NAME: TERM the daemon in FILE, KILL it after 10 s
  local pid i=0
  [ -s "$1" ] || return 0
  pid=$(cat "$1")
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    slurm_log "$2 ($pid) ignored SIGTERM for 10 s; killing it"
    kill -9 "$pid" 2>/dev/null || true
  fi
}

slurm_local_stop() {
  local rc=$?
  trap '' TERM INT HUP  # a second signal must not cut the clean-up short
  [ -n "${SLURM_LOCAL_DIR:-}" ] && [ -d "$SLURM_LOCAL_DIR" ] || return $rc
  if [ -s "$SLURM_LOCAL_DIR/run/slurmctld.pid" ] && [ -n "${SLURM_CONF:-}" ]; then
    # Jobs still running (a test that failed half-way) go first, so slurmd leaves no strays.
    scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
    sleep 1
  fi
  _slurm_stop_pid "$SLURM_LOCAL_DIR/run/slurmd.pid" slurmd
  _slurm_stop_pid "$SLURM_LOCAL_DIR/run/slurmctld.pid" slurmctld
  _slurm_stop_pid "$SLURM_LOCAL_DIR/run/munged.pid" munged
  if [ "${MEGACYCLE_SLURM_KEEP:-0}" = 1 ]; then
    slurm_log "kept $SLURM_LOCAL_DIR (MEGACYCLE_SLURM_KEEP=1)"
  else
    rm -rf "$SLURM_LOCAL_DIR"
  fi
  return $rc
}

slurm_job_field() {  # slurm_job_field ID NAME
  scontrol -o show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

# shellcheck disable=SC2034  # JOB_STATE and JOB_EXIT are for the caller
slurm_wait_job() {  # slurm_wait_job ID SECONDS
  local id=$1 limit=$2 start=$SECONDS last=""
  JOB_STATE="" JOB_EXIT=""
  while [ $((SECONDS - start)) -lt "$limit" ]; do
    JOB_STATE=$(slurm_job_field "$id" JobState)
    if [ "$JOB_STATE" != "$last" ]; then
      slurm_log "job $id: ${JOB_STATE:-?} after $((SECONDS - start)) s"
      last=$JOB_STATE
    fi
    case "$JOB_STATE" in
      COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE | PREEMPTED)
        JOB_EXIT=$(slurm_job_field "$id" ExitCode)
        return 0 ;;
    esac
    sleep 2
  done
  slurm_log "job $id still ${JOB_STATE:-unknown} after $limit s; giving up"
  return 1
}
