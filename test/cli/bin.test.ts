import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "./runCli.js";

it("bin/hostroot.js runs the bundled CLI: output on stdout, exit code passed through, no colour in a pipe", () => {
  expect(existsSync(path.join(ROOT, "build/cli/hostroot.cjs")), "run `npm run build` first").toBe(true);
  // FORCE_COLOR would make Node colour a pipe; the CLI itself must still see it is not a terminal.
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "1" };
  delete env.NO_COLOR;
  delete env.HOSTROOT_CONFIG;
  const run = spawnSync(
    process.execPath,
    ["bin/hostroot.js", "validate", "--config", "examples/hostroot.yml", "examples/broken"],
    { cwd: ROOT, env, encoding: "utf8", timeout: 15_000 },
  );
  expect(run.status).toBe(1);
  expect(run.stdout).toMatch(/^examples\/broken\/typos\.yml:4:1 {2}error {2}unknown key 'replica'/m);
  expect(run.stdout).not.toContain("\x1b[");
  expect(run.stderr).toBe("");
});
