#!/bin/bash
# resetHost.sh VERSION : inside ONE lab host, untimed, between runs: install demo-libfoo=VERSION
# (a downgrade), full stop/start of every container, check that each sees VERSION, then delete
# apt's lists so that the next timed `apt-get update` reads a new index, as after a real publish.
set -euo pipefail
V=${1:-1.0}; PKG=demo-libfoo; P=/var/lib/lxc
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --allow-downgrades $PKG=$V >/dev/null
cs=$(lxc-ls -P $P -1); ok=0
for c in $cs; do
  lxc-stop -P $P -n $c 2>/dev/null || true
  lxc-start -P $P -n $c -d; lxc-wait -P $P -n $c -s RUNNING -t 10
done
for c in $cs; do [ "$(lxc-attach -P $P -n $c -- cat /usr/lib/$PKG/VERSION)" = "$V" ] && ok=$((ok+1)); done
rm -rf /var/lib/apt/lists/*
echo "RESET $(hostname) pkg=$(dpkg-query -W -f='${Version}' $PKG) ok=$ok/$(echo $cs | wc -w) at=$V"
[ "$ok" = "$(echo $cs | wc -w)" ]
