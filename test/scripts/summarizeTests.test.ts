import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The shapes vitest's JSON reporter writes: a throwing beforeAll leaves its file "failed" with every
// test "skipped"; an import error leaves a failed file with no tests at all.
const dir = mkdtempSync(join(tmpdir(), "hostroot-summary-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Test = { fullName: string; status: string };
function report(name: string, files: { name: string; status: string; message?: string; tests: Test[] }[]) {
  const path = join(dir, `${name}.json`);
  const testResults = files.map((f) => ({
    name: f.name,
    status: f.status,
    message: f.message ?? "",
    assertionResults: f.tests,
  }));
  writeFileSync(path, JSON.stringify({ testResults }));
  return path;
}
function summarize(files: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["scripts/summarize-tests.mjs", ...files], {
    encoding: "utf8",
    env: { ...process.env, HOSTROOT_REQUIRE_LAB: "", ...env },
  });
  const lines = r.stdout.trim().split("\n");
  return { code: r.status, last: lines.at(-1), out: r.stdout };
}

const green = report("green", [
  {
    name: "a.test.ts",
    status: "passed",
    tests: [
      { fullName: "a 1", status: "passed" },
      { fullName: "a 2", status: "passed" },
    ],
  },
  {
    name: "b.test.ts",
    status: "passed",
    tests: [{ fullName: "b skipped when not root", status: "skipped" }],
  },
]);

describe("the closing test summary", () => {
  it("counts passes and plain skips, and exits 0", () => {
    expect(summarize([green])).toMatchObject({ code: 0, last: "2 passed, 0 failed, 1 skipped" });
  });

  it("counts the tests of a file whose beforeAll threw as failed, not skipped", () => {
    const hook = report("hook", [
      {
        name: "lab.test.ts",
        status: "failed",
        tests: [
          { fullName: "x a", status: "skipped" },
          { fullName: "x b", status: "skipped" },
        ],
      },
    ]);
    const r = summarize([green, hook]);
    expect(r).toMatchObject({ code: 1, last: "2 passed, 2 failed, 1 skipped" });
    expect(r.out).toContain("lab.test.ts: 2 test(s) never ran");
  });

  it("counts a file that failed to load, and a project that wrote no report, as failures", () => {
    const broken = report("broken", [
      { name: "c.test.ts", status: "failed", message: "SyntaxError: x", tests: [] },
    ]);
    const r = summarize([green, broken, join(dir, "missing.json")]);
    expect(r).toMatchObject({ code: 1, last: "2 passed, 2 failed, 1 skipped" });
    expect(r.out).toContain("c.test.ts: failed before any test ran: SyntaxError: x");
  });

  it("with HOSTROOT_REQUIRE_LAB=1, a skipped test fails the run and is named", () => {
    const r = summarize([green], { HOSTROOT_REQUIRE_LAB: "1" });
    expect(r).toMatchObject({ code: 1, last: "2 passed, 1 failed, 0 skipped" });
    expect(r.out).toContain("b.test.ts > b skipped when not root");
  });
});
