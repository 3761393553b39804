import { describe, expect, it } from "vitest";
import { configSchema, type PoolHost } from "../../src/core/configSchema.js";
import type { ExecOptions, ExecResult, RemoteExecutor } from "../../src/ports/remoteExecutor.js";
import { upgradeHosts } from "../../src/workflows/upgradeHosts.js";

// Attack: make one host's work throw (a bug or broken infrastructure, e.g. an exception from the
// SSH library) while other hosts of the same batch are mid-upgrade. Before, the rollout rejected
// at once: the other hosts kept running as root, unreported and out of /cancel's reach.

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEq6Jm3z0zQn6G1Q2m3n4o5p6q7r8s9t0u1v2w3x4y5z";
const config = configSchema.parse({
  apiVersion: "hostroot/v1",
  pool: {
    platforms: {
      "debian-12": { hosts: ["h1", "h2", "h3"].map((name) => ({ name, address: name, hostKey: key })) },
    },
  },
  policy: { rollout: { canary: 0, batchSize: 3, concurrency: 3, maxFailures: 3 } },
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

/** h2 throws once h1 and h3 are running; h1 and h3 finish only when the test lets them (or on cancel). */
function executor() {
  const running = new Set<string>();
  const finished: string[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let bothRunning: () => void = () => {};
  const started = new Promise<void>((r) => {
    bothRunning = r;
  });
  const exec: RemoteExecutor = {
    async exec(host: PoolHost, _script: string, options: ExecOptions = {}): Promise<ExecResult> {
      if (host.name === "h2") {
        await started;
        throw new TypeError("Cannot read properties of undefined (reading 'write')");
      }
      running.add(host.name);
      if (running.size === 2) bothRunning();
      const aborted = new Promise<"aborted">((r) =>
        options.signal?.addEventListener("abort", () => r("aborted"), { once: true }),
      );
      const how = await Promise.race([gate.then(() => "done" as const), aborted]);
      running.delete(host.name);
      finished.push(host.name);
      return how === "aborted"
        ? { code: null, signal: null, stdout: "", stderr: "", durationMs: 1, failure: "aborted" }
        : { code: 0, signal: null, stdout: clean, stderr: "", durationMs: 1 };
    },
    async close() {},
  };
  return { exec, running, finished, release };
}

const request = {
  config,
  packages: ["libc6"],
  dryRun: false,
  definitions: [],
  holder: "attack",
};

describe("attack: a host whose step throws leaves the other hosts running", () => {
  it("the throwing host is settled failed with the error; the rollout returns only when no host runs", async () => {
    const x = executor();
    const reported: string[] = [];
    const run = upgradeHosts(request, {
      executor: x.exec,
      onHostDone: (h) => {
        reported.push(h.host);
        // The hosts still running are let go only once the throw was reported.
        if (h.host === "h2") x.release();
      },
    });
    const out = await run;
    expect(x.running.size).toBe(0);
    expect(x.finished.sort()).toEqual(["h1", "h3"]);
    expect(reported.sort()).toEqual(["h1", "h2", "h3"]);
    if (out.kind !== "done") throw new Error(out.message);
    expect(out.result.outcome).toBe("failed");
    expect(out.result.hosts.map((h) => [h.host, h.outcome, h.error])).toEqual([
      ["h1", "succeeded", undefined],
      ["h2", "failed", "hostroot failed on this host: Cannot read properties of undefined (reading 'write')"],
      ["h3", "succeeded", undefined],
    ]);
  });

  it("/cancel still reaches the hosts running when another one threw", async () => {
    const x = executor();
    const cancel = new AbortController();
    const out = await upgradeHosts(request, {
      executor: x.exec,
      signal: cancel.signal,
      onHostDone: (h) => {
        if (h.host === "h2") cancel.abort();
      },
    });
    expect(x.running.size).toBe(0);
    if (out.kind !== "done") throw new Error(out.message);
    expect(out.result.outcome).toBe("cancelled");
    expect(out.result.hosts.map((h) => [h.host, h.outcome])).toEqual([
      ["h1", "failed"],
      ["h2", "failed"],
      ["h3", "failed"],
    ]);
    expect(out.result.hosts[0]?.error).toBe("cancelled");
  });
});
