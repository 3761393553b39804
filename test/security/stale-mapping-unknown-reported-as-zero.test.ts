import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAffectedReport } from "../../src/core/affectedScript.js";
import { INSIDE_LINE_BYTES, INSIDE_LINE_LIMIT } from "../../src/core/containerInspect.js";
import { hostInspectScript } from "../../src/core/hostInspectScript.js";
import { renderHostResult } from "../../src/core/markdown/renderHostResult.js";

// Attack (or plain misconfiguration): a container whose processes' mappings cannot be read.
// Before, every read error was thrown away and the container reported `stale 0`: "runs no old
// code" while nothing had been checked. Here the real host-side read (the one upgrade-hosts,
// affected and the unattended hook run) looks at a real PID namespace's init as an unprivileged
// user, for whom no mapping of it can be read.

const asRoot = process.getuid?.() === 0;
let init: ChildProcess | undefined;
let pid = "";

beforeAll(async () => {
  // The init of a PID namespace of its own, as a container's is (needs root; as another user the
  // namespace cannot be made, and the read below fails closed the same way on any PID).
  if (asRoot) {
    init = spawn("unshare", ["--pid", "--fork", "sleep", "120"], { stdio: "ignore" });
    // unshare forks the init once it has made the namespace: wait for that child to exist.
    for (let tries = 0; pid === "" && tries < 200; tries++) {
      pid = spawnSync("pgrep", ["-P", String(init.pid)], { encoding: "utf8" }).stdout.trim();
      if (pid === "") await new Promise((r) => setImmediate(r));
    }
    expect(pid).toMatch(/^[0-9]+$/);
    // It is PID 1 of its namespace, not the host's: the read believes it as a container's init.
    expect(readFileSync(`/proc/${pid}/status`, "utf8")).toMatch(/^NSpid:\s+[0-9]+\s+1$/m);
  } else pid = String(process.pid);
});
afterAll(() => {
  init?.kill();
});

function hostSideReport(): string {
  const argv = [
    "perl",
    "-e",
    hostInspectScript(INSIDE_LINE_LIMIT, INSIDE_LINE_BYTES),
    "/var/lib/lxc",
    "1",
    "libc6",
    "app",
    pid,
  ];
  // As root, drop to nobody; as another user, the reads fail the same way.
  const full = asRoot ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...argv] : argv;
  const r = spawnSync(full[0] as string, full.slice(1), {
    encoding: "utf8",
    input: "",
    env: { PATH: "/usr/bin:/bin" },
  });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe("attack: unreadable mappings reported as no stale mappings", () => {
  let report = "";
  beforeAll(() => {
    report = hostSideReport();
  });

  it("the container's report says unknown, never stale 0 alone", () => {
    const lines = report.split("\n").map((l) => l.replace(/^::hostroot-inside app /, ""));
    expect(lines).toContain("end");
    expect(lines).toContain("stale 0");
    expect(lines.find((l) => l.startsWith("unknown "))).not.toBe("unknown 0");
  });

  it("affected reports the container's staleness as unknown and fails the host", () => {
    const stdout = [
      "::hostroot-pkg now libc6 2.36-9+deb12u7",
      "::hostroot-container app",
      "::hostroot-state app RUNNING",
      ...report.split("\n").filter((l) => l !== ""),
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
    expect(r.outcome).toBe("failed");
    expect(r.error).toMatch(/^app: cannot read the mappings of .+: stale mappings unknown$/);
    // The pull request comment says unknown where it used to say 0.
    expect(renderHostResult(r)).toMatch(/\| `app` \| running \|.*\| ⚠️ unknown \|/);
  });
});
