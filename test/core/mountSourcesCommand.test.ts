import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mountSourcesCommand } from "../../src/core/hostCommands.js";
import { shellQuote } from "../../src/core/shellQuote.js";

// The check runs on a real sh over a config as renderLxcConfig writes it (fstab escapes included).
const dir = mkdtempSync(join(tmpdir(), "hostroot-mounts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, "real"));
mkdirSync(join(dir, "with space"));
symlinkSync("/", join(dir, "h"));

function check(...sources: string[]) {
  const config = join(dir, "config");
  const entries = sources.map((s) => `lxc.mount.entry = ${s} srv/x none bind,create=dir 0 0`);
  writeFileSync(config, ["lxc.uts.name = x", ...entries, ""].join("\n"));
  const r = spawnSync("sh", ["-c", shellQuote(mountSourcesCommand(config))], { encoding: "utf8" });
  return { status: r.status, stderr: r.stderr };
}

describe("mountSourcesCommand", () => {
  it("passes a config without mounts, and sources that are real directories (escapes decoded)", () => {
    expect(check().status).toBe(0);
    expect(check(join(dir, "real"), join(dir, "with\\040space")).status).toBe(0);
  });

  it("refuses a source that goes through a symlink, even one planted below a real source", () => {
    const r = check(join(dir, "real"), join(dir, "h", "etc"));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /refusing mount source .*\/h\/etc: it goes through a symlink \(resolves to \/etc\)/,
    );
  });

  it("refuses a source that does not exist", () => {
    expect(check(join(dir, "missing")).stderr).toMatch(/does not exist on this host/);
  });
});
