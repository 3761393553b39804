#!/usr/bin/env bash
# The whole test suite from a fresh clone: install, build, type-check, lint, unit and lab tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npm run build
npx tsc -p tsconfig.json --noEmit
npx biome check .
npx vitest run "$@"
