#!/usr/bin/env bash
# Benchmark: `hostroot upgrade-hosts` of one package over H lab hosts x C containers each,
# including the full stop/start of every container, its service start and health check, and the
# check from inside each container. Prints the wall time of R runs (untimed: deploy, and the
# downgrade back to 1.0 between runs). Needs root; takes the lab lock the lab tests take.
set -euo pipefail
cd "$(dirname "$0")/.."
HOSTS=${HOSTS:-10} CONTAINERS=${CONTAINERS:-10} RUNS=${RUNS:-3}
state="$PWD/.lab/bench-upgrade"
hostroot() { node bin/hostroot.js "$@"; }

exec 9>/run/hostroot-lab-test.lock
flock 9
work=$(mktemp -d)
cleanup() { node bin/hostroot.js lab down --state-dir "$state" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

npm run build --silent
hostroot lab up --hosts "$HOSTS" --containers "$CONTAINERS" --state-dir "$state" >/dev/null
# The lab's pool, with a policy for this run: canary one host, then everything else at once.
mkdir -p "$work/containers"
sed '/^policy:/,$d' "$state/hostroot.yml" > "$work/hostroot.yml"
cat >> "$work/hostroot.yml" <<YAML
policy:
  definitionsPath: containers
  rollout: { canary: 1, batchSize: $HOSTS, concurrency: $HOSTS, commandTimeoutSeconds: 300, lockTimeoutSeconds: 60 }
YAML
# C definitions of H replicas each: replicas go to distinct hosts, so every host gets C containers.
for i in $(seq 1 "$CONTAINERS"); do
  cat > "$work/containers/app-$i.yml" <<YAML
apiVersion: hostroot/v1
name: app-$i
platform: debian-12
replicas: $HOSTS
service: { command: ["/bin/sleep", "infinity"] }
health: { command: ["/bin/cat", "/usr/lib/demo-libfoo/VERSION"], retries: 3 }
YAML
done
export HOSTROOT_CONFIG="$work/hostroot.yml" HOSTROOT_SSH_KEY_FILE="$state/ssh/id_ed25519"
(cd "$work" && node "$OLDPWD/bin/hostroot.js" hosts prepare >/dev/null && node "$OLDPWD/bin/hostroot.js" deploy >/dev/null)
hostroot lab publish 1.1 --state-dir "$state" >/dev/null

ssh_opts=(-i "$state/ssh/id_ed25519" -o UserKnownHostsFile="$state/ssh/known_hosts" -o StrictHostKeyChecking=yes -o BatchMode=yes)
addresses=$(grep -o 'address: [0-9.]*' "$work/hostroot.yml" | cut -d' ' -f2)
# Puts every host back on demo-libfoo 1.0 (untimed) and checks that each one really is: a run timed
# over hosts already on 1.1 would time a no-op.
reset_to_1_0() {
  local pids=() addr pid bad=0
  for addr in $addresses; do
    ssh "${ssh_opts[@]}" "root@$addr" 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --allow-downgrades demo-libfoo=1.0 >/dev/null 2>&1' &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do wait "$pid" || bad=1; done
  for addr in $addresses; do
    v=$(ssh "${ssh_opts[@]}" "root@$addr" "dpkg-query -W -f='\${Version}' demo-libfoo") || v="?"
    [ "$v" = "1.0" ] || { echo "reset failed: $addr has demo-libfoo $v, not 1.0" >&2; bad=1; }
  done
  return "$bad"
}

echo "hostroot upgrade-hosts demo-libfoo: $HOSTS hosts x $CONTAINERS containers, $RUNS runs (load $(cut -d' ' -f1-3 /proc/loadavg))"
for r in $(seq 1 "$RUNS"); do
  reset_to_1_0
  start=$(date +%s%N)
  (cd "$work" && node "$OLDPWD/bin/hostroot.js" upgrade-hosts demo-libfoo --format json > "$work/result.json" 2>/dev/null) || true
  end=$(date +%s%N)
  # Verifies the run: every host went 1.0 -> 1.1 and every container sees 1.1; otherwise the
  # benchmark fails rather than print a time for work that was not done.
  node -e '
    const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const cs = r.hosts.flatMap((h) => h.containers ?? []);
    const sees = cs.filter((c) => c.sees?.["demo-libfoo"] === "1.1").length;
    const moves = new Map();
    for (const h of r.hosts) for (const p of h.packages ?? []) {
      const k = `${p.before ?? "-"}→${p.after ?? "-"}`;
      moves.set(k, (moves.get(k) ?? 0) + 1);
    }
    const versions = [...moves].map(([k, n]) => `${k} on ${n}`).join(", ");
    console.log(`run ${process.argv[3]}: ${Number(process.argv[2]).toFixed(2).padStart(6)} s  ${r.outcome}, ${r.hosts.length} hosts (demo-libfoo ${versions}), ${cs.length} containers, ${sees} see 1.1, ${cs.filter((c) => c.healthy).length} healthy`);
    const want = Number(process.argv[4]) * Number(process.argv[5]);
    if (r.outcome !== "succeeded" || moves.size !== 1 || !moves.has("1.0→1.1") || sees !== want) {
      console.error(`run ${process.argv[3]} did not do the job (want ${want} containers seeing 1.1 after 1.0→1.1 on every host)`);
      process.exit(1);
    }
  ' "$work/result.json" "$(( (end - start) / 10000000 ))e-2" "$r" "$HOSTS" "$CONTAINERS"
done
