import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { REPO_ROOT } from "./actionHarness.js";

// The Action runs the committed dist/ as it is: a source change without `npm run bundle` would
// ship the old code. Bundling again must give the same bytes (the bundle has no timestamps).
it("dist/ is the bundle of the current sources (run `npm run bundle` after a change)", () => {
  const out = mkdtempSync(path.join(tmpdir(), "hostroot-dist-"));
  try {
    execFileSync(process.execPath, [path.join(REPO_ROOT, "scripts/bundle-action.mjs"), "--outdir", out], {
      cwd: REPO_ROOT,
      stdio: "pipe",
    });
    const committed = readdirSync(path.join(REPO_ROOT, "dist")).sort();
    expect(readdirSync(out).sort()).toEqual(committed);
    expect(committed).toContain("index.js");
    for (const file of committed) {
      const fresh = readFileSync(path.join(out, file));
      const same = fresh.equals(readFileSync(path.join(REPO_ROOT, "dist", file)));
      expect(same, `dist/${file} differs from a fresh bundle`).toBe(true);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 60_000);
