import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { main } from "../../src/adapters/cli/main.js";
import { labSkipReason, startTestLab, type TestLab, takeLabTestLock } from "../lab/labFixture.js";

type Doc = {
  pool: { platforms: Record<string, { hosts: Array<Record<string, unknown>> }> };
  policy: Record<string, unknown>;
};

// An operator's day on the lab: progress of deploy and status on stderr (-v, -vv), the pool's
// host keys from `hosts keyscan`, and a host reached only through another (ProxyJump).
describe
  .skipIf(labSkipReason !== undefined)
  .sequential("progress, keyscan and a jump host on the lab", () => {
    let release: () => void = () => {};
    let lab: TestLab;
    let work: string;

    async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
      let out = "";
      let err = "";
      const code = await main(["node", "hostroot", ...args], {
        stdout: (t) => {
          out += t;
        },
        stderr: (t) => {
          err += t;
        },
        env: { HOSTROOT_CONFIG: "hostroot.yml", HOSTROOT_SSH_KEY_FILE: lab.info.privateKeyPath, ...env },
        cwd: work,
      });
      return { code, out, err };
    }

    beforeAll(async () => {
      release = await takeLabTestLock();
      lab = await startTestLab("operator-day", 2);
      work = join(lab.stateDir, "work");
      rmSync(work, { recursive: true, force: true });
      mkdirSync(join(work, "containers"), { recursive: true });
      cpSync(
        new URL("../../examples/containers/billing-api.yml", import.meta.url),
        join(work, "containers", "billing-api.yml"),
      );
      const config = parse(readFileSync(lab.info.configPath, "utf8")) as Doc;
      config.policy = { ...config.policy, definitionsPath: "containers" };
      writeFileSync(join(work, "hostroot.yml"), stringify(config));
      const prepared = await cli(["hosts", "prepare"]);
      expect(prepared.code, prepared.out + prepared.err).toBe(0);
      // hosts prepare reports its progress as every pool operation does.
      expect(prepared.err.trimEnd().split("\n").sort()).toEqual([
        expect.stringMatching(/^h1: succeeded {2}\([12] done, 0 failed, [01] running\)$/),
        expect.stringMatching(/^h2: succeeded {2}\([12] done, 0 failed, [01] running\)$/),
      ]);
    }, 1_200_000);

    afterAll(async () => {
      await lab?.close();
      release();
    }, 60_000);

    it("deploy prints one progress line per host on stderr; stdout stays the report", async () => {
      const r = await cli(["deploy", "--commit", "c0ffee"]);
      expect(r.code, r.out + r.err).toBe(0);
      const lines = r.err.trimEnd().split("\n");
      // billing-api has 2 replicas: one per host; each host's line carries the running totals.
      expect(lines).toHaveLength(2);
      // Whether the other host still runs when the first finishes is up to the hosts.
      expect(lines[0]).toMatch(/^h[12]: succeeded {2}\(1 done, 0 failed, [01] running\)$/);
      expect(lines[1]).toMatch(/^h[12]: succeeded {2}\(2 done, 0 failed, 0 running\)$/);
      expect(r.out).toContain("create");
      expect(r.out).not.toContain("done, 0 failed");
    });

    it("status -v says which script runs on which host and how it ended", async () => {
      const r = await cli(["status", "-v"]);
      expect(r.code, r.err).toBe(0);
      for (const h of ["h1", "h2"]) {
        expect(r.err).toMatch(new RegExp(`^${h}: runs a \\d+-byte script$`, "m"));
        expect(r.err).toMatch(new RegExp(`^${h}: exit 0 in \\d+ ms$`, "m"));
        expect(r.err).toMatch(new RegExp(`^${h}: succeeded {2}\\(\\d done, 0 failed, \\d running\\)$`, "m"));
      }
      expect(r.out).toContain("billing-api");
    });

    it("deploy -v names each step on its host; -vv adds SSH-level logs and never the key", async () => {
      const def = join(work, "containers", "billing-api.yml");
      writeFileSync(def, readFileSync(def, "utf8").replace("memory: 512M", "memory: 256M"));
      const r = await cli(["deploy", "--commit", "c0ffee2", "-vv"]);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(/^h1: runs a \d+-byte script: host\.guard, .*billing-api\.start/m);
      expect(r.err).toMatch(/^h1: {3}billing-api\.start applied \(/m);
      expect(r.err).toMatch(/^h1: ssh: .*connected in \d+ ms$/m);
      expect(r.err).toMatch(/^h2: ssh: .*Handshake/m);
      const key = readFileSync(lab.info.privateKeyPath, "utf8");
      expect(r.err).not.toContain("PRIVATE KEY");
      expect(r.err).not.toContain(key.split("\n")[1]);
    });

    it("restart and affected report per-host progress too", async () => {
      const restarted = await cli(["restart", "billing-api"]);
      expect(restarted.code, restarted.err).toBe(0);
      expect(restarted.err).toMatch(/^h1: succeeded {2}\(\d done, 0 failed, \d running\)$/m);
      expect(restarted.err).toMatch(/^h2: succeeded {2}\(\d done, 0 failed, \d running\)$/m);
      const affected = await cli(["affected", lab.info.demoPackage, "-v"]);
      expect(affected.code, affected.err).toBe(0);
      expect(affected.err).toMatch(/^h1: runs a \d+-byte script/m);
      expect(affected.err).toMatch(/^h2: succeeded {2}\(\d done, 0 failed, \d running\)$/m);
    });

    it("status authenticates through ssh-agent alone (SSH_AUTH_SOCK, no key named)", async () => {
      const sock = join(work, "agent.sock");
      const agent: ChildProcess = spawn("ssh-agent", ["-D", "-a", sock], { stdio: "ignore" });
      try {
        for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
        execFileSync("ssh-add", ["-q", lab.info.privateKeyPath], {
          env: { SSH_AUTH_SOCK: sock },
          stdio: "pipe",
        });
        const r = await cli(["status"], { HOSTROOT_SSH_KEY_FILE: undefined, SSH_AUTH_SOCK: sock });
        expect(r.code, r.err).toBe(0);
        expect(r.err).toMatch(/^h2: succeeded {2}\(/m);
        // Without the agent's key, the same command cannot log in anywhere.
        execFileSync("ssh-add", ["-D", "-q"], { env: { SSH_AUTH_SOCK: sock }, stdio: "pipe" });
        const refused = await cli(["status"], { HOSTROOT_SSH_KEY_FILE: undefined, SSH_AUTH_SOCK: sock });
        expect(refused.code).toBe(1);
        expect(refused.err).toMatch(/^h1: unreachable — h1 \(.*\): authentication as root failed/m);
      } finally {
        agent.kill();
      }
    });

    it("status uses a passphrase-protected copy of the lab key with HOSTROOT_SSH_KEY_PASSPHRASE", async () => {
      const key = join(work, "protected_key");
      copyFileSync(lab.info.privateKeyPath, key);
      execFileSync("ssh-keygen", ["-q", "-p", "-P", "", "-N", "lab passphrase", "-f", key]);
      const r = await cli(["status", "--key", key], { HOSTROOT_SSH_KEY_PASSPHRASE: "lab passphrase" });
      expect(r.code, r.err).toBe(0);
      const without = await cli(["status", "--key", key]);
      expect(without.code).toBe(2);
      expect(without.err).toContain("holds a passphrase-protected key: set HOSTROOT_SSH_KEY_PASSPHRASE");
    });

    it("hosts keyscan prints each host's key and fingerprint, equal to ssh-keygen -lf of the host's key file", async () => {
      const r = await cli(["hosts", "keyscan"]);
      expect(r.code, r.err).toBe(0);
      for (const h of lab.hosts) {
        const pub = await lab.sh(h.name, ["cat", "/etc/ssh/ssh_host_ed25519_key.pub"]);
        const file = join(work, `${h.name}.pub`);
        writeFileSync(file, pub);
        const fingerprint = execFileSync("ssh-keygen", ["-lf", file], { encoding: "utf8" }).split(" ")[1];
        const blob = pub.trim().split(" ")[1];
        expect(r.out).toContain(
          `${h.name} ssh-ed25519 ${fingerprint}  (pinned)\n    hostKey: ssh-ed25519 ${blob}\n`,
        );
      }
      expect(r.err).toContain("compare its fingerprint with the host's own, out of band");
      // A host not yet in the pool: by address, before there is anything to pin.
      const h2 = lab.hosts[1] as TestLab["hosts"][number];
      const byAddress = await cli(["hosts", "keyscan", `${h2.address}:22`]);
      expect(byAddress.out).toMatch(
        new RegExp(`^${h2.address.replaceAll(".", "\\.")}:22 ssh-ed25519 SHA256:`),
      );
    });

    it("reaches h2 only through its jump host h1 (ProxyJump): h2's sshd sees h1's address", async () => {
      const [h1, h2] = lab.hosts as [TestLab["hosts"][number], TestLab["hosts"][number]];
      const config = parse(readFileSync(join(work, "hostroot.yml"), "utf8")) as Doc;
      const hosts = config.pool.platforms["debian-12"]?.hosts ?? [];
      const second = hosts.find((h) => h.name === "h2") as Record<string, unknown>;
      second.jumpHost = { address: h1.address, hostKey: h1.hostKey };
      writeFileSync(join(work, "jump.yml"), stringify(config));
      const log = join(lab.stateDir, "hosts", "h2", "runner.log");
      const acceptedFromH1 = () =>
        readFileSync(log, "utf8")
          .split("\n")
          .filter((l) => l.includes(`Accepted publickey for root from ${h1.address} `)).length;
      const before = acceptedFromH1();
      const r = await cli(["status", "-vv", "--config", "jump.yml"]);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toContain(`h2: ssh: h2's jump host ${h1.address}:22: forwarding to ${h2.address}:22`);
      expect(acceptedFromH1()).toBe(before + 1);
      // keyscan reaches it the same way.
      const scan = await cli(["hosts", "keyscan", "h2", "--config", "jump.yml"]);
      expect(scan.out).toContain(`h2 ssh-ed25519 `);
      expect(scan.out).toContain("(pinned)");
    });
  });
