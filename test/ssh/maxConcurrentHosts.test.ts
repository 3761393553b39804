import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SshExecutor } from "../../src/adapters/ssh/sshExecutor.js";
import { type LoopbackSshd, loopbackSshdUnavailable, startLoopbackSshd } from "./loopbackSshd.js";

const unavailable = loopbackSshdUnavailable();

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
