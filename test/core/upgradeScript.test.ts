import { describe, expect, it } from "vitest";
import { definitionSchema } from "../../src/core/definitionSchema.js";
import { parseUpgradeReport, type UpgradeReportInput } from "../../src/core/parseUpgradeReport.js";
import { upgradeScript } from "../../src/core/upgradeScript.js";

const web = definitionSchema.parse({
  apiVersion: "hostroot/v1",
  name: "web",
  platform: "debian-12",
  service: { command: ["/usr/bin/python3", "-m", "http.server"] },
  health: { command: ["curl", "-fsS", "http://127.0.0.1:8000/"] },
});
const base = {
  packages: ["libc6"],
  lxcPath: "/var/lib/lxc",
  definitions: [web],
  dpkgLockTimeoutSeconds: 30,
  lock: { holder: "upgrade-hosts libc6 by alice", timeoutSeconds: 600 },
};

describe("upgradeScript", () => {
  it("upgrades non-interactively with a bounded dpkg lock wait, then fully stops and starts", () => {
    const s = upgradeScript({ ...base, dryRun: false });
    expect(s).toContain(
      "env 'DEBIAN_FRONTEND=noninteractive' 'APT_LISTCHANGES_FRONTEND=none' apt-get -q -o 'DPkg::Lock::Timeout=30' -o 'Dpkg::Options::=--force-confdef' -o 'Dpkg::Options::=--force-confold' install --only-upgrade -y libc6",
    );
    expect(s).toContain('lxc-start -n "$1" -P /var/lib/lxc -d');
    expect(s).not.toMatch(/lxc-stop[^\n]* -r/);
    // The service and health steps of the known definition, dispatched by container name.
    expect(s).toMatch(/ {2}web\)\n {4}hostroot_step web\.service lxc-attach -n web /);
    expect(s).toContain("hostroot_step web.health sh -c");
    // Under the one host lock every operation takes.
    expect(s).toContain("::hostroot-lock acquired");
    expect(s).toContain('"upgrade-hosts libc6 by alice"');
  });

  it("dry run only simulates: no install, no stop/start, lists in a temporary dir", () => {
    const s = upgradeScript({ ...base, dryRun: true });
    expect(s).toContain("apt-get -q -s -o Dir::State::Lists=$0/lists");
    expect(s).not.toContain("install --only-upgrade -y");
    expect(s).not.toContain("lxc-start");
    expect(s).not.toContain("hostroot_restart");
  });

  it("refuses package names and paths that are not plain data", () => {
    expect(() => upgradeScript({ ...base, dryRun: false, packages: ["libc6;reboot"] })).toThrow(
      /bad package/,
    );
    expect(() => upgradeScript({ ...base, dryRun: false, packages: ["-y"] })).toThrow(/bad package/);
    expect(() => upgradeScript({ ...base, dryRun: false, readFiles: ["etc/passwd"] })).toThrow(
      /not absolute/,
    );
    expect(() => upgradeScript({ ...base, dryRun: false, lxcPath: "/var/lib/lxc:x" })).toThrow(/lxcPath/);
  });
});

const input = (stdout: string, over: Partial<UpgradeReportInput> = {}): UpgradeReportInput => ({
  host: { name: "h1", platform: "debian-12" },
  packages: ["libc6"],
  dryRun: false,
  definitions: [web],
  readFiles: ["/etc/debian_version"],
  exec: { code: 0, stdout, durationMs: 900 },
  lockTimeoutSeconds: 600,
  timeoutSeconds: 900,
  ...over,
});
const ok = (id: string) => [`::hostroot-step ${id} begin -`, `::hostroot-step ${id} ok 0`];
const head = [
  "::hostroot-lock acquired",
  "::hostroot-container web",
  '::hostroot-statefile web {"name":"web","definitionHash":"' +
    "a".repeat(64) +
    '","commit":"abc1234","deployedAt":"2024-01-01T00:00:00Z","replica":0}',
  "::hostroot-pkg before libc6 2.36-9+deb12u7",
  ...ok("apt-update"),
  ...ok("apt-install"),
  "::hostroot-pkg changed libc-bin 2.36-9+deb12u7 2.36-9+deb12u8",
  "::hostroot-pkg after libc6 2.36-9+deb12u8",
  ...ok("host-root"),
  ...ok("web.stop"),
  ...ok("web.start"),
  ...ok("web.service"),
];
const inside = (stale: number) => [
  "::hostroot-state web RUNNING",
  "::hostroot-inside web sees libc6 2.36-9+deb12u8",
  "::hostroot-inside web file 1 12.7",
  `::hostroot-inside web stale ${stale}`,
];

describe("parseUpgradeReport", () => {
  it("reads a clean run: packages (with what apt pulled in), steps, what the container sees", () => {
    const r = parseUpgradeReport(
      input([...head, ...ok("web.health"), ...inside(0), "::hostroot-done"].join("\n")),
    );
    expect(r.outcome).toBe("succeeded");
    expect(r.packages).toEqual([
      { name: "libc6", before: "2.36-9+deb12u7", after: "2.36-9+deb12u8" },
      { name: "libc-bin", before: "2.36-9+deb12u7", after: "2.36-9+deb12u8" },
    ]);
    expect(r.containers).toEqual([
      {
        name: "web",
        state: "running",
        commit: "abc1234",
        healthy: true,
        sees: { libc6: "2.36-9+deb12u8", "/etc/debian_version": "12.7" },
        staleMappings: 0,
      },
    ]);
    expect(r.steps.map((s) => s.status)).toEqual(Array(7).fill("applied"));
  });

  it("fails the host when a container still maps replaced files", () => {
    const r = parseUpgradeReport(
      input([...head, ...ok("web.health"), ...inside(2), "::hostroot-done"].join("\n")),
    );
    expect([r.outcome, r.error]).toEqual([
      "failed",
      "containers failed: web (2 processes map replaced files)",
    ]);
  });

  it("a failed health check fails the host and keeps the check's output", () => {
    const stdout = [
      ...head,
      "::hostroot-step web.health begin -",
      "::hostroot-out web.health curl: (7) Failed to connect",
      "::hostroot-step web.health failed 7",
      ...inside(0),
      "::hostroot-done",
    ].join("\n");
    const r = parseUpgradeReport(input(stdout, { exec: { code: 1, stdout, durationMs: 1 } }));
    expect([r.outcome, r.error]).toEqual(["failed", "containers failed: web (health failed)"]);
    expect(r.steps.at(-1)).toMatchObject({
      id: "web.health",
      status: "failed",
      exitCode: 7,
      output: "curl: (7) Failed to connect",
    });
    expect(r.containers?.[0]?.healthy).toBe(false);
  });

  it("a lock timeout names who held the host", () => {
    const stdout =
      '::hostroot-lock waiting {"holder":"deploy of 1a2b by bob","pid":42,"since":"2024-05-01T10:00:00Z"}\n::hostroot-lock timeout {"holder":"deploy of 1a2b by bob","pid":42,"since":"2024-05-01T10:00:00Z"}\n';
    expect(parseUpgradeReport(input(stdout, { exec: { code: 75, stdout, durationMs: 1 } }))).toEqual({
      host: "h1",
      platform: "debian-12",
      outcome: "failed",
      steps: [],
      error:
        "host lock held by deploy of 1a2b by bob (pid 42 since 2024-05-01T10:00:00Z); gave up after 600 s",
    });
  });

  it("a dropped connection mid-run is unreachable and names the step that was running", () => {
    const stdout = [...head, "::hostroot-step web.health begin -"].join("\n");
    const r = parseUpgradeReport(
      input(stdout, { exec: { code: null, stdout, durationMs: 1, failure: "connection-lost" } }),
    );
    expect([r.outcome, r.error]).toEqual([
      "unreachable",
      "connection lost during web: health check curl -fsS http://127.0.0.1:8000/ (3 retries)",
    ]);
  });

  it("a dry run reports what apt would install, with no restart steps", () => {
    const stdout = [
      "::hostroot-pkg before libc6 2.36-9+deb12u7",
      ...ok("apt-simulate"),
      "::hostroot-pkg would libc6 2.36-9+deb12u7 2.36-9+deb12u8",
      "::hostroot-done",
    ].join("\n");
    const r = parseUpgradeReport(input(stdout, { dryRun: true, exec: { code: 0, stdout, durationMs: 1 } }));
    expect(r).toMatchObject({
      outcome: "succeeded",
      packages: [{ name: "libc6", before: "2.36-9+deb12u7", after: "2.36-9+deb12u8" }],
    });
    expect(r.steps.map((s) => s.id)).toEqual(["apt-simulate"]);
  });
});
