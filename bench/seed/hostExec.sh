#!/bin/bash
# hostExec.sh STATE_DIR I CMD... : runs CMD inside lab host I WITHOUT ssh: joins the host's cgroups
# (so LXC inside finds its cgroup namespace root and its CPU is charged to the host), then enters
# the host's mount/uts/ipc/net/pid/cgroup namespaces with a clean environment.
set -euo pipefail
state=$1; i=$2; shift 2
read -r runner cgroups < <(node -e '
  const s = JSON.parse(require("node:fs").readFileSync(process.argv[1] + "/state.json", "utf8"));
  const h = s.hosts[Number(process.argv[2]) - 1];
  console.log(h.runner.pid, h.cgroups.join(","));' "$state" "$i")
init=$(awk '{print $1}' "/proc/$runner/task/$runner/children")
IFS=, read -ra dirs <<< "$cgroups"
for d in "${dirs[@]}"; do echo $$ > "$d/cgroup.procs"; done
exec nsenter -t "$init" -m -u -i -n -p -C env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
