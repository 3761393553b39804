#!/usr/bin/env bash
# The hostroot demo, on a fresh Debian machine, as root (`npm run demo`): a lab of 3 test hosts,
# hosts prepared, examples/containers deployed, a host library upgraded under them with
# `hostroot upgrade-hosts`, and every container showing from inside which version it sees.
# The lab is left up to play with; `npx hostroot lab down` removes it.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "the demo needs root: it makes network namespaces, mounts and LXC containers" >&2
  exit 2
fi

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
hostroot() { node bin/hostroot.js "$@"; }

say "installing what is missing (apt packages, npm ci) and building"
bash scripts/ensure-deps.sh
npm run build --silent

say "hostroot lab up --hosts 3: three test hosts with sshd and LXC, demo-libfoo 1.0 installed"
hostroot lab up --hosts 3
export HOSTROOT_CONFIG="$PWD/.lab/hostroot.yml"
export HOSTROOT_SSH_KEY_FILE="$PWD/.lab/ssh/id_ed25519"

say "hostroot hosts prepare: bind / read-only as the lower layer, create lxcbr0"
hostroot hosts prepare

say "hostroot deploy: examples/containers (Python, Node and Ruby services over the host root)"
hostroot deploy

say "hostroot status --packages demo-libfoo: the version each container sees from inside"
hostroot status --packages demo-libfoo

say "publishing demo-libfoo 1.1 in the lab's apt repository"
hostroot lab publish 1.1

say "hostroot upgrade-hosts demo-libfoo: rolling upgrade, then a full stop/start of each container"
rc=0
hostroot upgrade-hosts demo-libfoo || rc=$?

say "hostroot status --packages demo-libfoo: what every container sees now"
hostroot status --packages demo-libfoo || rc=$?

say "done (exit $rc). The lab is still up:"
echo "  export HOSTROOT_CONFIG=$HOSTROOT_CONFIG"
echo "  export HOSTROOT_SSH_KEY_FILE=$HOSTROOT_SSH_KEY_FILE"
echo "  npx hostroot status            # what runs where"
echo "  npx hostroot lab down          # take it down"
exit "$rc"
