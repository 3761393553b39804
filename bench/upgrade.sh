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

echo "hostroot upgrade-hosts demo-libfoo: $HOSTS hosts x $CONTAINERS containers, $RUNS runs (load $(cut -d' ' -f1-3 /proc/loadavg))"
for r in $(seq 1 "$RUNS"); do
  start=$(date +%s%N)
  (cd "$work" && node "$OLDPWD/bin/hostroot.js" upgrade-hosts demo-libfoo --format json > "$work/result.json" 2>/dev/null)
  end=$(date +%s%N)
  node -e '
    const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const cs = r.hosts.flatMap((h) => h.containers ?? []);
    const sees = cs.filter((c) => c.sees?.["demo-libfoo"] === "1.1").length;
    console.log(`run ${process.argv[3]}: ${Number(process.argv[2]).toFixed(2).padStart(6)} s  ${r.outcome}, ${r.hosts.length} hosts, ${cs.length} containers, ${sees} see 1.1, ${cs.filter((c) => c.healthy).length} healthy`);
  ' "$work/result.json" "$(( (end - start) / 10000000 ))e-2" "$r"
  # Back to 1.0 for the next run (untimed).
  ssh_opts=(-i "$state/ssh/id_ed25519" -o UserKnownHostsFile="$state/ssh/known_hosts" -o StrictHostKeyChecking=yes -o BatchMode=yes)
  for addr in $(grep -o 'address: [0-9.]*' "$work/hostroot.yml" | cut -d' ' -f2); do
    ssh "${ssh_opts[@]}" "root@$addr" 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --allow-downgrades demo-libfoo=1.0 >/dev/null 2>&1' &
  done
  wait
done
