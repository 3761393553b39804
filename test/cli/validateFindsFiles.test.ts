import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeRepo, ROOT } from "./runCli.js";

/**
 * `hostroot validate` as a user runs it: the built CLI in a child process, in a repository of its
 * own. A green run must mean files were found and checked: a typo'd path, a missing
 * definitionsPath, a run from a subdirectory or a symlink must not turn a required check green.
 */
const BIN = path.join(ROOT, "bin/hostroot.js");
const DEF = (name: string) => `apiVersion: hostroot/v1\nname: ${name}\nplatform: debian-12\n`;
/** A definition with an error (a mount source outside the policy's /srv). */
const BAD = `${DEF("billing-api")}mounts:\n  - { source: /data/billing, target: /srv/billing }\n`;

function hostroot(cwd: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.HOSTROOT_CONFIG;
  const run = spawnSync(process.execPath, [BIN, "validate", ...args], {
    cwd,
    env,
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

let repos: string[] = [];
const repo = (files: Record<string, string>, options?: { definitionsPath?: string }) => {
  const dir = makeRepo(files, options);
  repos.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of repos) rmSync(dir, { recursive: true, force: true });
  repos = [];
});

describe("hostroot validate finds what it checks", () => {
  it("exits 2 on a path that does not exist, instead of 'no problems'", () => {
    const dir = repo({ "containers/billing-api.yml": DEF("billing-api") }, { definitionsPath: "containers" });
    const run = hostroot(dir, "containres");
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("containres:1:1  error  path not found: containres  source/missing");
    expect(run.stdout).not.toContain("no problems");
  });

  it("exits 2 when the policy's definitionsPath does not exist, pointing at the config line", () => {
    const dir = repo({ "containers/billing-api.yml": DEF("billing-api") }, { definitionsPath: "contianers" });
    const run = hostroot(dir);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(
      /^\.github\/hostroot\.yml:\d+:\d+ {2}error {2}policy\.definitionsPath 'contianers' does not exist .* {2}source\/missing$/m,
    );
  });

  it("reads definitionsPath from the repository root when run from a subdirectory", () => {
    const dir = repo(
      { "containers/billing-api.yml": BAD, "docs/notes.txt": "" },
      { definitionsPath: "containers" },
    );
    execFileSync("git", ["init", "-q"], { cwd: dir });
    const top = hostroot(dir);
    const sub = hostroot(path.join(dir, "docs"));
    expect(top.code).toBe(1);
    expect(top.stdout).toMatch(
      /^containers\/billing-api\.yml:5:15 {2}error .* {2}mount\/source-not-allowed$/m,
    );
    // Same finding and exit code; the path is shown from where the user is, so a terminal opens it.
    expect(sub.code).toBe(1);
    expect(sub.stdout).toMatch(
      /^\.\.\/containers\/billing-api\.yml:5:15 {2}error .* {2}mount\/source-not-allowed$/m,
    );
    expect(sub.stdout.split("\n").at(-2)).toBe(top.stdout.split("\n").at(-2));
  });

  it("resolves definitionsPath from the top of the config's repository, or from here for a config git ignores", () => {
    const dir = repo({
      ".gitignore": "scratch/\n",
      "ops/hostroot.yml": readFileSync(path.join(ROOT, "examples/hostroot.yml"), "utf8").replace(
        "definitionsPath: examples/containers",
        "definitionsPath: ops/containers",
      ),
      "ops/containers/billing-api.yml": BAD,
      "scratch/hostroot.yml": readFileSync(path.join(ROOT, "examples/hostroot.yml"), "utf8").replace(
        "definitionsPath: examples/containers",
        "definitionsPath: containers",
      ),
      "scratch/containers/ledger.yml": DEF("ledger"),
    });
    execFileSync("git", ["init", "-q"], { cwd: dir });
    // A config in the repository: its definitionsPath is from the top, wherever the command runs.
    const tracked = hostroot(path.join(dir, "ops"), "--config", "hostroot.yml");
    expect(tracked.code).toBe(1);
    expect(tracked.stdout).toMatch(
      /^containers\/billing-api\.yml:5:15 {2}error .* {2}mount\/source-not-allowed$/m,
    );
    // A scratch config git ignores (like a generated lab config) belongs to no repository: from here.
    const scratch = hostroot(path.join(dir, "scratch"), "--config", "hostroot.yml");
    expect(scratch).toMatchObject({ code: 0, stdout: "2 files checked: no problems.\n" });
  });

  it("refuses a symlinked definition (exit 1) and a symlinked definitionsPath (exit 2)", () => {
    const dir = repo(
      { "containers/billing-api.yml": DEF("billing-api"), "elsewhere/ledger.yml": DEF("ledger") },
      { definitionsPath: "containers" },
    );
    symlinkSync("../elsewhere/ledger.yml", path.join(dir, "containers/ledger.yml"));
    const linkedFile = hostroot(dir);
    expect(linkedFile.code).toBe(1);
    expect(linkedFile.stdout).toContain(
      "containers/ledger.yml:1:1  error  containers/ledger.yml is a symlink;",
    );
    expect(linkedFile.stdout).toMatch(/source\/symlink$/m);

    rmSync(path.join(dir, "containers/ledger.yml"));
    renameSync(path.join(dir, "containers"), path.join(dir, "real-containers"));
    symlinkSync("real-containers", path.join(dir, "containers"));
    const linkedDir = hostroot(dir);
    expect(linkedDir.code).toBe(2);
    expect(linkedDir.stdout).toMatch(
      /policy\.definitionsPath 'containers': 'containers' is a symlink; .* {2}source\/symlink$/m,
    );
  });

  it("says so when the definitions directory holds no definitions, without an error", () => {
    const dir = repo({ "containers/README.md": "Definitions go here.\n" }, { definitionsPath: "containers" });
    const run = hostroot(dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /holds no definition files \(\*\.yml, \*\.yaml\): nothing was validated {2}source\/empty$/m,
    );
    expect(run.stdout).toMatch(/^1 file checked: 0 errors, 1 warning\.$/m);
  });

  it("counts the same files in text, JSON and JUnit, with each file's failures in its own test case", () => {
    const dir = repo(
      {
        "containers/billing-api.yml": BAD,
        "containers/ledger.yml": DEF("ledger"),
        "containers/typo.yml": `${DEF("typo")}replica: 2\n`,
      },
      { definitionsPath: "containers" },
    );
    mkdirSync(path.join(dir, "more"));
    writeFileSync(path.join(dir, "more/x.yml"), DEF("x"));
    for (const args of [[], ["containers", "nope", "more"]]) {
      const text = hostroot(dir, ...args);
      const json = JSON.parse(hostroot(dir, ...args, "--format", "json").stdout) as {
        checked: number;
        files: string[];
        diagnostics: Array<{ file: string; severity: string }>;
      };
      const junit = hostroot(dir, ...args, "--format", "junit").stdout;
      const n = Number(/^(\d+) files? checked/m.exec(text.stdout)?.[1]);
      expect(json.checked, args.join(" ")).toBe(n);
      expect(json.files).toHaveLength(n);
      expect(junit).toContain(`<testsuite name="hostroot validate" tests="${n}"`);
      const cases = [
        ...junit.matchAll(
          /<testcase classname="hostroot.validate" name="([^"]*)"(\/>|>([\s\S]*?)<\/testcase>)/g,
        ),
      ];
      expect(cases.map((c) => c[1])).toEqual(json.files);
      for (const c of cases) {
        const errors = json.diagnostics.filter((d) => d.file === c[1] && d.severity === "error").length;
        expect((c[3] ?? "").split("<failure ").length - 1, `${c[1]}`).toBe(errors);
      }
    }
  });
});
