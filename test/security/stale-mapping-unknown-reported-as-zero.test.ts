import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseAffectedReport } from "../../src/core/affectedScript.js";
import { INSIDE_SCRIPT } from "../../src/core/insideScript.js";
import { renderHostResult } from "../../src/core/markdown/renderHostResult.js";

// Attack (or plain misconfiguration): a container in which /proc/PID/map_files cannot be read,
// as in an unprivileged container (following those links needs CAP_SYS_ADMIN over the host's
// user namespace). Before, every read error was thrown away and the container reported
// `stale 0`: "runs no old code" while nothing had been checked. Here the real inside script
// runs on this machine as an unprivileged user, for whom exactly that is true.

const asRoot = process.getuid?.() === 0;

function insideReport(): string {
  // As root, drop to nobody; as another user, the reads fail the same way.
  const argv = asRoot
    ? [
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "sh",
        "-c",
        INSIDE_SCRIPT,
        "inspect",
        "libc6",
      ]
    : ["sh", "-c", INSIDE_SCRIPT, "inspect", "libc6"];
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe("attack: unreadable map_files reported as no stale mappings", () => {
  const report = insideReport();

  it("the container's report says unknown, naming the processes, never stale 0 alone", () => {
    const lines = report.split("\n");
    expect(lines).toContain("end");
    expect(lines.some((l) => /^unknown-map [0-9]+ \S+$/.test(l))).toBe(true);
    expect(lines.find((l) => l.startsWith("unknown "))).not.toBe("unknown 0");
  });

  it("affected reports the container's staleness as unknown and fails the host", () => {
    const stdout = [
      "::hostroot-pkg now libc6 2.36-9+deb12u7",
      "::hostroot-container app",
      "::hostroot-state app RUNNING",
      ...report
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => `::hostroot-inside app ${l}`),
      "::hostroot-done",
    ].join("\n");
    const r = parseAffectedReport({
      host: { name: "h1", platform: "debian-12" },
      packages: ["libc6"],
      exec: { code: 0, stdout, durationMs: 1 },
      timeoutSeconds: 60,
    });
    const app = r.containers?.[0];
    expect(app?.staleMappings).toBeUndefined();
    expect(app?.staleUnknown?.length).toBeGreaterThan(0);
    expect(r.outcome).toBe("failed");
    expect(r.error).toMatch(/^app: cannot read the mappings of .+: stale mappings unknown$/);
    // The pull request comment says unknown where it used to say 0.
    expect(renderHostResult(r)).toMatch(/\| `app` \| running \|.*\| ⚠️ unknown \|/);
  });
});
