#!/usr/bin/env bash
# The whole test suite from a fresh clone: install, build, type-check, lint, unit tests, then the
# lab tests (real sshd, LXC and apt in namespace hosts; they need root and skip with a reason otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npm run build
npx tsc -p tsconfig.json --noEmit
npx biome check .
npx vitest run --project unit "$@"
npx vitest run --project lab "$@"
