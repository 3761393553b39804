import { rmSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  annotations,
  DEFS,
  examplePayload,
  makeWorkspace,
  runBundled,
  runnerEnv,
  type Workspace,
} from "./actionHarness.js";

// The committed dist/index.js, as a runner starts it. A required `hostroot / validate` check must
// not turn green for a run that found nothing to check.
const opened = () => examplePayload("pull_request", (p) => p.action === "opened");

let ws: Workspace | undefined;
afterEach(() => ws?.cleanup());

describe("the Action when there is nothing to validate", () => {
  it("fails when the policy's definitionsPath does not exist, annotating the config line", () => {
    ws = makeWorkspace();
    rmSync(path.join(ws.dir, DEFS), { recursive: true });
    const runner = runnerEnv(ws, "pull_request", opened());
    const run = runBundled(runner);

    expect(run.code).toBe(1);
    expect(runner.outputs()).toMatchObject({ outcome: "failure", "error-count": "1" });
    expect(annotations(run.stdout)).toContainEqual(
      expect.objectContaining({ level: "error", file: ".github/hostroot.yml", line: expect.any(Number) }),
    );
    expect(run.stdout).toContain("source/missing");
    expect(run.stdout).toMatch(/^::error::the definitions to check are missing or a symlink/m);
    const summary = runner.summary();
    expect(summary).not.toContain("valid");
    expect(summary).toContain("1 file checked.");
  });

  it("fails too when the default branch is fetched and the pull request removes the directory", () => {
    ws = makeWorkspace();
    ws.commitAsDefaultBranch();
    rmSync(path.join(ws.dir, DEFS), { recursive: true });
    const runner = runnerEnv(ws, "pull_request", opened());
    const run = runBundled(runner);

    expect(run.code).toBe(1);
    expect(runner.outputs()).toMatchObject({ outcome: "failure", plan: "" });
    expect(run.stdout).toContain("source/missing");
    expect(runner.summary()).not.toMatch(/✅/);
  });

  it("heads the summary 'No definitions checked' when the directory holds none", () => {
    ws = makeWorkspace();
    rmSync(path.join(ws.dir, DEFS), { recursive: true });
    ws.write(`${DEFS}/README.md`, "No containers yet.\n");
    const runner = runnerEnv(ws, "pull_request", opened());
    const run = runBundled(runner);

    expect(run.code).toBe(0);
    const summary = runner.summary();
    expect(summary).toMatch(/^### ⚠️ No definitions checked$/m);
    expect(summary).not.toMatch(/✅/);
    expect(summary).toContain("source/empty");
  });

  it("counts the files it checked as the CLI does: the config and each definition", () => {
    ws = makeWorkspace();
    const runner = runnerEnv(ws, "pull_request", opened());
    expect(runBundled(runner).code).toBe(0);
    expect(runner.summary()).toContain("### ✅ 4 files valid");
  });
});
