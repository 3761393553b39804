import { rmSync } from "node:fs";
import { afterAll, expect, it } from "vitest";
import { makeRepo, runCli } from "../cli/runCli.js";

/**
 * Attack: a container named `host`. On every host `<lxcPath>/host` holds the bind of the host's
 * own root, the lower layer of every container; a container there would share its directory, and
 * destroying it would remove the host's root. The script builders refuse the name, but
 * `hostroot validate` passed it, so the pull request went green and the deploy failed after the
 * merge. Now validation refuses it.
 */
const repo = makeRepo(
  {
    "containers/host.yml": "apiVersion: hostroot/v1\nname: host\nplatform: debian-12\n",
  },
  { definitionsPath: "containers" },
);
afterAll(() => rmSync(repo, { recursive: true, force: true }));

it("refuses the name the host layout reserves, before the merge", async () => {
  const run = await runCli(["validate"], { cwd: repo });
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(
    /^containers\/host\.yml:2:7 {2}error {2}name 'host' is reserved: .* {2}name\/reserved$/m,
  );
  // render, like plan and deploy, stops at the same finding instead of failing inside a builder.
  const render = await runCli(["render", "host"], { cwd: repo });
  expect(render.code).toBe(1);
});
