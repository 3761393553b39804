#!/usr/bin/env bash
# Installs what hostroot's tests and lab need, only when missing, so `npm test` and `npm run demo`
# work on a fresh machine and cost nothing on a warm one.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages for the lab: real OpenSSH, LXC, OverlayFS tools, debootstrap, a local apt repo.
LAB_PACKAGES=(lxc lxc-templates openssh-server openssh-client debootstrap attr dpkg-dev apt-utils iproute2 procps util-linux)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${LAB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing lab packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi

# npm ci only when the lockfile changed since the last install.
stamp=node_modules/.hostroot-lock-sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
