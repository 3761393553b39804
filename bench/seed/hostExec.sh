#!/bin/bash
# hostExec.sh HOSTS_FILE I CMD... : runs CMD inside lab host I WITHOUT ssh: joins the host's cgroups (so LXC inside finds its cgroup namespace root and
# its CPU is charged to the host), then enters the host's mount/uts/ipc/net/pid/cgroup namespaces
# with a clean environment. HOSTS_FILE (written untimed by seed.sh) has one line per host:
# the PID of its init, then its cgroup directories.
set -euo pipefail
i=$2
read -r init dirs < <(sed -n "${i}p" "$1")
for d in $dirs; do echo $$ > "$d/cgroup.procs"; done
shift 2
exec nsenter -t "$init" -m -u -i -n -p -C env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
