#!/bin/bash
# fixHost.sh WANT : the job on ONE lab host, run inside it, with no hostroot involved (the same steps
# as the reference harness's per-host script): apt-get update + upgrade demo-libfoo; a full stop/start of every
# container; from inside each (one lxc-attach) check that it sees WANT. Prints one FIX line with the
# in-host timings; exits 1 when any container sees something else.
set -euo pipefail
WANT=${1:-1.1}; PKG=demo-libfoo; P=/var/lib/lxc
t0=$(date +%s%N)
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --only-upgrade $PKG >/dev/null
t1=$(date +%s%N)
cs=$(lxc-ls -P $P -1)
for c in $cs; do
  lxc-stop -P $P -n $c
  lxc-start -P $P -n $c -d
  lxc-wait -P $P -n $c -s RUNNING -t 10
done
t2=$(date +%s%N)
ok=0; bad=""
for c in $cs; do
  v=$(lxc-attach -P $P -n $c -- cat /usr/lib/$PKG/VERSION)
  if [ "$v" = "$WANT" ]; then ok=$((ok+1)); else bad="$bad $c=$v"; fi
done
t3=$(date +%s%N)
echo "FIX $(hostname) ok=$ok/$(echo $cs | wc -w) want=$WANT apt_ms=$(( (t1-t0)/1000000 )) restart_ms=$(( (t2-t1)/1000000 )) verify_ms=$(( (t3-t2)/1000000 )) inhost_ms=$(( (t3-t0)/1000000 ))${bad:+ BAD:$bad}"
[ -z "$bad" ]
