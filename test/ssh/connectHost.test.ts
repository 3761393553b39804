import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SshExecutor } from "../../src/adapters/ssh/sshExecutor.js";
import { HostUnreachableError } from "../../src/ports/remoteExecutor.js";
import { type LoopbackSshd, loopbackSshdUnavailable, makeKey, startLoopbackSshd } from "./loopbackSshd.js";

const unavailable = loopbackSshdUnavailable();

let sshd: LoopbackSshd;
let executor: SshExecutor;

beforeAll(async () => {
  if (unavailable) return;
  sshd = await startLoopbackSshd();
  executor = new SshExecutor({ privateKey: sshd.clientKey, connectTimeoutMs: 1000 });
});
afterAll(async () => {
  await executor?.close();
  await sshd?.stop();
});

/** ssh-keygen's own fingerprint of a public key file, to check ours independently. */
function fingerprintOf(pubPath: string): string {
  return execFileSync("ssh-keygen", ["-lf", pubPath], { encoding: "utf8" }).split(" ")[1] as string;
}

async function unreachable(promise: Promise<unknown>): Promise<HostUnreachableError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HostUnreachableError);
  return error as HostUnreachableError;
}

describe.skipIf(unavailable)("connecting to a host", () => {
  it("refuses a changed host key, names both fingerprints, and runs nothing", async () => {
    const otherKey = makeKey(join(sshd.dir, "other_host_key"));
    const marker = join(sshd.dir, "ran-on-wrong-key");
    const error = await unreachable(executor.exec({ ...sshd.host, hostKey: otherKey }, `touch ${marker}`));
    expect(error.reason).toBe("host-key");
    expect(error.host).toBe("loopback");
    expect(error.message).toContain(`loopback (127.0.0.1:${sshd.host.port})`);
    expect(error.message).toContain(`expected ${fingerprintOf(join(sshd.dir, "other_host_key.pub"))}`);
    expect(error.message).toContain(`presented ${fingerprintOf(join(sshd.dir, "host_ed25519.pub"))}`);
    expect(existsSync(marker)).toBe(false);
    // The right pin still works (the refusal was about the key, not the host).
    expect((await executor.exec(sshd.host, `touch ${marker}`)).code).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it("reports an unknown client key as an authentication failure", async () => {
    makeKey(join(sshd.dir, "stranger"));
    const stranger = new SshExecutor({ privateKey: readFileSync(join(sshd.dir, "stranger"), "utf8") });
    try {
      expect((await unreachable(stranger.exec(sshd.host, "true"))).reason).toBe("auth");
    } finally {
      await stranger.close();
    }
  });

  it("reports a closed port as a connect failure", async () => {
    const error = await unreachable(executor.exec({ ...sshd.host, port: 1 }, "true"));
    expect(error.reason).toBe("connect");
    expect(error.message).toContain("127.0.0.1:1");
  });

  it("refuses a pinned key of a type the server does not have (never falls back to another)", async () => {
    execFileSync("ssh-keygen", ["-q", "-t", "ecdsa", "-N", "", "-f", join(sshd.dir, "ecdsa_key")]);
    const pinned = readFileSync(join(sshd.dir, "ecdsa_key.pub"), "utf8").trim();
    const error = await unreachable(executor.exec({ ...sshd.host, hostKey: pinned }, "true"));
    expect(error.reason).toBe("host-key");
    expect(error.message).toContain("offers no ecdsa-sha2-nistp256 host key");
    expect(error.message).toContain(fingerprintOf(join(sshd.dir, "ecdsa_key.pub")));
  });

  it("reports a server that never answers as a timeout after connectTimeoutMs", async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      const error = await unreachable(executor.exec({ ...sshd.host, port }, "true"));
      expect(error.reason).toBe("timeout");
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      silent.close();
    }
  });

  it("refuses an unusable private key when the executor is made", () => {
    expect(() => new SshExecutor({ privateKey: sshd.host.hostKey })).toThrow(/not a valid/);
  });
});
