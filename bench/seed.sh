#!/usr/bin/env bash
# npm run bench:seed — the seed's job, "a critical fix reaches every container", timed for
# hostroot beside the job's limit and parallel-ssh, on the SAME lab hosts and containers:
#   limit        seed/fixHost.sh inside every host at once, no SSH (nsenter): apt-get update +
#                upgrade, full stop/start of every container, one lxc-attach check in each
#   pssh         parallel-ssh running that same script on every host (sent on stdin)
#   one-host     the limit's script inside host 1 alone (what a canary host adds at best)
#   hostroot c0  `hostroot upgrade-hosts demo-libfoo`, canary 0: every host at once
#   hostroot c1  the same with canary 1: one host alone, then the others at once
# Methods run interleaved round-robin, RUNS times each (order rotated every round). Before every
# run (untimed) every host goes back to demo-libfoo 1.0, every container is restarted and checked
# to see 1.0, and apt's lists are deleted; after every run (untimed) every container is checked
# from inside to see 1.1 (and hostroot's own report must say 1.0 -> 1.1 on every host and every
# container seeing 1.1). A run that fails any check stops the benchmark.
# Knobs: HOSTS (10), CONTAINERS (10), RUNS (3), METHODS, SERVICE=1 (containers get a service and
# a health check, which hostroot runs and the limit does not: not like for like), BASE=DIR (another
# built checkout of hostroot, e.g. an older commit: adds method base-c0, its upgrade-hosts canary 0),
# PROFILE=0 (skip the profile: processes started and CPU on one host, per method, untimed).
# Needs root, the lab's packages and pssh; holds the lab lock for the whole run; always tears the
# lab down. Results: bench/out/seed-<time>/ (runs.csv, table.md, logs).
set -euo pipefail
cd "$(dirname "$0")/.."
HOSTS=${HOSTS:-10} CONTAINERS=${CONTAINERS:-10} RUNS=${RUNS:-3}
METHODS=${METHODS:-"limit pssh one-host hostroot-c0 hostroot-c1${BASE:+ base-c0}"}
root=$PWD
seed="$root/bench/seed"
state="$root/.lab/bench-seed"
out="$root/bench/out/seed-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out/logs"
log() { echo "[$(date -u +%T)] $*" | tee -a "$out/driver.log" >&2; }
die() { log "FATAL: $*"; exit 1; }
for t in parallel-ssh nsenter lxc-start node; do
  command -v "$t" >/dev/null || die "missing $t (apt-get install -y pssh; the lab's packages: see docs/lab.md)"
done
[ "$(id -u)" = 0 ] || die "needs root (the lab uses network namespaces and LXC)"

exec 9>/run/hostroot-lab-test.lock
log "waiting for the lab lock /run/hostroot-lab-test.lock"
flock 9
cleanup() {
  node "$root/bin/hostroot.js" lab down --state-dir "$state" >/dev/null 2>&1 || true
  log "lab down"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

npm run build --silent
node bin/hostroot.js lab down --state-dir "$state" >/dev/null 2>&1 || true
s=$(date +%s%N)
node bin/hostroot.js lab up --hosts "$HOSTS" --containers "$CONTAINERS" --state-dir "$state" > "$out/logs/lab-up.log" 2>&1 \
  || die "lab up failed: $(tail -5 "$out/logs/lab-up.log")"
log "lab up: $HOSTS hosts in $(( ($(date +%s%N) - s) / 1000000 )) ms"

# Two configs from the lab's pool: canary 0 (all hosts at once) and canary 1.
work="$state/seed"
rm -rf "$work"; mkdir -p "$work/containers"
for c in 0 1; do
  sed '/^policy:/,$d' "$state/hostroot.yml" > "$work/hostroot-c$c.yml"
  cat >> "$work/hostroot-c$c.yml" <<YAML
policy:
  definitionsPath: containers
  rollout: { canary: $c, batchSize: $HOSTS, concurrency: $HOSTS, commandTimeoutSeconds: 600, lockTimeoutSeconds: 120 }
YAML
done
# CONTAINERS definitions of HOSTS replicas each: replicas go to distinct hosts, so every host gets
# CONTAINERS containers. By default sleep-init containers with nothing started in them, like the
# reference harness's (like for like with the limit's script); SERVICE=1 adds a service and a health check.
for i in $(seq 1 "$CONTAINERS"); do
  {
    echo "apiVersion: hostroot/v1"
    echo "name: app-$i"
    echo "platform: debian-12"
    echo "replicas: $HOSTS"
    if [ "${SERVICE:-0}" = 1 ]; then
      echo 'service: { command: ["/bin/sleep", "infinity"] }'
      echo 'health: { command: ["/bin/cat", "/usr/lib/demo-libfoo/VERSION"], retries: 3 }'
    fi
  } > "$work/containers/app-$i.yml"
done
export HOSTROOT_SSH_KEY_FILE="$state/ssh/id_ed25519"
(cd "$work" && HOSTROOT_CONFIG="$work/hostroot-c0.yml" node "$root/bin/hostroot.js" hosts prepare > "$out/logs/prepare.log" 2>&1) || die "hosts prepare failed"
s=$(date +%s%N)
(cd "$work" && HOSTROOT_CONFIG="$work/hostroot-c0.yml" node "$root/bin/hostroot.js" deploy > "$out/logs/deploy.log" 2>&1) || die "deploy failed: $(tail -5 "$out/logs/deploy.log")"
log "deployed $((HOSTS * CONTAINERS)) containers in $(( ($(date +%s%N) - s) / 1000000 )) ms"
node bin/hostroot.js lab publish 1.1 --state-dir "$state" >/dev/null

addresses=$(grep -o 'address: [0-9.]*' "$work/hostroot-c0.yml" | cut -d' ' -f2)
printf '%s\n' $addresses | sed 's/^/root@/' > "$work/pssh-hosts"
# For the no-SSH methods, untimed: each host's init PID (the runner's child) and its cgroups.
node -e '
  const fs = require("node:fs");
  const s = JSON.parse(fs.readFileSync(process.argv[1] + "/state.json", "utf8"));
  for (const h of s.hosts) {
    const init = fs.readFileSync(`/proc/${h.runner.pid}/task/${h.runner.pid}/children`, "utf8").trim().split(" ")[0];
    console.log(init, h.cgroups.join(" "));
  }' "$state" > "$work/hosts-exec"
ssh_opts="-F /dev/null -i $state/ssh/id_ed25519 -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=$state/ssh/known_hosts -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes"
psh() { parallel-ssh -h "$work/pssh-hosts" -x "$ssh_opts" -p "$HOSTS" -t 600 "$@"; }
# The lab hosts' CPU: their cpuacct cgroups (sshd, apt, LXC and the containers all run in them).
cpu_dirs=$(node -e '
  const s = JSON.parse(require("node:fs").readFileSync(process.argv[1] + "/state.json", "utf8"));
  for (const h of s.hosts) for (const d of h.cgroups) if (/cpuacct/.test(d)) console.log(d);' "$state")
host_cpu_ms() { local t=0 d; for d in $cpu_dirs; do t=$((t + $(cat "$d/cpuacct.usage"))); done; echo $((t / 1000000)); }

reset_all() {
  psh -I -i "bash -s -- 1.0" < "$seed/resetHost.sh" > "$out/logs/reset.log" 2>&1 || true
  [ "$(grep -c "RESET .* pkg=1.0 ok=$CONTAINERS/$CONTAINERS at=1.0" "$out/logs/reset.log")" = "$HOSTS" ] \
    || die "reset to 1.0 failed (see $out/logs/reset.log)"
}
# Every host has 1.1 and every container sees it (one-host: host 1's).
verify() {
  psh -I -i < "$seed/checkHost.sh" > "$2" 2>&1 || true
  local want=$HOSTS n
  [ "$1" = one-host ] && want=1
  n=$(grep -c "pkg=1.1 1.1:$CONTAINERS \$" "$2" || true)
  [ "$n" = "$want" ] || { echo "only $n of $want hosts have 1.1 in every container"; return 1; }
}
hostroot_report_ok() {
  node -e '
    const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const cs = r.hosts.flatMap((h) => h.containers ?? []);
    const sees = cs.filter((c) => c.sees?.["demo-libfoo"] === "1.1").length;
    const moved = r.hosts.filter((h) => (h.packages ?? []).some((p) => p.name === "demo-libfoo" && p.before === "1.0" && p.after === "1.1")).length;
    const want = Number(process.argv[2]) * Number(process.argv[3]);
    if (r.outcome !== "succeeded" || moved !== r.hosts.length || r.hosts.length !== Number(process.argv[2]) || sees !== want) {
      console.log(`hostroot reported ${r.outcome}: ${moved}/${r.hosts.length} hosts 1.0->1.1, ${sees}/${want} containers see 1.1`);
      process.exit(1);
    }' "$1" "$HOSTS" "$CONTAINERS"
}
run_method() {
  case $1 in
    limit)
      local pids=() i rc=0
      for i in $(seq 1 "$HOSTS"); do "$seed/hostExec.sh" "$work/hosts-exec" "$i" bash -s -- 1.1 < "$seed/fixHost.sh" & pids+=("$!"); done
      for i in "${pids[@]}"; do wait "$i" || rc=1; done
      return "$rc" ;;
    one-host) "$seed/hostExec.sh" "$work/hosts-exec" 1 bash -s -- 1.1 < "$seed/fixHost.sh" ;;
    pssh) psh -I -i "bash -s -- 1.1" < "$seed/fixHost.sh" ;;
    hostroot-c0 | hostroot-c1)
      (cd "$work" && HOSTROOT_CONFIG="$work/hostroot-${1#hostroot-}.yml" node "$root/bin/hostroot.js" upgrade-hosts demo-libfoo --format json > "$work/result.json") ;;
    base-c0 | base-c1)
      (cd "$work" && HOSTROOT_CONFIG="$work/hostroot-${1#base-}.yml" node "$BASE/bin/hostroot.js" upgrade-hosts demo-libfoo --format json > "$work/result.json") ;;
    *) echo "unknown method $1"; return 2 ;;
  esac
}

# The profile, untimed, on host 1 alone: for the limit's script and each hostroot build, the CPU
# charged to host 1's cgroup (a run without tracing) and every program started there, counted
# from successful execve calls (strace -f on host 1's sshd, or on the limit's nsenter).
host1_cpu_ms() { local d; d=$(printf '%s\n' $cpu_dirs | head -1); echo $(( $(cat "$d/cpuacct.usage") / 1000000 )); }
profile_one() {   # $1 = method, $2 = strace output or "" for an untraced run
  local sshd tracer="" bin="$root/bin/hostroot.js"
  [ "$1" = base ] && bin="$BASE/bin/hostroot.js"
  if [ -n "$2" ]; then
    # Host 1's sshd (the child of its namespace's init chain) and everything it starts: the
    # tracer is stopped by PID afterwards (containers started under it live on).
    sshd=$(node -e '
      const s = JSON.parse(require("node:fs").readFileSync(process.argv[1] + "/state.json", "utf8"));
      console.log(s.hosts[0].runner.pid);' "$state")
    while [ "$(cat "/proc/$sshd/comm")" != sshd ]; do sshd=$(awk '{print $1}' "/proc/$sshd/task/$sshd/children"); done
    strace -f -qq -e trace=execve -e status=successful -o "$2" -p "$sshd" & tracer=$!
    until grep -q "^TracerPid:[[:space:]]*$tracer\$" "/proc/$sshd/status"; do sleep 0.05; done
  fi
  case $1 in
    one-host)
      # Untraced: inside host 1 without SSH (the limit's way); traced: over SSH, so that the
      # programs counted are those host 1's sshd starts, as for hostroot.
      if [ -n "$2" ]; then ssh $ssh_opts "root@$(head -1 "$work/pssh-hosts" | cut -d@ -f2)" "bash -s -- 1.1" < "$seed/fixHost.sh"
      else "$seed/hostExec.sh" "$work/hosts-exec" 1 bash -s -- 1.1 < "$seed/fixHost.sh"; fi ;;
    *)
      (cd "$work" && HOSTROOT_CONFIG="$work/hostroot-c0.yml" node "$bin" upgrade-hosts demo-libfoo --hosts "$(awk '/^ *- name:/ {print $3; exit}' "$work/hostroot-c0.yml")" --format json > "$work/profile.json") || true ;;
  esac
  if [ -n "$tracer" ]; then kill "$tracer"; wait "$tracer" 2>/dev/null || true; fi
}
profile() {
  local m f cpu n
  echo "Profile on host 1 alone ($CONTAINERS containers), untimed: CPU charged to the host's cgroup (median of 3 untraced runs) and programs started in it (one traced run)."
  echo
  echo "| method | in-host CPU ms | processes started (execve) | per container | top programs |"
  echo "|---|---:|---:|---:|---|"
  for m in one-host hostroot ${BASE:+base}; do
    local cpus=()
    for _ in 1 2 3; do
      reset_all; h=$(host1_cpu_ms); profile_one "$m" "" > /dev/null 2>&1; cpus+=($(( $(host1_cpu_ms) - h )))
    done
    cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n 2p)
    reset_all; f="$out/logs/profile-$m.strace"; profile_one "$m" "$f" > /dev/null 2>&1
    n=$(grep -c 'execve(' "$f" || true)
    top=$(grep -o 'execve("[^"]*"' "$f" | sed 's/.*\///; s/"$//' | sort | uniq -c | sort -rn | head -12 | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1}')
    echo "| $m | $cpu | $n | $(awk -v n="$n" -v c="$CONTAINERS" 'BEGIN { printf "%.1f", n / c }') | $top |"
  done
  echo
  echo "(one-host: the limit's script; hostroot: this checkout's upgrade-hosts --hosts <host 1>${BASE:+; base: $BASE}. Tracing inflates CPU, so CPU comes from the untraced runs.)"
}

csv="$out/runs.csv"
echo "method,run,wall_ms,host_cpu_ms,client_cpu_ms" > "$csv"
log "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $HOSTS hosts x $CONTAINERS containers, $RUNS runs; methods: $METHODS"
read -ra ms <<< "$METHODS"
for r in $(seq 1 "$RUNS"); do
  # Rotate the order each round, so drifting load hits every method alike.
  order=("${ms[@]:$(( (r - 1) % ${#ms[@]} ))}" "${ms[@]:0:$(( (r - 1) % ${#ms[@]} ))}")
  for m in "${order[@]}"; do
    reset_all
    h0=$(host_cpu_ms); s=$(date +%s%N)
    # `times` gives the CPU of this subshell's children: the client side (node, parallel-ssh and
    # its ssh clients, nsenter and — for limit and one-host — the in-host script too).
    ( set +e; run_method "$m" > "$out/logs/$m-$r.log" 2>&1; rc=$?; times > "$out/logs/$m-$r.times"; exit "$rc" ) \
      || die "$m run $r failed (see $out/logs/$m-$r.log)"
    wall=$(( ($(date +%s%N) - s) / 1000000 )); hcpu=$(( $(host_cpu_ms) - h0 ))
    ccpu=$(sed -n 2p "$out/logs/$m-$r.times" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] } printf "%d", t * 1000 }')
    why=$(verify "$m" "$out/logs/$m-$r.check") || die "$m run $r did not do the job: $why (see $out/logs/$m-$r.check)"
    case $m in hostroot-* | base-*) cp "$work/result.json" "$out/logs/$m-$r.json"; why=$(hostroot_report_ok "$work/result.json") || die "$m run $r: $why" ;; esac
    echo "$m,$r,$wall,$hcpu,$ccpu" >> "$csv"
    log "run $r $m: wall $wall ms, in-host CPU $hcpu ms, client CPU $ccpu ms; verified"
  done
done
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${PROFILE:-1}" = 1 ]; then
  if ! command -v strace >/dev/null; then log "no strace: profile skipped (apt-get install -y strace)"
  elif ! profile > "$out/profile.md"; then log "the profile failed (the table stands): see $out/profile.md"; fi
fi
node "$root/bench/seed/table.mjs" "$csv" "$HOSTS" "$CONTAINERS" "$METHODS" | tee "$out/table.md"
[ -f "$out/profile.md" ] && { echo; cat "$out/profile.md"; }
log "results in $out"
