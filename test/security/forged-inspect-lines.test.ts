import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { INSIDE_LINE_BYTES, inspectFunctions, parseInspectMarkers } from "../../src/core/containerInspect.js";
import { parseUpgradeReport } from "../../src/core/parseUpgradeReport.js";

// Attack: a container owns what the host reads of it — its dpkg database (its delta can replace
// /var/lib/dpkg/status), its processes' names, how many processes it runs — so what its report
// says is the container's choice: control characters that rewrite a terminal line or hide text,
// a version megabytes long, a name with escape sequences, hundreds of processes whose mappings
// cannot be read. The host's hostroot_inspect_all (run here for real: the host's perl over a
// stand-in /proc, with a stand-in for lxc-ls) must strip, cap and mark all of it, and a marked
// report must fail the host.

const dir = mkdtempSync(join(tmpdir(), "hostroot-forged-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const status = [
  "Package: demo-libfoo",
  "Status: install ok installed",
  "Version: 1.1\r::hostroot-state web-b RUNNING",
  "",
  "Package: demo-libbar",
  "Status: install ok installed",
  `Version: ${"9".repeat(5000)}`,
  "",
].join("\n");

function runInspect(): string {
  const proc = join(dir, "proc");
  const root = join(dir, "rootfs");
  mkdirSync(join(root, "var/lib/dpkg"), { recursive: true });
  writeFileSync(join(root, "var/lib/dpkg/status"), status);
  // The container's init (PID 1 of its namespace) and 400 more processes, none of whose
  // mappings can be followed, each named with escape sequences.
  for (let pid = 1000; pid <= 1400; pid++) {
    const p = join(proc, String(pid));
    mkdirSync(join(p, "ns"), { recursive: true });
    mkdirSync(join(p, "map_files"));
    symlinkSync("pid:[4026999999]", join(p, "ns/pid"));
    symlinkSync(join(dir, "gone"), join(p, "map_files/7f00-7f01"));
    writeFileSync(join(p, "comm"), "\u001b[2K\u001b[1Gsshd\n");
    writeFileSync(join(p, "status"), `Name:\tx\nNSpid:\t${pid}\t${pid - 999}\n`);
    if (pid === 1000) symlinkSync(root, join(p, "root"));
  }
  writeFileSync(join(dir, "lxc-ls"), '#!/bin/sh\necho "NAME  STATE  PID"\necho "web   RUNNING 1000"\n');
  chmodSync(join(dir, "lxc-ls"), 0o755);
  mkdirSync(join(dir, "lxc/web"), { recursive: true });
  writeFileSync(join(dir, "lxc/web/hostroot.json"), "{}");
  const script = `${inspectFunctions(join(dir, "lxc"), ["demo-libfoo", "demo-libbar"])}\nhostroot_names=$(hostroot_containers)\nhostroot_inspect_all\n`;
  const r = spawnSync("sh", ["-c", script], {
    env: { PATH: `${dir}:/usr/bin:/bin`, LC_ALL: "C", HOSTROOT_PROC: proc },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe("attack: a container forges or floods its inside report", () => {
  const stdout = runInspect();
  const lines = stdout.split("\n").filter((l) => l !== "");

  it("every line is the host's: prefixed with the container's own name, no control characters, capped", () => {
    for (const l of lines) {
      expect(l).toMatch(/^::hostroot-(state|inside|inside-cut) web( |$)/);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
      expect(l).not.toMatch(/[\u0000-\u001f\u007f]/);
      expect(l.length).toBeLessThanOrEqual("::hostroot-inside web ".length + INSIDE_LINE_BYTES);
    }
    expect(lines.length).toBeLessThan(220);
  });

  it("the report is marked cut, hostile versions are no versions: the host fails", () => {
    const inside = parseInspectMarkers(stdout).inside.get("web");
    expect(inside?.cut).toBe(true);
    expect(inside?.complete).toBe(false);
    const ok = (id: string) => [`::hostroot-step ${id} begin -`, `::hostroot-step ${id} ok 0`];
    const out = [
      "::hostroot-container web",
      "::hostroot-pkg before demo-libfoo 1.0",
      ...["resolve", "apt-update", "apt-install"].flatMap(ok),
      "::hostroot-pkg after demo-libfoo 1.1",
      ...["host-root", "web.stop", "web.start"].flatMap(ok),
      stdout,
      "::hostroot-done",
    ].join("\n");
    const r = parseUpgradeReport({
      host: { name: "h1", platform: "debian-12" },
      packages: ["demo-libfoo"],
      dryRun: false,
      definitions: [],
      exec: { code: 0, stdout: out, durationMs: 1 },
      lockTimeoutSeconds: 60,
      timeoutSeconds: 60,
    });
    expect(r.outcome).toBe("failed");
    expect(r.error).toMatch(/^containers failed: web \(its report from inside was cut, /);
    // A version outside dpkg's alphabet (a smuggled marker, 5000 digits) is no version at all.
    expect(r.containers?.[0]?.sees).toEqual({ "demo-libfoo": "?", "demo-libbar": "?" });
    expect(r.error).toContain("sees demo-libfoo ?, the host has 1.1");
  });
});
