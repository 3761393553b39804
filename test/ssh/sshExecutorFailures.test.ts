import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SshExecutor } from "../../src/adapters/ssh/sshExecutor.js";
import { type LoopbackSshd, loopbackSshdUnavailable, startLoopbackSshd } from "./loopbackSshd.js";

const unavailable = loopbackSshdUnavailable();

let sshd: LoopbackSshd;
let executor: SshExecutor;

beforeAll(async () => {
  if (unavailable) return;
  sshd = await startLoopbackSshd();
  executor = new SshExecutor({ privateKey: sshd.clientKey, killGraceMs: 1000 });
});
afterAll(async () => {
  await executor?.close();
  await sshd?.stop();
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * True when the process is gone within `ms` (a zombie counts as gone: it has no code or files left).
 * The wait covers the kernel tearing a killed process down: it closes the process's pipes, which
 * ends the channel, a moment before it is fully gone.
 */
async function processGone(pid: number, ms = 1000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return true;
    } catch {
      return true;
    }
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(unavailable)("SshExecutor failures", () => {
  it("on timeout returns failure 'timeout' once the remote process is gone", async () => {
    const pidFile = join(sshd.dir, "timeout.pid");
    // Generous: on a loaded machine the login shell alone can take a good part of a second.
    const r = await executor.exec(sshd.host, `sleep 30 & echo $! > ${pidFile}; wait`, { timeoutMs: 2000 });
    expect(r).toMatchObject({ code: null, failure: "timeout" });
    expect(r.durationMs).toBeGreaterThanOrEqual(2000);
    expect(r.durationMs).toBeLessThan(6000);
    expect(await processGone(Number(readFileSync(pidFile, "utf8")))).toBe(true);
  });

  it("returns the exit status at the timeout when a leftover background job holds the output open", async () => {
    const r = await executor.exec(sshd.host, "(sleep 8; echo late) & echo early", { timeoutMs: 2000 });
    expect(r).toMatchObject({ code: 0, stdout: "early\n" });
    expect(r.failure).toBeUndefined();
    expect(r.durationMs).toBeLessThan(6000);
  });

  it("stops a command that ignores SIGTERM with SIGKILL after the grace period", async () => {
    const pidFile = join(sshd.dir, "stubborn.pid");
    const script = `trap '' TERM; sleep 30 & echo $! > ${pidFile}; wait; wait`;
    const r = await executor.exec(sshd.host, script, { timeoutMs: 2000 });
    expect(r.failure).toBe("timeout");
    expect(r.durationMs).toBeGreaterThanOrEqual(3000);
    expect(await processGone(Number(readFileSync(pidFile, "utf8")))).toBe(true);
  });

  it("on abort returns failure 'aborted' with the output so far and stops the remote process", async () => {
    const pidFile = join(sshd.dir, "abort.pid");
    const controller = new AbortController();
    const r = executor.exec(sshd.host, `echo started; sleep 30 & echo $! > ${pidFile}; wait`, {
      signal: controller.signal,
    });
    await waitFor(() => existsSync(pidFile));
    controller.abort();
    expect(await r).toMatchObject({ code: null, failure: "aborted", stdout: "started\n" });
    expect(await processGone(Number(readFileSync(pidFile, "utf8")))).toBe(true);
  });

  it("runs nothing when aborted before the command starts", async () => {
    const marker = join(sshd.dir, "ran-after-abort");
    const r = await executor.exec(sshd.host, `touch ${marker}`, { signal: AbortSignal.abort() });
    expect(r.failure).toBe("aborted");
    expect(existsSync(marker)).toBe(false);
  });

  it("runs nothing when aborted while queued behind other commands", async () => {
    const marker = join(sshd.dir, "ran-after-queued-abort");
    const oneAtATime = new SshExecutor({ privateKey: sshd.clientKey, maxSessionsPerConnection: 1 });
    try {
      // The first command holds the only session until the test lets it end, so the second is
      // queued for certain when it is aborted.
      const gate = join(sshd.dir, "let-first-end");
      const started = join(sshd.dir, "first-started");
      const first = oneAtATime.exec(
        sshd.host,
        `touch ${started}; while [ ! -e ${gate} ]; do sleep 0.05; done`,
      );
      const controller = new AbortController();
      const queued = oneAtATime.exec(sshd.host, `touch ${marker}`, { signal: controller.signal });
      await waitFor(() => existsSync(started));
      controller.abort();
      const r = await queued;
      expect(r.failure).toBe("aborted");
      writeFileSync(gate, "");
      expect((await first).code).toBe(0);
      // The queued command's turn has come and gone without running it.
      expect((await oneAtATime.exec(sshd.host, "true")).code).toBe(0);
      expect(existsSync(marker)).toBe(false);
    } finally {
      await oneAtATime.close();
    }
  });

  it("reports connection-lost when sshd dies mid-command, and reconnects once it is back", async () => {
    const own = await startLoopbackSshd();
    const ex = new SshExecutor({ privateKey: own.clientKey });
    try {
      expect((await ex.exec(own.host, "true")).code).toBe(0);
      // sshd is killed once the command is known to run (it made its marker), not after a guess.
      const marker = join(own.dir, "mid-command");
      const running = ex.exec(own.host, `touch ${marker}; echo started; sleep 30`);
      await waitFor(() => existsSync(marker));
      await own.kill();
      const r = await running;
      expect(r).toMatchObject({ code: null, failure: "connection-lost" });
      await expect(ex.exec(own.host, "true")).rejects.toMatchObject({ reason: "connect" });
      await own.restart();
      const again = await ex.exec(own.host, "echo back");
      expect(again).toMatchObject({ code: 0, stdout: "back\n" });
      expect(own.acceptedCount()).toBe(2);
    } finally {
      await ex.close();
      await own.stop();
    }
  });

  it("close() ends the connections, is safe twice, and refuses later commands", async () => {
    const ex = new SshExecutor({ privateKey: sshd.clientKey });
    expect((await ex.exec(sshd.host, "true")).code).toBe(0);
    await ex.close();
    await ex.close();
    await expect(ex.exec(sshd.host, "true")).rejects.toThrow(/after close/);
  });
});
