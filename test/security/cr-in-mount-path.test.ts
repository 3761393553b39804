import { rmSync } from "node:fs";
import { afterAll, expect, it } from "vitest";
import { makeRepo, runCli } from "../cli/runCli.js";

/**
 * Attack: a carriage return (or NUL, or another control character) in a mount path, aiming at
 * the `lxc.mount.entry` line the path is written into. The renderer refuses to write it, but
 * `hostroot validate` passed it: a green check for a definition every deploy then fails on. Now
 * validation refuses it at the path.
 */
const repo = makeRepo(
  {
    "containers/billing-api.yml": `apiVersion: hostroot/v1
name: billing-api
platform: debian-12
mounts:
  - { source: "/srv/billing\\rlxc.apparmor.profile = unconfined", target: /srv/billing }
  - { source: /srv/data, target: "/srv/da\\0ta" }
`,
  },
  { definitionsPath: "containers" },
);
afterAll(() => rmSync(repo, { recursive: true, force: true }));

it("refuses control characters in mount paths, each at file:line:col", async () => {
  const run = await runCli(["validate"], { cwd: repo });
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(
    /^containers\/billing-api\.yml:5:15 {2}error {2}mount source '\/srv\/billing\\u000dlxc\.apparmor\.profile = unconfined' has a control character.* {2}path\/control-character$/m,
  );
  expect(run.stdout).toMatch(
    /^containers\/billing-api\.yml:6:34 {2}error {2}mount target '\/srv\/da\\u0000ta' has a control character.* {2}path\/control-character$/m,
  );
});
