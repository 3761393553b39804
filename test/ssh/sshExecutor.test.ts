import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SshExecutor, type SshLogEntry } from "../../src/adapters/ssh/sshExecutor.js";
import { type LoopbackSshd, loopbackSshdUnavailable, startLoopbackSshd } from "./loopbackSshd.js";

const unavailable = loopbackSshdUnavailable();

let sshd: LoopbackSshd;
let executor: SshExecutor;
const logs: SshLogEntry[] = [];

beforeAll(async () => {
  if (unavailable) return;
  sshd = await startLoopbackSshd();
  executor = new SshExecutor({ privateKey: sshd.clientKey, logger: (e) => logs.push(e) });
});
afterAll(async () => {
  await executor?.close();
  await sshd?.stop();
});

describe.skipIf(unavailable)("SshExecutor against a real sshd", () => {
  it("returns exit code, stdout and stderr; a non-zero exit is data", async () => {
    const r = await executor.exec(sshd.host, "echo out; echo err >&2; exit 3");
    expect(r).toMatchObject({ code: 3, signal: null, stdout: "out\n", stderr: "err\n" });
    expect(r.failure).toBeUndefined();
    expect(r.truncated).toBeUndefined();
  });

  it("a timeout beyond what setTimeout holds (30 days of policy) is kept, not turned into 1 ms", async () => {
    const r = await executor.exec(sshd.host, "sleep 0.3; echo done", { timeoutMs: 30 * 24 * 3600 * 1000 });
    expect(r).toMatchObject({ code: 0, stdout: "done\n" });
    expect(r.failure).toBeUndefined();
  });

  it("reports the signal that killed the remote shell", async () => {
    const r = await executor.exec(sshd.host, "kill -KILL $$");
    expect(r).toMatchObject({ code: null, signal: "SIGKILL" });
    expect(r.failure).toBeUndefined();
  });

  it("runs the script with POSIX sh semantics, and `exit` inside it sets the status", async () => {
    const r = await executor.exec(sshd.host, "f() { echo \"in $1\"; }\nf 'a b'\nexit 0\necho unreachable");
    expect(r).toMatchObject({ code: 0, stdout: "in a b\n" });
  });

  it("feeds stdin byte for byte, including quotes, control characters, UTF-8 and trailing newlines", async () => {
    const ascii = Array.from({ length: 127 }, (_, i) => String.fromCharCode(i + 1)).join("");
    const data = `${ascii}\r\n'"\\$(x)\`y\` é☃😀\n\n\n`;
    const r = await executor.exec(sshd.host, "cat", { stdin: data });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(data);
    const bytes = await executor.exec(sshd.host, "wc -c", { stdin: data });
    expect(bytes.stdout.trim()).toBe(String(Buffer.byteLength(data)));
  });

  it("has no stdin (EOF at once) when none is given, so a reading command does not hang", async () => {
    const r = await executor.exec(sshd.host, "cat; echo done");
    expect(r).toMatchObject({ code: 0, stdout: "done\n" });
  });

  it("runs scripts larger than one argv string may be (128 KiB) and large stdin", async () => {
    const big = "x".repeat(300_000);
    const r = await executor.exec(sshd.host, `v='${big}'\nprintf %s "\${#v}"; wc -c`, { stdin: big });
    expect(r).toMatchObject({ code: 0, stdout: `300000${big.length}\n` });
  });

  it("keeps the tail of output beyond the cap and says it was truncated", async () => {
    const capped = new SshExecutor({ privateKey: sshd.clientKey, outputCapBytes: 1000 });
    try {
      const r = await capped.exec(sshd.host, "seq 1 20000; echo small >&2");
      expect(r.code).toBe(0);
      expect(r.truncated).toBe(true);
      expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(1000);
      expect(r.stdout.endsWith("19999\n20000\n")).toBe(true);
      expect(r.stderr).toBe("small\n");
    } finally {
      await capped.close();
    }
  });

  it("reuses one connection for all commands, sequential and concurrent", async () => {
    const fresh = new SshExecutor({ privateKey: sshd.clientKey });
    const before = sshd.acceptedCount();
    try {
      const sequential = [];
      for (let i = 0; i < 3; i++) sequential.push(await fresh.exec(sshd.host, "echo $PPID"));
      const parallel = await Promise.all(
        Array.from({ length: 5 }, () => fresh.exec(sshd.host, "echo $PPID")),
      );
      const parents = new Set([...sequential, ...parallel].map((r) => r.stdout));
      expect(parents.size).toBe(1);
      expect(sshd.acceptedCount() - before).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it("connectAhead logs in before any command and the command then uses that connection", async () => {
    const fresh = new SshExecutor({ privateKey: sshd.clientKey });
    const before = sshd.acceptedCount();
    try {
      fresh.connectAhead([sshd.host]);
      // Logged in with nothing asked to run: the connection was opened ahead.
      await expect.poll(() => sshd.acceptedCount() - before, { timeout: 10_000 }).toBe(1);
      const r = await fresh.exec(sshd.host, "echo ran");
      expect(r.stdout).toBe("ran\n");
      expect(sshd.acceptedCount() - before).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it("a host connectAhead could not reach is reported by its command, as without it", async () => {
    const fresh = new SshExecutor({ privateKey: sshd.clientKey });
    const closed = { ...sshd.host, name: "gone", port: 1 };
    try {
      fresh.connectAhead([closed]);
      await expect(fresh.exec(closed, "echo ran")).rejects.toThrow(/gone .*cannot connect.*ECONNREFUSED/);
    } finally {
      await fresh.close();
    }
  });

  it("runs 20 concurrent commands on one connection although sshd allows 10 sessions", async () => {
    const run20 = async (maxSessionsPerConnection: number) => {
      const ex = new SshExecutor({ privateKey: sshd.clientKey, maxSessionsPerConnection });
      const before = sshd.acceptedCount();
      try {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => ex.exec(sshd.host, `sleep 0.2; echo ${i}`)),
        );
        expect(results.map((r) => [r.code, r.stdout])).toEqual(
          Array.from({ length: 20 }, (_, i) => [0, `${i}\n`]),
        );
        expect(sshd.acceptedCount() - before).toBe(1);
      } finally {
        await ex.close();
      }
    };
    // The default matches OpenSSH's MaxSessions: channels queue on our side.
    await run20(10);
    // A limit above the server's: refused channels wait for a free session.
    await run20(20);
    expect(sshd.log()).toContain("no more sessions");
  });

  it("logs connections and commands but never key material, scripts or stdin", async () => {
    await executor.exec(sshd.host, "echo SCRIPT-SECRET >/dev/null", { stdin: "STDIN-SECRET" });
    const text = JSON.stringify(logs);
    expect(logs.some((e) => e.level === "info" && e.host === "loopback" && /connected/.test(e.message))).toBe(
      true,
    );
    const keyBody = sshd.clientKey.split("\n")[2] ?? "";
    expect(keyBody.length).toBeGreaterThan(20);
    expect(text).not.toContain(keyBody);
    expect(text).not.toContain("SCRIPT-SECRET");
    expect(text).not.toContain("STDIN-SECRET");
  });
});
