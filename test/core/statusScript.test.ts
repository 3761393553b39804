import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseStatusOutput } from "../../src/core/parseStatusOutput.js";
import { shellQuote } from "../../src/core/shellQuote.js";
import { renderStateFile } from "../../src/core/stateFile.js";
import { STALE_PLAN_EXIT, stateGuardStep, statusScript } from "../../src/core/statusScript.js";

// The status script runs on a real sh over a scratch lxcPath (no container runs: all STOPPED).
describe("statusScript + parseStatusOutput", () => {
  let lxcPath: string;
  const state = (name: string, hash = "a") =>
    renderStateFile({
      name,
      definitionHash: hash.repeat(64),
      commit: "c0ffee",
      deployedAt: "2024-01-01T00:00:00Z",
      replica: 0,
      owner: { id: "github:1296269", name: "Codertocat/Hello-World" },
    });
  const observe = (packages: string[] = []) =>
    parseStatusOutput("h1", execFileSync("sh", ["-c", statusScript(lxcPath, packages)]).toString());

  beforeEach(() => {
    lxcPath = mkdtempSync(join(tmpdir(), "hostroot-status-"));
  });
  afterEach(() => rmSync(lxcPath, { recursive: true, force: true }));

  it("reports every state file, containers without one, and unreadable ones as warnings", () => {
    for (const n of ["api", "web", "bad"]) mkdirSync(join(lxcPath, n));
    writeFileSync(join(lxcPath, "api", "hostroot.json"), state("api"));
    writeFileSync(join(lxcPath, "web", "config"), "lxc.uts.name = web\n");
    writeFileSync(join(lxcPath, "bad", "hostroot.json"), "{not json");
    const s = observe();
    expect(s.complete).toBe(true);
    expect(s.hostRootMounted).toBe(false);
    expect(s.observation.containers.map((c) => [c.name, c.running, c.commit])).toEqual([
      ["api", false, "c0ffee"],
    ]);
    expect(s.containers).toEqual([
      { name: "api", state: "stopped", commit: "c0ffee", owner: "Codertocat/Hello-World" },
    ]);
    expect(s.observation.unmanaged).toEqual(["web"]);
    expect(s.warnings.join("\n")).toMatch(/bad\/hostroot.json is unreadable/);
    expect(s.warnings.join("\n")).toMatch(/web has an LXC config but no hostroot state file/);
  });

  it("reads host package versions and marks missing packages as not installed", () => {
    const s = observe(["dpkg", "hostroot-no-such-package"]);
    expect(s.packages[0]?.name).toBe("dpkg");
    expect(s.packages[0]?.after).toMatch(/^[0-9]/);
    expect(s.packages[1]).toEqual({ name: "hostroot-no-such-package" });
  });

  it("refuses package names that are not Debian's, before any script exists", () => {
    expect(() => statusScript(lxcPath, ["libc6; rm -rf /"])).toThrow(/not a Debian package name/);
  });

  it("the guard passes while the state files are as observed, and fails once one changes", () => {
    mkdirSync(join(lxcPath, "api"));
    writeFileSync(join(lxcPath, "api", "hostroot.json"), state("api"));
    const { digest } = observe();
    const guard = (d: string) => spawnSync("sh", ["-c", shellQuote(stateGuardStep(lxcPath, d).argv)]).status;
    expect(guard(digest)).toBe(0);
    writeFileSync(join(lxcPath, "api", "hostroot.json"), state("api", "b"));
    expect(guard(digest)).toBe(STALE_PLAN_EXIT);
    expect(observe().digest).not.toBe(digest);
  });

  it("ignores lines that are not its markers (a login banner) and notices a cut-off report", () => {
    const s = parseStatusOutput("h1", "Welcome!\n::hostroot-status root mounted\n");
    expect(s.hostRootMounted).toBe(true);
    expect(s.complete).toBe(false);
  });

  it("refuses a report whose records are not the script's own: repeated, out of order, malformed or too long", () => {
    const head = ["::hostroot-status root mounted", `::hostroot-status digest ${"a".repeat(64)}`];
    const parse = (lines: string[]) => parseStatusOutput("h1", `${lines.join("\n")}\n`);
    expect(parse([...head, "::hostroot-status done"]).complete).toBe(true);
    const twice = parse([...head, `::hostroot-status digest ${"0".repeat(64)}`, "::hostroot-status done"]);
    expect(twice.complete).toBe(false);
    expect(twice.malformed).toMatch(/does not read as the status script's/);
    expect(twice.digest).toBe("a".repeat(64));
    expect(parse([...head, "::hostroot-status done", "::hostroot-status unmanaged x"]).complete).toBe(false);
    expect(
      parse([...head, "::hostroot-status sees nobody dpkg 1.0", "::hostroot-status done"]).complete,
    ).toBe(false);
    expect(
      parse([...head, "::hostroot-status package dpkg 1.0 extra", "::hostroot-status done"]).complete,
    ).toBe(false);
    expect(
      parse([...head, `::hostroot-status unmanaged ${"x".repeat(100_000)}`, "::hostroot-status done"])
        .complete,
    ).toBe(false);
  });

  it("reports a dir whose name is not a container name without printing it", () => {
    mkdirSync(join(lxcPath, "Bad Name"));
    writeFileSync(join(lxcPath, "Bad Name", "config"), "x\n");
    const s = observe();
    expect(s.complete).toBe(true);
    expect(s.warnings.join("\n")).toMatch(/1 dir\(s\) in the lxcPath are not container names/);
  });

  it("a container hostroot is creating right now is not taken for one it did not create", () => {
    mkdirSync(join(lxcPath, "twin"));
    writeFileSync(join(lxcPath, "twin", "config"), "lxc.uts.name = twin\n");
    writeFileSync(join(lxcPath, "twin", "hostroot.creating"), "");
    const s = observe();
    expect(s.complete).toBe(true);
    expect(s.observation.unmanaged).toBeUndefined();
    expect(s.warnings.join("\n")).toMatch(/twin is being created/);
  });
});
