import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPrivateKey } from "../../src/adapters/ssh/loadPrivateKey.js";
import { SshExecutor } from "../../src/adapters/ssh/sshExecutor.js";
import { type LoopbackSshd, loopbackSshdUnavailable, startLoopbackSshd } from "./loopbackSshd.js";

const unavailable = loopbackSshdUnavailable();

let sshd: LoopbackSshd;
beforeAll(async () => {
  if (unavailable) return;
  sshd = await startLoopbackSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

async function whoCanConnect(privateKey: Buffer): Promise<number | null> {
  const executor = new SshExecutor({ privateKey });
  try {
    return (await executor.exec(sshd.host, "exit 0")).code;
  } finally {
    await executor.close();
  }
}

describe.skipIf(unavailable)("loadPrivateKey", () => {
  it("loads the key from an environment variable, and it authenticates", async () => {
    const key = loadPrivateKey({ env: "HOSTROOT_SSH_KEY" }, { HOSTROOT_SSH_KEY: sshd.clientKey });
    expect(await whoCanConnect(key)).toBe(0);
  });

  it("accepts a key pasted into a CI secret with literal \\n sequences", async () => {
    const escaped = sshd.clientKey.trim().replaceAll("\n", "\\n");
    expect(escaped).not.toContain("\n");
    expect(await whoCanConnect(loadPrivateKey({ env: "K" }, { K: escaped }))).toBe(0);
  });

  it("loads the key from a file", async () => {
    expect(await whoCanConnect(loadPrivateKey({ path: sshd.clientKeyPath }))).toBe(0);
  });

  it("names the source but never echoes the value when it is not a key", () => {
    const secretish = "hunter2-not-a-key-but-secret";
    expect(() => loadPrivateKey({ env: "DEPLOY_KEY" }, { DEPLOY_KEY: secretish })).toThrow(
      /environment variable DEPLOY_KEY does not hold a valid SSH private key/,
    );
    try {
      loadPrivateKey({ env: "DEPLOY_KEY" }, { DEPLOY_KEY: secretish });
    } catch (error) {
      expect(String(error)).not.toContain(secretish);
    }
    // A public key is not a private key either.
    const pub = sshd.host.hostKey;
    expect(() => loadPrivateKey({ env: "K" }, { K: pub })).toThrow(/does not hold a valid/);
  });

  it("explains a missing variable or file, and a source given twice or not at all", () => {
    expect(() => loadPrivateKey({ env: "NOPE" }, {})).toThrow(/NOPE is not set or empty/);
    const dir = mkdtempSync(join(tmpdir(), "hostroot-key-"));
    try {
      expect(() => loadPrivateKey({ path: join(dir, "missing") })).toThrow(/cannot read .*missing: ENOENT/);
      writeFileSync(join(dir, "k"), sshd.clientKey);
      expect(() => loadPrivateKey({ path: join(dir, "k"), env: "K" })).toThrow(/exactly one/);
      expect(() => loadPrivateKey({})).toThrow(/exactly one/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
