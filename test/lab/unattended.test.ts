import { mkdirSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../../src/adapters/cli/main.js";
import { publishDemoPackage } from "../../src/adapters/lab/index.js";
import type { Definition } from "../../src/core/definitionSchema.js";
import type { OperationResult } from "../../src/core/operationResult.js";
import { runCli } from "../cli/runCli.js";
import {
  createContainer,
  holderDefinition,
  inContainer,
  labSkipReason,
  startUpgradeLab,
  takeLabTestLock,
  type UpgradeLab,
  VERSION_FILE,
  webDefinition,
} from "./upgradeFixture.js";

// One lab per machine: the tests run in order, under the machine-wide lab test lock.
describe.skipIf(labSkipReason !== undefined).sequential("unattended upgrades on the lab", () => {
  let release: () => void = () => {};
  let lab: UpgradeLab;
  const defs = [
    holderDefinition("hold-a", { health: true }),
    webDefinition("web-a"),
    holderDefinition("hold-b", { health: true }),
  ];
  const placed: [string, string][] = [
    ["h1", "hold-a"],
    ["h1", "web-a"],
    ["h2", "hold-b"],
  ];
  const lib = "/usr/lib/x86_64-linux-gnu/libdemofoo.so.1";
  let dir = "";

  const cli = (...args: string[]) =>
    runCli([...args, "-c", lab.info.configPath, "--key", lab.info.privateKeyPath], { cwd: lab.scratchDir });
  /** The init pid of a container: unchanged means it was not restarted. */
  const initPid = async (host: string, name: string) =>
    (await lab.sh(host, ["lxc-info", "-n", name, "-P", "/var/lib/lxc", "-p", "-H"])).trim();
  /** What the host's own unattended run does, as its systemd timers would (apt-daily, then apt-daily-upgrade). */
  const unattendedRun = (host: string) =>
    lab.sh(host, ["sh", "-c", "apt-get -qq update && unattended-upgrade -v 2>&1"]);

  beforeAll(async () => {
    release = await takeLabTestLock();
    lab = await startUpgradeLab("unattended", 2);
    for (const [host, name] of placed)
      await createContainer(lab, host, defs.find((d) => d.name === name) as Definition);
    dir = `${lab.scratchDir}/definitions`;
    mkdirSync(dir, { recursive: true });
    for (const d of defs)
      writeFileSync(
        `${dir}/${d.name}.yml`,
        stringify({
          apiVersion: "hostroot/v1",
          name: d.name,
          platform: d.platform,
          setup: d.setup.length > 0 ? d.setup : undefined,
          service: d.service,
          health: d.health,
        }),
      );
  }, 1_500_000);

  afterAll(async () => {
    await lab?.close();
    release();
  }, 60_000);

  it("hosts prepare --unattended installs the hook and the origins, idempotently", async () => {
    const bad = await cli("hosts", "prepare", "--unattended", "--origin", 'o=x";bad', "--definitions", dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--origin");
    const first = await cli(
      "hosts",
      "prepare",
      "--unattended",
      "--origin",
      "o=hostroot-lab",
      "--definitions",
      dir,
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /ok +prepare\.unattended-hook +wrote \/var\/lib\/lxc\/\.hostroot\/post-dpkg; recorded/,
    );
    expect(first.stdout).toMatch(
      /ok +prepare\.unattended-apt +wrote \/etc\/apt\/apt\.conf\.d\/90hostroot-unattended/,
    );
    const again = await cli(
      "hosts",
      "prepare",
      "--unattended",
      "--origin",
      "o=hostroot-lab",
      "--definitions",
      dir,
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /skip +prepare\.unattended-hook +\/var\/lib\/lxc\/\.hostroot\/post-dpkg is up to date/,
    );
    // unattended-upgrades reads exactly the origin given, nothing of Debian's defaults.
    const conf = await lab.sh("h1", ["apt-config", "dump", "Unattended-Upgrade::Origins-Pattern"]);
    expect(conf.trim().split("\n")).toEqual([
      'Unattended-Upgrade::Origins-Pattern "";',
      'Unattended-Upgrade::Origins-Pattern:: "o=hostroot-lab";',
    ]);
    // A container sees /etc/apt through the host root, but not the hook (its lxcPath is hidden).
    const inside = await inContainer(lab, "h1", "web-a", [
      "sh",
      "-c",
      "grep -c Post-Invoke /etc/apt/apt.conf.d/90hostroot-unattended; ls /var/lib/lxc/.hostroot 2>&1 || true",
    ]);
    expect(inside).toMatch(/^1\n.*No such file or directory/);
  }, 300_000);

  it("the host's own unattended run takes demo-libfoo 1.1 and the hook restarts only the containers mapping it", async () => {
    const webBefore = await initPid("h1", "web-a");
    const holdBefore = await initPid("h1", "hold-a");
    expect(
      await inContainer(lab, "h1", "hold-a", [
        "sh",
        "-c",
        `grep -c demofoo /proc/*/maps | grep -v ':0$' | wc -l`,
      ]),
    ).not.toBe("0\n");
    const published = await publishDemoPackage("1.1", { stateDir: lab.stateDir });
    expect(published.kind).toBe("published");
    const runs = await Promise.all(lab.hosts.map((h) => unattendedRun(h.name)));
    for (const out of runs) expect(out).toMatch(/Packages that will be upgraded: .*demo-libfoo/);

    const status = await cli("status", "--format", "json");
    expect(status.code).toBe(0);
    const result = JSON.parse(status.stdout) as OperationResult;
    const h1 = result.hosts.find((h) => h.host === "h1");
    expect(h1?.unattended?.kind).toBe("run");
    if (h1?.unattended?.kind !== "run") throw new Error("no run");
    const run = h1.unattended.run;
    // What the hook did, for whoever reads a failure.
    console.log(JSON.stringify(run), await lab.sh("h1", ["cat", "/var/lib/lxc/.hostroot/unattended.log"]));
    expect(run.outcome).toBe("ok");
    expect(run.upgraded).toContainEqual({ package: "demo-libfoo", before: "1.0", after: "1.1" });
    expect(run.containers).toContainEqual({
      name: "hold-a",
      action: "restarted",
      healthy: true,
      sees: { "demo-libfoo": "1.1", "demo-libfoo++": "1.1" },
    });
    expect(run.containers).toContainEqual({ name: "web-a", action: "clean" });
    const h2 = result.hosts.find((h) => h.host === "h2");
    expect(h2?.unattended).toMatchObject({
      kind: "run",
      run: { outcome: "ok", containers: [{ name: "hold-b", action: "restarted" }] },
    });

    // web-a mapped nothing of the package: the same init, never stopped. hold-a got a new one.
    expect(await initPid("h1", "web-a")).toBe(webBefore);
    expect(await initPid("h1", "hold-a")).not.toBe(holdBefore);
    expect(await inContainer(lab, "h1", "hold-a", ["cat", VERSION_FILE])).toBe("1.1\n");
    const affected = await cli("affected", "demo-libfoo", "--format", "json");
    expect(affected.code).toBe(0);
    expect(affected.stdout).not.toContain(lib);

    const text = await cli("status");
    console.log(text.stdout);
    expect(text.stdout).toMatch(/ {4}unattended: last unattended run \S+Z \(\d+ s\): ok\n/);
    expect(text.stdout).toContain(
      "    unattended: upgraded demo-libfoo 1.0 -> 1.1, demo-libfoo++ 1.0 -> 1.1\n",
    );
    expect(text.stdout).toContain(
      "    unattended: restarted hold-a (healthy, sees demo-libfoo 1.1, sees demo-libfoo++ 1.1)\n",
    );
    expect(text.stdout).toContain("    unattended: not restarted, mapping nothing replaced: web-a\n");
  }, 600_000);

  it("upgrade-hosts on a host with the hook: the hook sees its own operation holds the lock and stays out", async () => {
    const journal = "/var/lib/lxc/.hostroot/unattended.jsonl";
    const before = await lab.sh("h1", ["cat", journal]);
    await publishDemoPackage("1.2", { stateDir: lab.stateDir });
    const up = await cli("upgrade-hosts", "demo-libfoo", "--hosts", "h1", "--definitions", dir);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain("package demo-libfoo 1.1 -> 1.2");
    expect(await lab.sh("h1", ["cat", journal])).toBe(before);
    expect(await lab.sh("h1", ["tail", "-n", "1", "/var/lib/lxc/.hostroot/unattended.log"])).toMatch(
      /run by the hostroot operation holding the host lock \(pid \d+\), which restarts the containers itself/,
    );
  }, 600_000);

  it("a held host lock: the hook waits lockTimeoutSeconds, journals a skipped run naming the holder, and the next dpkg run restarts", async () => {
    const config = lab.configCopy("short-lock", (raw) => {
      raw.policy = {
        ...raw.policy,
        rollout: { concurrency: 10, commandTimeoutSeconds: 120, lockTimeoutSeconds: 2 },
      };
    });
    const prep = await main(
      [
        "node",
        "hostroot",
        "hosts",
        "prepare",
        "--unattended",
        "--origin",
        "o=hostroot-lab",
        "--definitions",
        dir,
        "--hosts",
        "h2",
        "-c",
        config,
        "--key",
        lab.info.privateKeyPath,
      ],
      { stdout: () => {}, stderr: () => {}, env: {}, cwd: lab.scratchDir },
    );
    expect(prep).toBe(0);
    // A deploy holds the lock: taken before this command returns, kept by a child that sleeps.
    const holder = JSON.stringify({
      holder: "deploy of 1a2b3c by alice",
      pid: 1,
      since: "2026-01-01T00:00:00Z",
    });
    const sleeper = await lab.sh("h2", [
      "sh",
      "-c",
      'exec 9>>/run/hostroot/host.lock && flock 9 && printf "%s\\n" "$1" >/run/hostroot/host.lock.holder && { setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $!; }',
      "sh",
      holder,
    ]);
    const holdBefore = await initPid("h2", "hold-b");
    expect(await unattendedRun("h2")).toMatch(/demo-libfoo/);
    const skipped = JSON.parse(
      await lab.sh("h2", ["tail", "-n", "1", "/var/lib/lxc/.hostroot/unattended.jsonl"]),
    );
    expect(skipped).toMatchObject({
      outcome: "skipped",
      why: "the host lock was held by deploy of 1a2b3c by alice for more than 2 s; the next dpkg run tries again",
      upgraded: expect.arrayContaining([{ package: "demo-libfoo", before: "1.1", after: "1.2" }]),
      containers: [],
    });
    expect(await initPid("h2", "hold-b")).toBe(holdBefore);
    const text = await cli("status");
    expect(text.stdout).toContain("    unattended: last unattended run ");
    expect(text.stdout).toContain(": SKIPPED (the host lock was held by deploy of 1a2b3c by alice");

    await lab.sh("h2", ["kill", sleeper.trim()]);
    await lab.sh("h2", [
      "sh",
      "-c",
      "rm -f /run/hostroot/host.lock.holder; apt-get -qq install --reinstall demo-libfoo",
    ]);
    const after = JSON.parse(
      await lab.sh("h2", ["tail", "-n", "1", "/var/lib/lxc/.hostroot/unattended.jsonl"]),
    );
    expect(after).toMatchObject({
      outcome: "ok",
      containers: [{ name: "hold-b", action: "restarted", healthy: true }],
    });
    expect(await initPid("h2", "hold-b")).not.toBe(holdBefore);
  }, 600_000);
});
