#!/usr/bin/env bash
# Installs what hostroot's tests and lab need, only when missing, so `npm test` and `npm run demo`
# work on a fresh machine and cost nothing on a warm one.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm ci (which also builds, through `prepare`) only when the lockfile changed since the last install.
stamp=node_modules/.hostroot-lock-sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -d build ]; then
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi

# Debian packages for the lab (real OpenSSH, LXC, debootstrap, a local apt repository). The list
# lives in one place, the lab's own module, so the lab and this script cannot disagree.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  # With --test (from scripts/test.sh), also what only the tests use (TEST_PACKAGES: ansible).
  read -r -a packages < <(HOSTROOT_DEPS_TEST="${1:-}" node --input-type=module -e \
    'import { LAB_PACKAGES, TEST_PACKAGES } from "./build/adapters/lab/labPackages.js"; console.log([...LAB_PACKAGES, ...(process.env.HOSTROOT_DEPS_TEST === "--test" ? TEST_PACKAGES : [])].join(" "));')
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing lab packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi
