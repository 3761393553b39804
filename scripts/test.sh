#!/usr/bin/env bash
# The whole test suite from a fresh clone: install, build, type-check, lint, unit tests, then the
# lab tests (real sshd, LXC and apt in namespace hosts; they need root and skip with a reason otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh --test
npm run build
npx tsc -p tsconfig.json --noEmit
npx biome check .
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
npx vitest run --project unit --reporter=default --reporter=json --outputFile="$results/unit.json" "$@" || status=$?
npx vitest run --project lab --reporter=default --reporter=json --outputFile="$results/lab.json" "$@" || status=$?
# One plain closing line over both projects; it also fails the run on tests that never ran.
node scripts/summarize-tests.mjs "$results/unit.json" "$results/lab.json" || status=1
exit "$status"
