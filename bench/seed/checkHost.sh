#!/bin/bash
# checkHost.sh : inside ONE lab host, untimed, after a run: the host's demo-libfoo version and what
# every running container sees, as `CHECK HOST pkg=V VERSION:COUNT ...` (independent of the method).
P=/var/lib/lxc
echo "CHECK $(hostname) pkg=$(dpkg-query -W -f='${Version}' demo-libfoo) $(for c in $(lxc-ls -P $P -1); do lxc-attach -P $P -n $c -- cat /usr/lib/demo-libfoo/VERSION; done | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}')"
