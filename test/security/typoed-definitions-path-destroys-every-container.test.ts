import { copyFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { makeRepo, ROOT, runCli } from "../cli/runCli.js";

/**
 * Attack (or accident): a config whose definitionsPath names no directory — a typo, or a change
 * slipped into the ops config. Validation used to find zero definitions and call that "no
 * problems", and a plan against the hosts then read the empty set as "every container was
 * removed": a destroy, deleting its delta, for each one. Now the missing directory is an error
 * (exit 2) and nothing is planned or deployed.
 */
const repo = makeRepo(
  { "containers/billing-api.yml": "apiVersion: hostroot/v1\nname: billing-api\nplatform: debian-12\n" },
  { definitionsPath: "contianers" },
);
copyFileSync(path.join(ROOT, "examples/observed.json"), path.join(repo, "observed.json"));
afterAll(() => rmSync(repo, { recursive: true, force: true }));

it("plans nothing, and destroys nothing, when the definitions directory does not exist", async () => {
  const plan = await runCli(["plan", "--observed", "observed.json"], { cwd: repo });
  expect(plan.stdout).not.toContain("destroy");
  expect(plan.code).toBe(2);
  expect(plan.stderr).toMatch(/policy\.definitionsPath 'contianers' does not exist .* {2}source\/missing$/m);
  expect(plan.stderr).toContain("No plan: fix the errors above first.");
});
