import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishDemoPackage } from "../../src/adapters/lab/index.js";
import { definitionSchema } from "../../src/core/definitionSchema.js";
import type { OperationResult } from "../../src/core/operationResult.js";
import { runCli } from "../cli/runCli.js";
import {
  createContainer,
  inContainer,
  labSkipReason,
  startUpgradeLab,
  takeLabTestLock,
  type UpgradeLab,
  VERSION_FILE,
} from "./upgradeFixture.js";

// `hostroot upgrade-hosts PKG=VERSION` on two lab hosts with one container each: exactly the
// pinned version (not the newest), a downgrade only with --allow-downgrade, and a version apt
// does not offer refused on every host before anything changed.
describe.skipIf(labSkipReason !== undefined).sequential("upgrade-hosts PKG=VERSION on the lab", () => {
  let release: () => void = () => {};
  let lab: UpgradeLab;
  // Every host at once (no canary), so each one answers for itself.
  let config = "";
  const hosts = ["h1", "h2"];
  const app = (name: string) =>
    definitionSchema.parse({ apiVersion: "hostroot/v1", name, platform: "debian-12" });

  /** What each host has installed, and each container's init PID (a restart changes it). */
  async function snapshot(): Promise<string[]> {
    return Promise.all(
      hosts.map((h) =>
        lab.sh(h, [
          "sh",
          "-c",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
          "dpkg-query -W -f='${Version}\\n' demo-libfoo; lxc-info -n app -P /var/lib/lxc -p -H",
        ]),
      ),
    );
  }

  async function cli(...args: string[]): Promise<{ code: number; result: OperationResult; stderr: string }> {
    const { code, stdout, stderr } = await runCli(
      ["upgrade-hosts", ...args, "--format", "json", "-c", config, "--key", lab.info.privateKeyPath],
      { cwd: lab.scratchDir },
    );
    return { code, result: JSON.parse(stdout) as OperationResult, stderr };
  }

  beforeAll(async () => {
    release = await takeLabTestLock();
    lab = await startUpgradeLab("pinned", hosts.length);
    for (const h of hosts) await createContainer(lab, h, app("app"));
    config = lab.configCopy("all-at-once", (raw) => {
      const rollout = (raw.policy?.rollout ?? {}) as Record<string, unknown>;
      raw.policy = { ...raw.policy, rollout: { ...rollout, canary: 0, batchSize: hosts.length } };
    });
    // 1.1 and a newer 1.2: a pin must install exactly the version named, not the newest.
    for (const v of ["1.1", "1.2"])
      expect((await publishDemoPackage(v, { stateDir: lab.stateDir })).kind).toBe("published");
  }, 1_500_000);

  afterAll(async () => {
    await lab?.close();
    release();
  }, 60_000);

  it("demo-libfoo=1.1 installs exactly 1.1 (not the newer 1.2): 1.0 -> 1.1, every container sees 1.1", async () => {
    const run = await cli("demo-libfoo=1.1");
    expect(run.code).toBe(0);
    expect(run.result.outcome).toBe("succeeded");
    for (const h of run.result.hosts) {
      expect(h.packages).toEqual([{ name: "demo-libfoo", before: "1.0", after: "1.1" }]);
      expect(h.steps.find((s) => s.id === "apt-pin")?.status).toBe("applied");
      expect(h.containers?.map((c) => [c.name, c.sees])).toEqual([["app", { "demo-libfoo": "1.1" }]]);
    }
    for (const h of hosts) expect(await inContainer(lab, h, "app", ["cat", VERSION_FILE])).toBe("1.1\n");
  }, 120_000);

  it("demo-libfoo=1.0 without --allow-downgrade is refused on every host; nothing changed", async () => {
    const before = await snapshot();
    const run = await cli("demo-libfoo=1.0");
    expect(run.code).toBe(1);
    expect(run.result.hosts.map((h) => h.host)).toEqual(hosts);
    for (const h of run.result.hosts) {
      expect(h.outcome).toBe("failed");
      expect(h.error).toBe(
        "check that apt offers demo-libfoo 1.0 and that none is a downgrade failed (exit 1): E: demo-libfoo 1.0 is older than the installed 1.1: a downgrade needs --allow-downgrade; nothing was changed",
      );
      expect(h.steps.find((s) => s.id === "apt-install")?.status).toBe("not-run");
    }
    // Same versions, same container processes: nothing was installed or restarted.
    expect(await snapshot()).toEqual(before);
  }, 120_000);

  it("demo-libfoo=1.0 --allow-downgrade goes back to 1.0: 1.1 -> 1.0, every container sees 1.0", async () => {
    const run = await cli("demo-libfoo=1.0", "--allow-downgrade");
    expect(run.code).toBe(0);
    for (const h of run.result.hosts) {
      expect(h.packages).toEqual([{ name: "demo-libfoo", before: "1.1", after: "1.0" }]);
      expect(h.containers?.[0]?.sees).toEqual({ "demo-libfoo": "1.0" });
    }
    for (const h of hosts) expect(await inContainer(lab, h, "app", ["cat", VERSION_FILE])).toBe("1.0\n");
  }, 120_000);

  it("a dry run checks the pin against its own apt lists and changes nothing: 1.0 -> 1.2 would change", async () => {
    const before = await snapshot();
    const run = await cli("demo-libfoo=1.2", "--dry-run");
    expect(run.code).toBe(0);
    for (const h of run.result.hosts) {
      expect(h.packages).toEqual([{ name: "demo-libfoo", before: "1.0", after: "1.2" }]);
      expect(h.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
        "resolve:applied",
        "apt-pin:applied",
        "apt-simulate:applied",
      ]);
    }
    expect(await snapshot()).toEqual(before);
    const refused = await cli("demo-libfoo=9.9", "--dry-run");
    expect(refused.code).toBe(1);
    expect(refused.result.hosts[0]?.error).toMatch(/does not offer demo-libfoo version 9\.9/);
  }, 120_000);

  it("demo-libfoo=9.9, which apt does not offer, is refused on every host before anything changed", async () => {
    const before = await snapshot();
    const run = await cli("demo-libfoo=9.9", "--allow-downgrade");
    expect(run.code).toBe(1);
    for (const h of run.result.hosts) {
      expect(h.outcome).toBe("failed");
      expect(h.error).toBe(
        "check that apt offers demo-libfoo 9.9 failed (exit 1): E: apt on this host does not offer demo-libfoo version 9.9 (apt-cache madison demo-libfoo); nothing was changed",
      );
    }
    expect(await snapshot()).toEqual(before);
  }, 120_000);
});
