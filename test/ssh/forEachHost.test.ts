import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forEachHost } from "../../src/adapters/ssh/forEachHost.js";
import { SshExecutor } from "../../src/adapters/ssh/sshExecutor.js";
import type { PoolHost } from "../../src/core/configSchema.js";
import { type LoopbackSshd, loopbackSshdUnavailable, startLoopbackSshd } from "./loopbackSshd.js";

const unavailable = loopbackSshdUnavailable();

const host = (name: string) => ({ name }) as PoolHost;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("forEachHost", () => {
  it("runs at most `limit` hosts at once and returns results in host order", async () => {
    let running = 0;
    let peak = 0;
    const hosts = Array.from({ length: 9 }, (_, i) => host(`h${i}`));
    const results = await forEachHost(hosts, 3, async (h, i) => {
      peak = Math.max(peak, ++running);
      await sleep(30 - i * 3);
      running--;
      return `${h.name}:${i}`;
    });
    expect(peak).toBe(3);
    expect(results).toEqual(hosts.map((h, i) => `${h.name}:${i}`));
  });

  it("after a throw starts no further host, waits for running ones, then rethrows", async () => {
    const started: string[] = [];
    const finished: string[] = [];
    const hosts = ["a", "b", "c", "d"].map(host);
    const run = forEachHost(hosts, 2, async (h) => {
      started.push(h.name);
      if (h.name === "a") throw new Error("broken a");
      await sleep(50);
      finished.push(h.name);
    });
    await expect(run).rejects.toThrow("broken a");
    expect(started).toEqual(["a", "b"]);
    expect(finished).toEqual(["b"]);
  });
});

describe.skipIf(unavailable)("SshExecutor maxConcurrentHosts", () => {
  let sshd: LoopbackSshd;
  beforeAll(async () => {
    sshd = await startLoopbackSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it("lets a second host start only when the first has no command in flight", async () => {
    const executor = new SshExecutor({ privateKey: sshd.clientKey, maxConcurrentHosts: 1 });
    const a = { ...sshd.host, name: "a" };
    const b = { ...sshd.host, name: "b" };
    try {
      // Each command of host a waits for the other's marker before stamping: they finish only if
      // they run side by side (or fail after 10 s). Host b's stamp must come after both.
      const dir = sshd.dir;
      const meet = (mine: string, other: string) =>
        `touch ${dir}/${mine}; i=0; until [ -e ${dir}/${other} ]; do i=$((i+1)); [ $i -lt 500 ] || exit 1; sleep 0.02; done; date +%s%N`;
      const [first, second, third] = await Promise.all([
        executor.exec(a, meet("a1", "a2")),
        executor.exec(a, meet("a2", "a1")),
        executor.exec(b, "date +%s%N"),
      ]);
      expect([first?.code, second?.code]).toEqual([0, 0]);
      const ns = (r: { stdout: string } | undefined) => BigInt(r?.stdout.trim() ?? "0");
      expect(ns(third)).toBeGreaterThan(ns(first));
      expect(ns(third)).toBeGreaterThan(ns(second));
    } finally {
      await executor.close();
    }
  });
});
