import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./runCli.js";

// SLOW (about 15 s, needs npm's cache or the registry): the package as npm publishes it, installed
// globally into a temporary prefix, runs outside the checkout.
const work = mkdtempSync(join(tmpdir(), "hostroot-pack-"));
afterAll(() => rmSync(work, { recursive: true, force: true }), 60_000);

const npm = (args: string[], cwd: string) =>
  execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });

describe("npm pack (slow: packs and installs the package)", () => {
  it("installs globally and its hostroot bin validates a repository outside the checkout", {
    timeout: 180_000,
  }, () => {
    expect(existsSync(join(ROOT, "build/cli/hostroot.cjs")), "run `npm run build` first").toBe(true);
    // The build is already there (`prepare` makes it on npm ci); packing does not rebuild.
    const tgz = npm(["pack", "--ignore-scripts", "--pack-destination", work, "--silent"], ROOT).trim();
    const prefix = join(work, "prefix");
    npm(
      [
        "install",
        "-g",
        "--prefix",
        prefix,
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        join(work, tgz),
      ],
      work,
    );
    const bin = join(prefix, "bin", "hostroot");
    const installed = join(prefix, "lib", "node_modules", "hostroot");
    // Only what the package lists ships: no sources, tests or lab state.
    expect(existsSync(join(installed, "build/cli/hostroot.cjs"))).toBe(true);
    expect(existsSync(join(installed, "build/cli/hostroot.cjs.cache"))).toBe(true);
    expect(existsSync(join(installed, "src"))).toBe(false);
    expect(existsSync(join(installed, "test"))).toBe(false);

    // A repository of its own, far from the checkout and its node_modules.
    const repo = join(work, "repo");
    mkdirSync(join(repo, ".github"), { recursive: true });
    const config = readFileSync(join(ROOT, "examples/hostroot.yml"), "utf8").replace(
      "definitionsPath: examples/containers",
      "definitionsPath: containers",
    );
    writeFileSync(join(repo, ".github/hostroot.yml"), config);
    cpSync(join(ROOT, "examples/containers"), join(repo, "containers"), { recursive: true });
    const env = { PATH: `${join(prefix, "bin")}:${process.env.PATH ?? "/usr/bin:/bin"}`, HOME: work };
    const run = (...args: string[]) =>
      spawnSync(bin, args, { cwd: repo, env, encoding: "utf8", timeout: 30_000 });

    const version = run("--version");
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);

    const valid = run("validate");
    expect(valid.stderr).toBe("");
    expect(valid.stdout).toBe("4 files checked: no problems.\n");
    expect(valid.status).toBe(0);

    writeFileSync(
      join(repo, "containers/typo.yml"),
      "apiVersion: hostroot/v1\nname: typo\nplatform: debian-12\nreplica: 2\n",
    );
    const broken = run("validate");
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(
      /^containers\/typo\.yml:4:1 {2}error {2}unknown key 'replica'; did you mean 'replicas'\? {2}schema\/unknown-key$/m,
    );
  });
});
