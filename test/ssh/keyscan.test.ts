import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/runCli.js";
import { type LoopbackSshd, loopbackSshdUnavailable, startLoopbackSshd } from "./loopbackSshd.js";

const unavailable = loopbackSshdUnavailable();
let sshd: LoopbackSshd;
let empty: string;
beforeAll(async () => {
  if (unavailable) return;
  sshd = await startLoopbackSshd();
  empty = mkdtempSync(join(tmpdir(), "hostroot-keyscan-"));
});
afterAll(async () => {
  await sshd?.stop();
  if (empty) rmSync(empty, { recursive: true, force: true });
});

describe.skipIf(unavailable)("hostroot hosts keyscan", () => {
  it("prints a new host's key type, fingerprint (as ssh-keygen -lf) and the hostKey line to pin", async () => {
    const target = `127.0.0.1:${sshd.host.port}`;
    const before = sshd.acceptedCount();
    // No config here: a host about to join the pool has nothing pinned yet.
    const r = await runCli(["hosts", "keyscan", target], { cwd: empty });
    expect(r.code, r.stderr).toBe(0);
    const fingerprint = execFileSync("ssh-keygen", ["-lf", join(sshd.dir, "host_ed25519.pub")], {
      encoding: "utf8",
    }).split(" ")[1];
    const line = sshd.host.hostKey.split(" ").slice(0, 2).join(" ");
    expect(r.stdout).toBe(`${target} ssh-ed25519 ${fingerprint}\n    hostKey: ${line}\n`);
    expect(r.stderr).toContain("compare its fingerprint with the host's own, out of band");
    // A scan never logs in.
    expect(sshd.acceptedCount()).toBe(before);
  });

  it("fails (exit 1) for a port where nothing listens, and refuses what is no address (exit 2)", async () => {
    const closed = await runCli(["hosts", "keyscan", "127.0.0.1:1"], { cwd: empty });
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain("hostroot: 127.0.0.1:1: cannot connect: ECONNREFUSED");
    const bad = await runCli(["hosts", "keyscan", "web 1;reboot"], { cwd: empty });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"web 1;reboot" is no pool host and no address[:port]');
  });
});
