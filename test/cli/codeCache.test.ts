import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./runCli.js";

// The CLI as users run it: bin/hostroot.js loads the bundle build/cli/hostroot.cjs with the V8
// code cache `npm run build` wrote beside it (bin/loadCli.js).
const BUNDLE = path.join(ROOT, "build/cli/hostroot.cjs");
const work = mkdtempSync(path.join(tmpdir(), "hostroot-cache-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const node = (args: string[], cwd = ROOT) =>
  spawnSync(process.execPath, args, {
    cwd,
    encoding: "utf8",
    timeout: 30_000,
    env: { PATH: process.env.PATH },
  });

/** A copy of bin/ and build/cli/ in a directory of its own, to break on purpose. */
function copyOfTheCli(name: string): string {
  const dir = path.join(work, name);
  cpSync(path.join(ROOT, "bin"), path.join(dir, "bin"), { recursive: true });
  cpSync(path.join(ROOT, "build/cli"), path.join(dir, "build/cli"), { recursive: true });
  return dir;
}

const VERSION = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version as string;

describe("the CLI bundle and its code cache", () => {
  it("the build writes both, and the cache is accepted by this Node", () => {
    expect(existsSync(BUNDLE), "run `npm run build` first").toBe(true);
    expect(existsSync(`${BUNDLE}.cache`)).toBe(true);
    const run = node([
      "--input-type=module",
      "-e",
      'const { loadCli } = await import("./bin/loadCli.js"); console.log(loadCli().cached);',
    ]);
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("true");
  });

  it("a bundle changed after the build runs as changed: the old cache is not used, even at the same length", () => {
    const dir = copyOfTheCli("edited");
    const bundle = path.join(dir, "build/cli/hostroot.cjs");
    const source = readFileSync(bundle, "utf8");
    const other = VERSION.replace(/\d/g, "9");
    expect(other).toHaveLength(VERSION.length);
    // V8 itself checks only the source's length: an edit of the same length would run the code
    // compiled from the old text.
    writeFileSync(bundle, source.replace(`.version("${VERSION}")`, `.version("${other}")`));
    expect(readFileSync(bundle, "utf8")).toHaveLength(source.length);
    const run = node([path.join(dir, "bin/hostroot.js"), "--version"], work);
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe(other);
  });

  it("a damaged or missing cache only costs speed: the CLI still works", () => {
    const dir = copyOfTheCli("damaged");
    const cache = path.join(dir, "build/cli/hostroot.cjs.cache");
    const bytes = readFileSync(cache);
    // Keep the bundle's hash (the first 32 bytes), garble V8's data: V8 rejects it.
    for (let i = 40; i < bytes.length; i += 97) bytes[i] = (bytes[i] ?? 0) ^ 0xff;
    writeFileSync(cache, bytes);
    const damaged = node([path.join(dir, "bin/hostroot.js"), "--version"], work);
    expect(damaged.stderr).toBe("");
    expect(damaged.stdout.trim()).toBe(VERSION);

    rmSync(cache);
    const missing = node([path.join(dir, "bin/hostroot.js"), "validate", "--config", "none.yml"], work);
    expect(missing.status).toBe(2);
    expect(missing.stdout + missing.stderr).toContain("none.yml");
  });
});
