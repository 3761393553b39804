import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { INSIDE_LINE_BYTES, inspectFunctions, parseInspectMarkers } from "../../src/core/containerInspect.js";
import { parseUpgradeReport } from "../../src/core/parseUpgradeReport.js";

// Attack: a container owns its /bin/sh (its delta can replace it), so what the inside report
// prints is the container's choice: control characters that rewrite a terminal line or hide
// text, a line megabytes long, thousands of lines, and lines after its `end` claiming another
// version. The host's hostroot_inspect (run here for real, with stand-ins for lxc-ls and
// lxc-attach) must strip, cap and mark all of it, and a marked report must fail the host.

const dir = mkdtempSync(join(tmpdir(), "hostroot-forged-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hostile = [
  "sees demo-libfoo 1.1\r::hostroot-state web-b RUNNING",
  "\u001b[2K\u001b[1Gsees demo-libfoo 1.1",
  "stale 0",
  "unknown 0",
  "end",
  "sees demo-libfoo 1.1",
  `sees demo-libfoo ${"9".repeat(5000)}`,
  ...Array.from({ length: 400 }, (_, i) => `filler ${i}`),
].join("\n");

function runInspect(): string {
  writeFileSync(join(dir, "report"), `${hostile}\n`);
  writeFileSync(join(dir, "lxc-ls"), '#!/bin/sh\necho "NAME  STATE"\necho "web   RUNNING"\n');
  writeFileSync(join(dir, "lxc-attach"), `#!/bin/sh\ncat ${JSON.stringify(join(dir, "report"))}\n`);
  chmodSync(join(dir, "lxc-ls"), 0o755);
  chmodSync(join(dir, "lxc-attach"), 0o755);
  const script = `${inspectFunctions("/var/lib/lxc", ["demo-libfoo"])}\nhostroot_inspect web\n`;
  const r = spawnSync("sh", ["-c", script], {
    env: { PATH: `${dir}:/usr/bin:/bin`, LC_ALL: "C" },
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

  it("the report is marked cut and believed only up to its end: the host fails", () => {
    const inside = parseInspectMarkers(stdout).inside.get("web");
    expect(inside?.cut).toBe(true);
    expect(inside?.complete).toBe(false);
    const ok = (id: string) => [`::hostroot-step ${id} begin -`, `::hostroot-step ${id} ok 0`];
    const out = [
      "::hostroot-container web",
      "::hostroot-pkg before demo-libfoo 1.0",
      ...["resolve", "apt-update", "apt-simulate", "apt-install"].flatMap(ok),
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
    // Nothing after its `end` was believed, and the smuggled lines matched no field.
    expect(r.containers?.[0]?.sees).toEqual({});
  });
});
