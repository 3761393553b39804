import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { labStatus, publishDemoPackage } from "../../src/adapters/lab/index.js";
import { sha256Fingerprint } from "../../src/adapters/ssh/hostKey.js";
import { SshExecutor } from "../../src/adapters/ssh/sshExecutor.js";
import { type Config, configSchema } from "../../src/core/configSchema.js";
import type { Definition } from "../../src/core/definitionSchema.js";
import type { OperationResult } from "../../src/core/operationResult.js";
import type { RemoteExecutor } from "../../src/ports/remoteExecutor.js";
import { type UpgradeHostsRequest, upgradeHosts } from "../../src/workflows/upgradeHosts.js";
import {
  createContainer,
  inContainer,
  labSkipReason,
  type RawConfig,
  startUpgradeLab,
  takeLabTestLock,
  type UpgradeLab,
  webDefinition,
} from "./upgradeFixture.js";

const fingerprint = (key: string) => sha256Fingerprint(Buffer.from(key.split(" ")[1] as string, "base64"));

// Faults, in an order that keeps the lab usable: the host whose sshd is killed goes last.
describe.skipIf(labSkipReason !== undefined).sequential("upgrade-hosts faults on the lab", () => {
  let release: () => void = () => {};
  let lab: UpgradeLab;
  const defs: Definition[] = ["web-1", "web-2", "web-3"].map((n) => webDefinition(n));

  /** A policy-tweaked copy of the lab config, written as a file and read back as the CLI would. */
  function config(name: string, edit: (raw: RawConfig) => void): Config {
    return configSchema.parse(parse(readFileSync(lab.configCopy(name, edit), "utf8")));
  }
  async function upgrade(
    over: Partial<UpgradeHostsRequest>,
    onHostDone?: (host: string) => Promise<void>,
    executor: RemoteExecutor = lab.executor,
  ): Promise<OperationResult> {
    const out = await upgradeHosts(
      {
        config: lab.config,
        packages: ["demo-libfoo"],
        dryRun: false,
        definitions: defs,
        holder: "fault test",
        ...over,
      },
      { executor, ...(onHostDone ? { onHostDone: (h) => onHostDone(h.host) } : {}) },
    );
    if (out.kind !== "done") throw new Error(out.message);
    return out.result;
  }
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  const version = (host: string) => lab.sh(host, ["dpkg-query", "-W", "-f=${Version}", "demo-libfoo"]);

  beforeAll(async () => {
    release = await takeLabTestLock();
    lab = await startUpgradeLab("faults");
    await Promise.all(defs.map((d, i) => createContainer(lab, `h${i + 1}`, d)));
  }, 1_500_000);

  afterAll(async () => {
    await lab?.close();
    release();
  }, 60_000);

  it("a changed host key is refused before any command, naming host and both fingerprints", async () => {
    const [h1, h2] = lab.info.hosts as unknown as [{ hostKey: string }, { hostKey: string }];
    const cfg = config("changed-key", (raw) => {
      const first = raw.pool.platforms["debian-12"]?.hosts[0];
      if (first) first.hostKey = h2.hostKey;
    });
    const before = await lab.sh("h1", [
      "sh",
      "-c",
      "ls -l --time-style=+%s /var/lib/apt/lists /var/lib/dpkg/status /run/hostroot 2>&1",
    ]);
    const r = await upgrade({ config: cfg, hosts: ["h1"] });
    expect(r.outcome).toBe("failed");
    expect(r.hosts).toEqual([
      {
        host: "h1",
        platform: "debian-12",
        outcome: "unreachable",
        steps: [],
        error: `h1 (10.77.0.11:22): host key mismatch: expected ${fingerprint(h2.hostKey)}, presented ${fingerprint(h1.hostKey)} (refused)`,
      },
    ]);
    expect(
      await lab.sh("h1", [
        "sh",
        "-c",
        "ls -l --time-style=+%s /var/lib/apt/lists /var/lib/dpkg/status /run/hostroot 2>&1",
      ]),
    ).toBe(before);
  }, 60_000);

  it("a held dpkg lock fails the host cleanly: nothing restarted, containers still on 1.0", async () => {
    expect((await publishDemoPackage("1.1", { stateDir: lab.stateDir })).kind).toBe("published");
    // dpkg and apt lock with fcntl: hold the frontend lock the way another apt would.
    const holder =
      "import fcntl,time; f=open('/var/lib/dpkg/lock-frontend','w'); fcntl.lockf(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)";
    const pid = (
      await lab.sh("h1", [
        "sh",
        "-c",
        'python3 -c "$1" >/tmp/holder.out 2>&1 </dev/null & echo $!; until grep -q held /tmp/holder.out; do sleep 0.05; done',
        "sh",
        holder,
      ])
    ).trim();
    const initPid = await lab.sh("h1", ["lxc-info", "-n", "web-1", "-P", "/var/lib/lxc", "-p", "-H"]);
    try {
      const r = await upgrade({ hosts: ["h1"], dpkgLockTimeoutSeconds: 1 });
      expect(r.outcome).toBe("failed");
      const h = r.hosts[0];
      const install = h?.steps.find((s) => s.id === "apt-install");
      expect(install?.output).toContain(
        `Could not get lock /var/lib/dpkg/lock-frontend. It is held by process ${pid} (python3)`,
      );
      expect(h).toEqual({
        host: "h1",
        platform: "debian-12",
        outcome: "failed",
        error: `apt-get install --only-upgrade --no-remove -y demo-libfoo failed (exit 100): E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it? (held by process ${pid} (python3))`,
        steps: [
          {
            id: "resolve",
            description: "resolve demo-libfoo to installed packages",
            status: "applied",
            exitCode: 0,
          },
          { id: "apt-update", description: "apt-get update", status: "applied", exitCode: 0 },
          {
            id: "apt-install",
            description: "apt-get install --only-upgrade --no-remove -y demo-libfoo",
            status: "failed",
            exitCode: 100,
            output: install?.output,
          },
          {
            id: "host-root",
            description: "bind the host's / as the containers' lower layer",
            status: "not-run",
          },
          ...["mounts", "stop", "start", "service"].map((w) => ({
            id: `web-1.${w}`,
            description: expect.any(String),
            status: "not-run",
          })),
          { id: "web-1.health", description: expect.any(String), status: "not-run" },
        ],
        packages: [{ name: "demo-libfoo", before: "1.0", after: "1.0" }],
        containers: [
          {
            name: "web-1",
            state: "running",
            commit: "c0ffee1",
            sees: { "demo-libfoo": "1.0" },
            staleMappings: 0,
          },
        ],
      });
    } finally {
      await lab.sh("h1", ["kill", pid]);
    }
    // Not stopped, not restarted: the same init process, and the host still has 1.0.
    expect(await lab.sh("h1", ["lxc-info", "-n", "web-1", "-P", "/var/lib/lxc", "-p", "-H"])).toBe(initPid);
    expect(await version("h1")).toBe("1.0");
  }, 60_000);

  it("a container failing its health check after the restart fails the host", async () => {
    await inContainer(lab, "h2", "web-2", ["rm", "/srv/www/index.html"]);
    const r = await upgrade({ hosts: ["h2"] });
    expect(r.outcome).toBe("failed");
    const h = r.hosts[0];
    const health = h?.steps.find((s) => s.id === "web-2.health");
    expect(health?.output).toContain("HTTP Error 404");
    expect(h).toEqual({
      host: "h2",
      platform: "debian-12",
      outcome: "failed",
      error: "containers failed: web-2 (health failed)",
      steps: [
        {
          id: "resolve",
          description: "resolve demo-libfoo to installed packages",
          status: "applied",
          exitCode: 0,
        },
        { id: "apt-update", description: "apt-get update", status: "applied", exitCode: 0 },
        {
          id: "apt-install",
          description: "apt-get install --only-upgrade --no-remove -y demo-libfoo",
          status: "applied",
          exitCode: 0,
        },
        {
          id: "host-root",
          description: "bind the host's / as the containers' lower layer",
          status: "applied",
          exitCode: 0,
        },
        {
          id: "web-2.mounts",
          description: "check web-2's mount sources (no symlink)",
          status: "applied",
          exitCode: 0,
        },
        { id: "web-2.stop", description: "stop web-2", status: "applied", exitCode: 0 },
        { id: "web-2.start", description: "start web-2", status: "applied", exitCode: 0 },
        {
          id: "web-2.service",
          description: expect.stringContaining("web-2: start /usr/bin/python3 -m http.server"),
          status: "applied",
          exitCode: 0,
        },
        {
          id: "web-2.health",
          description: expect.stringContaining("web-2: health check python3"),
          status: "failed",
          exitCode: 1,
          output: health?.output,
        },
      ],
      packages: [{ name: "demo-libfoo", before: "1.0", after: "1.1" }],
      containers: [
        {
          name: "web-2",
          state: "running",
          commit: "c0ffee1",
          healthy: false,
          sees: { "demo-libfoo": "1.1" },
          staleMappings: 0,
        },
      ],
    });
  }, 60_000);

  it("a command timeout fails the host and names the step that was running", async () => {
    const cfg = config("timeout", (raw) => {
      raw.policy = { rollout: { commandTimeoutSeconds: 3, lockTimeoutSeconds: 0 } };
    });
    const slow = {
      ...webDefinition("web-3"),
      health: { command: ["sleep", "30"], timeoutSeconds: 60, retries: 0, intervalSeconds: 1 },
    };
    const started = Date.now();
    const r = await upgrade({ config: cfg, hosts: ["h3"], definitions: [slow] });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.outcome).toBe("failed");
    const h = r.hosts[0];
    expect({ outcome: h?.outcome, error: h?.error }).toEqual({
      outcome: "failed",
      error: "command timed out after 3 s during web-3: health check sleep 30 (0 retries)",
    });
    expect(h?.steps.map((s) => [s.id, s.status, s.exitCode])).toEqual([
      ["resolve", "applied", 0],
      ["apt-update", "applied", 0],
      ["apt-install", "applied", 0],
      ["host-root", "applied", 0],
      ["web-3.mounts", "applied", 0],
      ["web-3.stop", "applied", 0],
      ["web-3.start", "applied", 0],
      ["web-3.service", "applied", 0],
      ["web-3.health", "failed", null],
    ]);
    // apt finished before the health check hung: the host has the new version.
    expect(h?.packages).toEqual([{ name: "demo-libfoo", before: "1.0", after: "1.1" }]);
  }, 60_000);

  it("two upgrades of one host at once serialise through the host lock; the waiter names the holder", async () => {
    expect((await publishDemoPackage("1.2", { stateDir: lab.stateDir })).kind).toBe("published");
    const [a, b] = await Promise.all([
      upgrade({ hosts: ["h1"], holder: "upgrade A by @alice" }),
      upgrade({ hosts: ["h1"], holder: "upgrade B by @bob" }),
    ]);
    const results = [a, b] as OperationResult[];
    expect(results.map((r) => r.outcome)).toEqual(["succeeded", "succeeded"]);
    const waits = results.map((r) => r.hosts[0]?.steps.find((s) => s.id === "lock")?.description);
    const waited = waits.filter((w) => w !== undefined);
    expect(waited).toHaveLength(1);
    const first = waits[0] === undefined ? "upgrade A by @alice" : "upgrade B by @bob";
    expect(waited[0]).toMatch(
      new RegExp(
        `^waited for the host lock held by ${first} \\(pid [0-9]+ since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)$`,
      ),
    );
    // The first one upgraded; the second found nothing left to do.
    const waiter = results[waits[0] === undefined ? 1 : 0];
    const leader = results[waits[0] === undefined ? 0 : 1];
    expect(leader?.hosts[0]?.packages).toEqual([{ name: "demo-libfoo", before: "1.0", after: "1.2" }]);
    expect(waiter?.hosts[0]?.packages).toEqual([{ name: "demo-libfoo", before: "1.2", after: "1.2" }]);
  }, 60_000);

  it("sshd killed mid-rollout: that host is unreachable, the rollout halts, the rest are not run", async () => {
    expect((await publishDemoPackage("1.3", { stateDir: lab.stateDir })).kind).toBe("published");
    await inContainer(lab, "h2", "web-2", ["sh", "-c", "echo hello >/srv/www/index.html"]);
    const cfg = config("halt", (raw) => {
      raw.policy = { rollout: { canary: 1, batchSize: 1, maxFailures: 0 } };
    });
    const status = await labStatus({ stateDir: lab.stateDir });
    const sshd = status.kind === "down" ? undefined : status.hosts.find((h) => h.name === "h2")?.sshdPid;
    expect(sshd).toBeGreaterThan(1);
    // A fresh executor, as a new rollout has: no connection to h2 is open yet.
    const executor = new SshExecutor({
      privateKey: readFileSync(lab.info.privateKeyPath),
      connectTimeoutMs: 5000,
    });
    const r = await upgrade(
      { config: cfg },
      async (host) => {
        if (host !== "h1") return;
        // The lab recorded h2's sshd (PID 1 of its PID namespace): killing it takes the whole
        // host down, once the kernel has reaped it.
        process.kill(sshd as number, "SIGKILL");
        while (existsSync(`/proc/${sshd}`)) await new Promise((r) => setTimeout(r, 20));
      },
      executor,
    ).finally(() => executor.close());
    expect(r.outcome).toBe("halted");
    expect(r.summary).toBe(
      "upgrade demo-libfoo on all platforms: halted (1 succeeded, 1 unreachable, 1 not-run)",
    );
    expect(
      r.hosts.map((h) => ({ host: h.host, outcome: h.outcome, error: h.error, steps: h.steps.length })),
    ).toEqual([
      { host: "h1", outcome: "succeeded", error: undefined, steps: 9 },
      {
        host: "h2",
        outcome: "unreachable",
        error: "h2 (10.77.0.12:22): cannot connect: ECONNREFUSED",
        steps: 0,
      },
      { host: "h3", outcome: "not-run", error: undefined, steps: 0 },
    ]);
    expect(r.hosts[2]).toEqual({ host: "h3", platform: "debian-12", outcome: "not-run", steps: [] });
    expect(await version("h1")).toBe("1.3");
    expect(await version("h3")).not.toBe("1.3");
  }, 60_000);
});
