import { describe, expect, it } from "vitest";
import { configSchema, type PoolHost } from "../../src/core/configSchema.js";
import {
  type ExecResult,
  HostUnreachableError,
  type RemoteExecutor,
} from "../../src/ports/remoteExecutor.js";
import { upgradeHosts } from "../../src/workflows/upgradeHosts.js";

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEq6Jm3z0zQn6G1Q2m3n4o5p6q7r8s9t0u1v2w3x4y5z";
const config = (rollout: Record<string, number>) =>
  configSchema.parse({
    apiVersion: "hostroot/v1",
    pool: {
      platforms: {
        "debian-12": {
          hosts: ["h1", "h2", "h3", "h4"].map((name) => ({ name, address: name, hostKey: key })),
        },
      },
    },
    policy: { rollout },
  });

const clean = [
  "::hostroot-lock acquired",
  "::hostroot-pkg before libc6 1",
  ...["resolve", "apt-update", "apt-install", "host-root"].flatMap((id) => [
    `::hostroot-step ${id} begin -`,
    `::hostroot-step ${id} ok 0`,
  ]),
  "::hostroot-pkg after libc6 2",
  "::hostroot-done",
].join("\n");

/** Answers each host from a table: a clean run, a failed apt, or a refused connection. */
function fakeExecutor(
  behaviour: Record<string, "ok" | "apt-fails" | "down">,
  calls: string[],
): RemoteExecutor {
  return {
    async exec(host: PoolHost): Promise<ExecResult> {
      calls.push(host.name);
      const b = behaviour[host.name] ?? "ok";
      if (b === "down")
        throw new HostUnreachableError(host.name, "connect", `${host.name}: cannot connect: ECONNREFUSED`);
      const stdout =
        b === "ok"
          ? clean
          : clean
              .replace("::hostroot-step apt-install ok 0", "::hostroot-step apt-install failed 100")
              .replace("::hostroot-done", "");
      return { code: b === "ok" ? 0 : 1, signal: null, stdout, stderr: "", durationMs: 5 };
    },
    async close() {},
  };
}
const request = (rollout: Record<string, number>) => ({
  config: config(rollout),
  packages: ["libc6"],
  dryRun: false,
  definitions: [],
  holder: "test",
});

describe("upgradeHosts rollout", () => {
  it("halts after the canary fails (maxFailures 0): nothing else is touched", async () => {
    const calls: string[] = [];
    const out = await upgradeHosts(request({ canary: 1, batchSize: 2, maxFailures: 0 }), {
      executor: fakeExecutor({ h1: "apt-fails" }, calls),
    });
    expect(calls).toEqual(["h1"]);
    if (out.kind !== "done") throw new Error(out.message);
    expect(out.result.outcome).toBe("halted");
    expect(out.result.hosts.map((h) => [h.host, h.outcome])).toEqual([
      ["h1", "failed"],
      ["h2", "not-run"],
      ["h3", "not-run"],
      ["h4", "not-run"],
    ]);
    expect(out.result.summary).toBe("upgrade libc6 on all platforms: halted (1 failed, 3 not-run)");
  });

  it("tolerates failures up to maxFailures, and reports the rollout failed, not halted, when all ran", async () => {
    const calls: string[] = [];
    const done: string[] = [];
    const out = await upgradeHosts(request({ canary: 1, batchSize: 3, maxFailures: 1 }), {
      executor: fakeExecutor({ h2: "down" }, calls),
      onHostDone: (h) => void done.push(`${h.host}:${h.outcome}`),
    });
    if (out.kind !== "done") throw new Error(out.message);
    expect(done[0]).toBe("h1:succeeded");
    expect(done.slice(1).sort()).toEqual(["h2:unreachable", "h3:succeeded", "h4:succeeded"]);
    expect(out.result.outcome).toBe("failed");
    expect(out.result.hosts[1]).toEqual({
      host: "h2",
      platform: "debian-12",
      outcome: "unreachable",
      steps: [],
      error: "h2: cannot connect: ECONNREFUSED",
    });
  });

  it("refuses unknown hosts and bad package names before connecting anywhere", async () => {
    const calls: string[] = [];
    const executor = fakeExecutor({}, calls);
    expect(await upgradeHosts({ ...request({}), hosts: ["h9"] }, { executor })).toEqual({
      kind: "usage",
      message: "unknown host h9; the pool has: h1, h2, h3, h4",
    });
    expect(await upgradeHosts({ ...request({}), packages: ["libc6 && reboot"] }, { executor })).toEqual({
      kind: "usage",
      message: "not a Debian package name: libc6 && reboot",
    });
    expect(calls).toEqual([]);
  });

  it("refuses a bad pinned version, a package named twice and --allow-downgrade without a pin before connecting", async () => {
    const calls: string[] = [];
    const executor = fakeExecutor({}, calls);
    const run = (packages: string[], allowDowngrade = false) =>
      upgradeHosts({ ...request({}), packages, allowDowngrade }, { executor });
    expect(await run(["libc6=-oAPT::Get::Assume-Yes=1"])).toEqual({
      kind: "usage",
      message: "not a Debian version (like 2.36-9+deb12u4): -oAPT::Get::Assume-Yes=1",
    });
    expect(await run(["libc6=1.0;id"])).toMatchObject({ kind: "usage" });
    expect(await run(["libc6", "libc6=2.36"])).toEqual({
      kind: "usage",
      message: "package libc6 is named twice",
    });
    expect(await run(["libc6"], true)).toEqual({
      kind: "usage",
      message: "--allow-downgrade needs a pinned version (PKG=VERSION)",
    });
    expect(calls).toEqual([]);
  });

  it("sends a pinned version to the host script, checked by apt before anything is installed", async () => {
    const scripts: string[] = [];
    const executor: RemoteExecutor = {
      async exec(_host, script) {
        scripts.push(script);
        return { code: 0, signal: null, stdout: clean, stderr: "", durationMs: 1 };
      },
      async close() {},
    };
    await upgradeHosts(
      { ...request({}), packages: ["libc6=2.36-9+deb12u7"], allowDowngrade: true },
      { executor },
    );
    const s = scripts[0] ?? "";
    expect(s).toContain("hostroot_pin libc6 2.36-9+deb12u7");
    expect(s.indexOf("hostroot_step apt-pin")).toBeGreaterThan(s.indexOf("hostroot_step apt-update"));
    expect(s.indexOf("hostroot_step apt-pin")).toBeLessThan(s.indexOf("hostroot_step apt-install"));
    expect(s).toContain("--allow-downgrades -y $hostroot_args");
  });
});
