import { mkdirSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { formatOperationText } from "../../src/adapters/cli/operationText.js";
import { publishDemoPackage } from "../../src/adapters/lab/index.js";
import type { Definition } from "../../src/core/definitionSchema.js";
import { affected } from "../../src/workflows/affected.js";
import { upgradeHosts } from "../../src/workflows/upgradeHosts.js";
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
describe.skipIf(labSkipReason !== undefined).sequential("upgrade-hosts and affected on the lab", () => {
  let release: () => void = () => {};
  let lab: UpgradeLab;
  const defs: Definition[] = [
    ...["web-a", "web-b", "web-shadow", "web-c"].map((n) => webDefinition(n)),
    holderDefinition("hold-a"),
  ];
  const placed: [string, string][] = [
    ["h1", "web-a"],
    ["h1", "hold-a"],
    ["h2", "web-b"],
    ["h2", "web-shadow"],
    ["h3", "web-c"],
  ];
  const lib = "/usr/lib/x86_64-linux-gnu/libdemofoo.so.1";

  /** Host state an upgrade must leave alone (dry run) or change only where expected. */
  async function hostState(host: string): Promise<string> {
    return lab.sh(host, [
      "sh",
      "-c",
      "dpkg-query -W demo-libfoo; ls -l --time-style=+%s /var/lib/apt/lists /var/lib/dpkg/status; for d in /var/lib/lxc/*/delta0; do find \"$d\" -printf '%y %p\\n' | sort; done; pgrep -a python3 | sort",
    ]);
  }
  async function deltaListing(host: string): Promise<string> {
    return lab.sh(host, [
      "sh",
      "-c",
      "for d in /var/lib/lxc/*/delta0; do find \"$d\" -printf '%y %m %p\\n' | sort; done; sha256sum /var/lib/lxc/web-shadow/delta0/usr/lib/x86_64-linux-gnu/libdemofoo.so.1 2>/dev/null; true",
    ]);
  }

  beforeAll(async () => {
    release = await takeLabTestLock();
    lab = await startUpgradeLab("upgrade");
    for (const [host, name] of placed)
      await createContainer(lab, host, defs.find((d) => d.name === name) as Definition);
    // web-shadow keeps its own copy of the library: its delta shadows the host's file.
    await inContainer(lab, "h2", "web-shadow", ["sh", "-c", `echo patched-locally >>${lib}`]);
    const published = await publishDemoPackage("1.1", { stateDir: lab.stateDir });
    expect(published.kind).toBe("published");
  }, 1_500_000);

  afterAll(async () => {
    await lab?.close();
    release();
  }, 60_000);

  it("dry run writes nothing and shows demo-libfoo 1.0 -> 1.1 would change on every host", async () => {
    const before = await Promise.all(lab.hosts.map((h) => hostState(h.name)));
    const out = await upgradeHosts(
      {
        config: lab.config,
        packages: ["demo-libfoo"],
        dryRun: true,
        definitions: defs,
        holder: "test dry run",
      },
      { executor: lab.executor },
    );
    const after = await Promise.all(lab.hosts.map((h) => hostState(h.name)));
    expect(after).toEqual(before);
    expect(out.kind).toBe("done");
    if (out.kind !== "done") return;
    expect(out.result.outcome).toBe("succeeded");
    expect(out.result.dryRun).toBe(true);
    for (const host of out.result.hosts) {
      expect(host.packages).toEqual([{ name: "demo-libfoo", before: "1.0", after: "1.1" }]);
      expect(host.steps.map((s) => [s.id, s.status])).toEqual([
        ["resolve", "applied"],
        ["apt-simulate", "applied"],
      ]);
      for (const c of host.containers ?? []) {
        expect(c.state).toBe("running");
        expect(c.sees).toEqual({ "demo-libfoo": "1.0" });
        expect(c.staleMappings).toBe(0);
      }
    }
  }, 120_000);

  it("affected demo-libfoo names the container whose delta shadows the library", async () => {
    const out = await affected(
      { config: lab.config, packages: ["demo-libfoo"], holder: "test affected" },
      { executor: lab.executor },
    );
    expect(out.kind).toBe("done");
    if (out.kind !== "done") return;
    const seen = out.result.hosts.map((h) => [
      h.host,
      (h.containers ?? []).map((c) => [c.name, c.shadowed ?? []]),
    ]);
    expect(seen).toEqual([
      [
        "h1",
        [
          ["hold-a", []],
          ["web-a", []],
        ],
      ],
      [
        "h2",
        [
          ["web-b", []],
          ["web-shadow", ["demo-libfoo"]],
        ],
      ],
      ["h3", [["web-c", []]]],
    ]);
    const h2 = out.result.hosts[1];
    expect(h2?.steps[0]?.output).toBe(`web-shadow: demo-libfoo: file ${lib}`);
    expect(out.result.summary).toBe("affected demo-libfoo: 1 of 5 containers shadow its files");
  }, 60_000);

  it("upgrades canary then batch; every container sees 1.1 from inside, the shadowing one fails its host", async () => {
    const deltas = await Promise.all(lab.hosts.map((h) => deltaListing(h.name)));
    const pidsBefore = await lab.sh("h1", ["pgrep", "-x", "python3"]);
    const done: string[] = [];
    const out = await upgradeHosts(
      {
        config: lab.config,
        packages: ["demo-libfoo"],
        dryRun: false,
        definitions: defs,
        holder: "test upgrade",
      },
      { executor: lab.executor, onHostDone: (h) => void done.push(h.host) },
    );
    expect(out.kind).toBe("done");
    if (out.kind !== "done") return;
    const r = out.result;
    // Canary alone first, then the batch (h2 and h3 at once, in either finishing order).
    expect(done[0]).toBe("h1");
    expect(r.hosts.map((h) => [h.host, h.outcome])).toEqual([
      ["h1", "succeeded"],
      ["h2", "failed"],
      ["h3", "succeeded"],
    ]);
    expect(r.outcome).toBe("failed");
    // web-shadow's delta keeps its own copy of the library: it does not run the fix, and says so.
    expect(r.hosts[1]?.error).toBe(
      `containers failed: web-shadow (its delta shadows demo-libfoo: file ${lib})`,
    );
    for (const host of r.hosts) {
      expect(host.packages).toEqual([{ name: "demo-libfoo", before: "1.0", after: "1.1" }]);
      for (const c of host.containers ?? []) {
        expect(c).toMatchObject({ state: "running", staleMappings: 0, commit: "c0ffee1" });
        if (c.name !== "hold-a") expect(c.healthy).toBe(true);
        expect(c.sees).toEqual({ "demo-libfoo": "1.1" });
      }
    }
    expect(r.hosts[1]?.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      "resolve:applied",
      "apt-update:applied",
      "apt-install:applied",
      "host-root:applied",
      ...["web-b", "web-shadow"].flatMap((n) => [
        `${n}.mounts:applied`,
        `${n}.stop:applied`,
        `${n}.start:applied`,
        `${n}.service:applied`,
        `${n}.health:applied`,
      ]),
    ]);
    // A full stop/start: new service processes, and the deltas hold exactly what they held.
    expect(await lab.sh("h1", ["pgrep", "-x", "python3"])).not.toBe(pidsBefore);
    expect(await Promise.all(lab.hosts.map((h) => deltaListing(h.name)))).toEqual(deltas);
    expect(await inContainer(lab, "h3", "web-c", ["cat", VERSION_FILE])).toBe("1.1\n");
    if (process.env.HOSTROOT_SHOW_OUTPUT) console.log(formatOperationText(r));
  }, 120_000);

  it("after an upgrade without restart, affected names the process mapping the replaced library; after the restart, none", async () => {
    expect((await publishDemoPackage("1.2", { stateDir: lab.stateDir })).kind).toBe("published");
    // The unattended path: the host upgrades the package itself, no container is restarted.
    await lab.sh("h1", [
      "sh",
      "-c",
      "apt-get -qq update && DEBIAN_FRONTEND=noninteractive apt-get -qq -y install --only-upgrade demo-libfoo >/dev/null",
    ]);
    const holder = (await inContainer(lab, "h1", "hold-a", ["pgrep", "-f", "demofoo_version"])).trim();
    const before = await affected(
      { config: lab.config, packages: ["demo-libfoo"], hosts: ["h1"], holder: "test affected" },
      { executor: lab.executor },
    );
    if (before.kind !== "done") throw new Error(before.message);
    const hold = before.result.hosts[0]?.containers?.find((c) => c.name === "hold-a");
    expect(hold).toMatchObject({
      staleMappings: 1,
      staleProcesses: [{ pid: Number(holder), command: "python3", file: lib }],
      // Its overlay still shows the dpkg database it was started with: the old version.
      sees: { "demo-libfoo": "1.1" },
    });
    expect(before.result.hosts[0]?.containers?.find((c) => c.name === "web-a")?.staleMappings).toBe(0);
    expect(before.result.summary).toBe(
      "affected demo-libfoo: 0 of 2 containers shadow its files; 1 still map replaced files (restart them)",
    );
    expect(before.result.hosts[0]?.steps[1]?.output).toBe(
      `hold-a: python3 (pid ${holder}) maps replaced ${lib}`,
    );
    // upgrade-hosts finds nothing to install but still stops and starts every container.
    const up = await upgradeHosts(
      {
        config: lab.config,
        packages: ["demo-libfoo"],
        hosts: ["h1"],
        dryRun: false,
        definitions: defs,
        holder: "t",
      },
      { executor: lab.executor },
    );
    if (up.kind !== "done") throw new Error(up.message);
    expect(up.result.outcome).toBe("succeeded");
    const after = await affected(
      { config: lab.config, packages: ["demo-libfoo"], hosts: ["h1"], holder: "test affected" },
      { executor: lab.executor },
    );
    if (after.kind !== "done") throw new Error(after.message);
    expect(
      after.result.hosts[0]?.containers?.map((c) => [c.name, c.staleMappings, c.staleProcesses]),
    ).toEqual([
      ["hold-a", 0, undefined],
      ["web-a", 0, undefined],
    ]);
    expect(after.result.summary).toBe("affected demo-libfoo: 0 of 2 containers shadow its files");
  }, 120_000);

  it("the CLI runs both commands over the lab: text report, exit codes, usage errors", async () => {
    const dir = `${lab.scratchDir}/definitions`;
    mkdirSync(dir, { recursive: true });
    for (const d of defs)
      writeFileSync(
        `${dir}/${d.name}.yml`,
        stringify({
          apiVersion: "hostroot/v1",
          name: d.name,
          platform: d.platform,
          setup: d.setup,
          service: d.service,
          health: d.health,
        }),
      );
    const cli = (...args: string[]) =>
      runCli([...args, "-c", lab.info.configPath, "--key", lab.info.privateKeyPath], { cwd: lab.scratchDir });
    const dry = await cli("upgrade-hosts", "demo-libfoo", "--dry-run", "--hosts", "h2", "--definitions", dir);
    expect(dry.stderr).toBe("h2: succeeded  (1 done, 0 failed, 0 running)\n");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      "upgrade-hosts succeeded (dry run): dry run: upgrade demo-libfoo on h2: succeeded (1 succeeded)",
    );
    expect(dry.stdout).toContain("    package demo-libfoo 1.1 -> 1.2\n");
    const aff = await cli("affected", "demo-libfoo");
    expect(aff.code).toBe(0);
    expect(aff.stdout).toContain(`    note: shadows web-shadow: demo-libfoo: file ${lib}\n`);
    const json = await cli("affected", "demo-libfoo", "--hosts", "h1", "--format", "json");
    expect(JSON.parse(json.stdout)).toMatchObject({
      operation: "affected",
      outcome: "succeeded",
      hosts: [{ host: "h1" }],
    });
    const usage = await cli("upgrade-hosts", "demo-libfoo", "--hosts", "h1,h9");
    expect([usage.code, usage.stderr]).toEqual([2, "hostroot: unknown host h9; the pool has: h1, h2, h3\n"]);
  }, 120_000);
});
