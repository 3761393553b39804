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
      "env 'DEBIAN_FRONTEND=noninteractive' 'APT_LISTCHANGES_FRONTEND=none' apt-get -q -o 'DPkg::Lock::Timeout=30' -o 'Dpkg::Options::=--force-confdef' -o 'Dpkg::Options::=--force-confold' -o 'APT::Cmd::Pattern-Only=true' install --only-upgrade --no-install-recommends --no-remove -y $hostroot_args",
    );
    // Names reach apt only as resolved on the host; apt itself refuses a run that would remove
    // anything (--no-remove, checked before it changes anything), which is reported by name.
    expect(s).toContain("hostroot_resolve libc6 ||");
    expect(s).not.toContain("hostroot_step apt-simulate");
    expect(s).toContain("hostroot_step apt-install hostroot_install env ");
    expect(s).toContain("E: apt would remove");
    expect(s).toContain('lxc-start -n "$1" -P /var/lib/lxc -d -p "$hostroot_tmp/$1.pid"');
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
    expect(s).not.toMatch(/lxc-start -n/);
    expect(s).not.toContain("hostroot_restart");
  });

  it("refuses package names and paths that are not plain data", () => {
    expect(() => upgradeScript({ ...base, dryRun: false, packages: ["libc6;reboot"] })).toThrow(
      /bad package/,
    );
    expect(() => upgradeScript({ ...base, dryRun: false, packages: ["-y"] })).toThrow(/bad package/);
    expect(() => upgradeScript({ ...base, dryRun: false, lxcPath: "/var/lib/lxc:x" })).toThrow(/lxcPath/);
  });
});

const input = (stdout: string, over: Partial<UpgradeReportInput> = {}): UpgradeReportInput => ({
  host: { name: "h1", platform: "debian-12" },
  packages: ["libc6"],
  dryRun: false,
  definitions: [web],
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
  ...ok("resolve"),
  ...ok("apt-update"),
  ...ok("apt-install"),
  "::hostroot-pkg changed libc-bin 2.36-9+deb12u7 2.36-9+deb12u8",
  "::hostroot-pkg after libc6 2.36-9+deb12u8",
  ...ok("host-root"),
  ...ok("web.mounts"),
  ...ok("web.stop"),
  ...ok("web.start"),
  ...ok("web.service"),
];
const inside = (stale: number) => [
  "::hostroot-state web RUNNING",
  "::hostroot-inside web sees libc6 2.36-9+deb12u8",
  ...Array.from(
    { length: stale },
    (_, i) => `::hostroot-inside web stale-map ${40 + i} python3 /usr/lib/x86_64-linux-gnu/libc.so.6`,
  ),
  `::hostroot-inside web stale ${stale}`,
  "::hostroot-inside web unknown 0",
  "::hostroot-inside web end",
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
        sees: { libc6: "2.36-9+deb12u8" },
        staleMappings: 0,
      },
    ]);
    expect(r.steps.map((s) => s.status)).toEqual(Array(9).fill("applied"));
  });

  it("fails the host when a container still maps replaced files", () => {
    const r = parseUpgradeReport(
      input([...head, ...ok("web.health"), ...inside(2), "::hostroot-done"].join("\n")),
    );
    expect([r.outcome, r.error]).toEqual([
      "failed",
      "containers failed: web (python3 (pid 40) maps replaced /usr/lib/x86_64-linux-gnu/libc.so.6, python3 (pid 41) maps replaced /usr/lib/x86_64-linux-gnu/libc.so.6)",
    ]);
    expect(r.containers?.[0]?.staleProcesses).toHaveLength(2);
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
      ...ok("resolve"),
      ...ok("apt-simulate"),
      "::hostroot-pkg would libc6 2.36-9+deb12u7 2.36-9+deb12u8",
      "::hostroot-done",
    ].join("\n");
    const r = parseUpgradeReport(input(stdout, { dryRun: true, exec: { code: 0, stdout, durationMs: 1 } }));
    expect(r).toMatchObject({
      outcome: "succeeded",
      packages: [{ name: "libc6", before: "2.36-9+deb12u7", after: "2.36-9+deb12u8" }],
    });
    expect(r.steps.map((s) => s.id)).toEqual(["resolve", "apt-simulate"]);
  });

  it("a name not installed on the host fails it at the resolve step, before apt ran", () => {
    const stdout = [
      "::hostroot-pkg before lxc- -",
      "::hostroot-step resolve begin -",
      "::hostroot-out resolve E: lxc- is not an installed package on this host (dpkg-query -W -- lxc-)",
      "::hostroot-step resolve failed 1",
    ].join("\n");
    const r = parseUpgradeReport(
      input(stdout, { packages: ["lxc-"], exec: { code: 1, stdout, durationMs: 1 } }),
    );
    expect(r.outcome).toBe("failed");
    expect(r.error).toBe(
      "resolve lxc- to installed packages failed (exit 1): E: lxc- is not an installed package on this host (dpkg-query -W -- lxc-)",
    );
    expect(r.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      "resolve:failed",
      "apt-update:not-run",
      "apt-install:not-run",
      "host-root:not-run",
    ]);
  });

  it("a running container that sees an old version, or gives no whole report, fails the host", () => {
    const old = inside(0).map((l) => l.replace("sees libc6 2.36-9+deb12u8", "sees libc6 2.36-9+deb12u7"));
    const r = parseUpgradeReport(input([...head, ...ok("web.health"), ...old, "::hostroot-done"].join("\n")));
    expect([r.outcome, r.error]).toEqual([
      "failed",
      "containers failed: web (sees libc6 2.36-9+deb12u7, the host has 2.36-9+deb12u8)",
    ]);
    const silent = parseUpgradeReport(
      input([...head, ...ok("web.health"), "::hostroot-state web RUNNING", "::hostroot-done"].join("\n")),
    );
    expect(silent.error).toBe("containers failed: web (gave no report from inside)");
    const shadow = parseUpgradeReport(
      input(
        [
          ...head,
          ...ok("web.health"),
          ...inside(0),
          "::hostroot-shadow web libc6 file /usr/lib/x86_64-linux-gnu/libc.so.6",
          "::hostroot-shadow web libc6 conffile /etc/ld.so.conf.d/x86_64-linux-gnu.conf",
          "::hostroot-done",
        ].join("\n"),
      ),
    );
    expect(shadow.error).toBe(
      "containers failed: web (its delta shadows libc6: file /usr/lib/x86_64-linux-gnu/libc.so.6)",
    );
    expect(shadow.containers?.[0]?.shadowed).toEqual(["libc6"]);
  });

  it("output cut at the capture limit fails the host even when every marker looks fine", () => {
    const stdout = [...head, ...ok("web.health"), ...inside(0), "::hostroot-done"].join("\n");
    const r = parseUpgradeReport(
      input(stdout, { exec: { code: 0, stdout, durationMs: 1, truncated: true } }),
    );
    expect([r.outcome, r.error]).toEqual([
      "failed",
      "the host's output was cut at the capture limit: its report cannot be trusted",
    ]);
  });
});
