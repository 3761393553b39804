import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { appendFileSync, copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { poolExecutor } from "../../src/adapters/cli/poolExecutor.js";
import type { PoolHost } from "../../src/core/configSchema.js";
import { type LoopbackSshd, loopbackSshdUnavailable, startLoopbackSshd } from "./loopbackSshd.js";

// SSH as operators have it, against real OpenSSH servers: keys held by ssh-agent, keys with a
// passphrase, and hosts reached only through a jump host.
const unavailable = loopbackSshdUnavailable();
const settings = { concurrency: 4, commandTimeoutSeconds: 30 };

let target: LoopbackSshd;
let jump: LoopbackSshd;
beforeAll(async () => {
  if (unavailable) return;
  target = await startLoopbackSshd();
  // DEBUG logs every direct-tcpip channel: the proof that a connection went through the jump host.
  jump = await startLoopbackSshd({ extraConfig: ["LogLevel DEBUG1"] });
  // One deploy key for both, as on a real pool.
  appendFileSync(join(jump.dir, "authorized_keys"), readFileSync(`${target.clientKeyPath}.pub`));
});
afterAll(async () => {
  await target?.stop();
  await jump?.stop();
});

async function run(host: PoolHost, key: { key?: string }, env: NodeJS.ProcessEnv, log?: string[]) {
  const executor = poolExecutor(key, env, {
    ...settings,
    ...(log ? { sshLog: (h: string, m: string) => log.push(`${h}: ${m}`) } : {}),
  });
  try {
    return await executor.exec(host, "echo hello from $(hostname)\n");
  } finally {
    await executor.close();
  }
}

describe.skipIf(unavailable)("SSH as operators have it", () => {
  it("authenticates with ssh-agent alone: SSH_AUTH_SOCK set, no key named", async () => {
    const sock = join(target.dir, "agent.sock");
    const agent: ChildProcess = spawn("ssh-agent", ["-D", "-a", sock], { stdio: "ignore" });
    try {
      for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
      execFileSync("ssh-add", ["-q", target.clientKeyPath], { env: { SSH_AUTH_SOCK: sock }, stdio: "pipe" });
      const before = target.acceptedCount();
      const r = await run(target.host, {}, { SSH_AUTH_SOCK: sock });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^hello from /);
      expect(target.acceptedCount()).toBe(before + 1);
      // With the agent's keys removed, the same call is refused: the agent did the signing.
      execFileSync("ssh-add", ["-D", "-q"], { env: { SSH_AUTH_SOCK: sock }, stdio: "pipe" });
      await expect(run(target.host, {}, { SSH_AUTH_SOCK: sock })).rejects.toThrow(
        /authentication as .* failed/,
      );
    } finally {
      agent.kill();
    }
  });

  it("without a key or an agent, says where a key can come from", () => {
    expect(() => poolExecutor({}, {}, settings)).toThrow(/--key FILE.*HOSTROOT_SSH_KEY.*SSH_AUTH_SOCK/);
  });

  it("decrypts a passphrase-protected key with HOSTROOT_SSH_KEY_PASSPHRASE, never echoing it", async () => {
    const protectedKey = join(target.dir, "protected_ed25519");
    copyFileSync(target.clientKeyPath, protectedKey);
    const passphrase = "correct horse battery staple";
    execFileSync("ssh-keygen", ["-q", "-p", "-P", "", "-N", passphrase, "-f", protectedKey]);
    expect(readFileSync(protectedKey, "utf8")).not.toBe(target.clientKey);

    const r = await run(target.host, { key: protectedKey }, { HOSTROOT_SSH_KEY_PASSPHRASE: passphrase });
    expect(r.code).toBe(0);

    expect(() => poolExecutor({ key: protectedKey }, {}, settings)).toThrow(
      `ssh: the file ${protectedKey} holds a passphrase-protected key: set HOSTROOT_SSH_KEY_PASSPHRASE (or use ssh-agent)`,
    );
    const wrong = "not the passphrase";
    let message = "";
    try {
      poolExecutor({ key: protectedKey }, { HOSTROOT_SSH_KEY_PASSPHRASE: wrong }, settings);
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain(`the passphrase does not decrypt the private key file ${protectedKey}`);
    expect(message).not.toContain(wrong);
  });

  it("reaches a host through its jump host (ProxyJump), both host keys pinned", async () => {
    const viaJump: PoolHost = {
      ...target.host,
      name: "inner",
      jumpHost: {
        address: "127.0.0.1",
        port: jump.host.port,
        user: jump.host.user,
        hostKey: jump.host.hostKey,
      },
    };
    const forwards = () =>
      jump
        .log()
        .split("\n")
        .filter(
          (l) =>
            l.includes(`server_request_direct_tcpip: originator`) &&
            new RegExp(`target 127\\.0\\.0\\.1 port ${target.host.port}\\b`).test(l),
        ).length;
    const before = forwards();
    const log: string[] = [];
    const r = await run(viaJump, { key: target.clientKeyPath }, {}, log);
    expect(r.code).toBe(0);
    // The jump host opened a direct-tcpip channel to the target's port for us.
    expect(forwards()).toBe(before + 1);
    expect(log.join("\n")).toContain(
      `inner: inner's jump host 127.0.0.1:${jump.host.port}: forwarding to 127.0.0.1:${target.host.port}`,
    );

    // -vv: ssh2's own debug lines, for both legs; never a key.
    expect(log.some((l) => l.startsWith("inner: jump: "))).toBe(true);
    expect(log.some((l) => /^inner: (?!jump: ).*Handshake/.test(l))).toBe(true);
    expect(log.join("\n")).not.toContain("PRIVATE KEY");
    expect(log.join("\n")).not.toContain(target.clientKey.split("\n")[1]);

    // A jump host that presents another key than the pinned one is refused, like any host.
    const badPin: PoolHost = {
      ...viaJump,
      jumpHost: { ...(viaJump.jumpHost as NonNullable<PoolHost["jumpHost"]>), hostKey: target.host.hostKey },
    };
    await expect(run(badPin, { key: target.clientKeyPath }, {})).rejects.toThrow(
      new RegExp(`inner's jump host 127\\.0\\.0\\.1:${jump.host.port}: host key mismatch`),
    );
  });
});
