import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { affectedScript, parseAffectedReport } from "../../src/core/affectedScript.js";

const root = process.getuid?.() === 0;
const lxc = mkdtempSync(join(tmpdir(), "hostroot-affected-"));
afterAll(() => rmSync(lxc, { recursive: true, force: true }));

/** A container dir as a deploy leaves it: state file and delta. */
function container(name: string, files: Record<string, "file" | "whiteout" | "dir">): void {
  mkdirSync(join(lxc, name, "delta0"), { recursive: true });
  writeFileSync(
    join(lxc, name, "hostroot.json"),
    `{"name":"${name}","definitionHash":"${"b".repeat(64)}","commit":"c1","deployedAt":"x","replica":0}\n`,
  );
  for (const [path, kind] of Object.entries(files)) {
    const p = join(lxc, name, "delta0", path);
    mkdirSync(kind === "dir" ? p : join(p, ".."), { recursive: true });
    if (kind === "file") writeFileSync(p, "own copy\n");
    if (kind === "whiteout") spawnSync("mknod", [p, "c", "0", "0"]);
  }
}

// Runs the real script with this machine's sh and dpkg, over a scratch lxcPath (no container runs).
describe.skipIf(!root)("affectedScript on this machine's dpkg", () => {
  it("names the containers whose delta shadows a file of the package, and how", () => {
    container("clean", { "/usr/share": "dir", "/etc/app.conf": "file" });
    container("own-copy", { "/usr/bin/dpkg": "file" });
    container("deleted", { "/usr/bin/dpkg-deb": "whiteout" });
    container("not-a-label_", { "/usr/bin/dpkg": "file" });
    // Its own configuration is not a missed fix; its own dpkg database is.
    container("own-conf", { "/etc/dpkg/dpkg.cfg": "file" });
    container("own-db", { "/var/lib/dpkg/status": "file" });
    const run = spawnSync("sh", ["-c", affectedScript(["dpkg"], lxc)], { encoding: "utf8" });
    expect(run.status).toBe(0);
    const r = parseAffectedReport({
      host: { name: "h1", platform: "debian-12" },
      packages: ["dpkg"],
      exec: { code: run.status, stdout: run.stdout, durationMs: 1 },
      timeoutSeconds: 60,
    });
    expect(r.outcome).toBe("succeeded");
    expect(r.containers?.map((c) => [c.name, c.state, c.commit, c.shadowed])).toEqual([
      ["clean", "absent", "c1", []],
      ["deleted", "absent", "c1", ["dpkg"]],
      ["own-conf", "absent", "c1", []],
      ["own-copy", "absent", "c1", ["dpkg"]],
      ["own-db", "absent", "c1", ["dpkg"]],
    ]);
    expect(r.steps[0]?.output).toBe(
      [
        "deleted: dpkg: whiteout /usr/bin/dpkg-deb",
        "own-copy: dpkg: file /usr/bin/dpkg",
        "own-db: dpkg: file /var/lib/dpkg/status",
      ].join("\n"),
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
    const version = spawnSync("dpkg-query", ["-W", "-f=${Version}", "dpkg"], { encoding: "utf8" }).stdout;
    expect(r.packages).toEqual([{ name: "dpkg", before: version, after: version }]);
  });
});

describe("parseAffectedReport", () => {
  it("reports an unreachable host with no containers", () => {
    expect(
      parseAffectedReport({
        host: { name: "h2", platform: "p" },
        packages: ["x1"],
        unreachable: "h2: refused",
        timeoutSeconds: 1,
      }),
    ).toEqual({
      host: "h2",
      platform: "p",
      outcome: "unreachable",
      steps: [],
      error: "h2: refused",
    });
  });
  it("fails a host where a named package is not installed: no answer by pattern", () => {
    const stdout = ["::hostroot-pkg now openssl. -", "::hostroot-done"].join("\n");
    const r = parseAffectedReport({
      host: { name: "h1", platform: "p" },
      packages: ["openssl."],
      exec: { code: 0, stdout, durationMs: 1 },
      timeoutSeconds: 1,
    });
    expect([r.outcome, r.error]).toEqual(["failed", "not an installed package on this host: openssl."]);
  });
  it("refuses a package name that is not plain data", () => {
    expect(() => affectedScript(["x; rm -rf /"], "/var/lib/lxc")).toThrow(/bad package/);
  });
});
