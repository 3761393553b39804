#!/usr/bin/env bash
# The whole test suite from a fresh clone: install, build, type-check, lint, unit tests, then the
# lab tests (real sshd, LXC and apt in namespace hosts; they need root and skip with a reason otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npm run build
npx tsc -p tsconfig.json --noEmit
npx biome check .
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
npx vitest run --project unit --reporter=default --reporter=json --outputFile="$results/unit.json" "$@" || status=$?
npx vitest run --project lab --reporter=default --reporter=json --outputFile="$results/lab.json" "$@" || status=$?
# One plain closing line over both projects, for readers that do not know vitest's summary.
node -e '
  const fs = require("node:fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of process.argv.slice(1)) {
    if (!fs.existsSync(f)) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results/unit.json" "$results/lab.json"
exit "$status"
