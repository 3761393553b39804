import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PoolHost } from "../../src/core/configSchema.js";
import { type Config, configSchema } from "../../src/core/configSchema.js";
import type { Owner } from "../../src/core/owner.js";
import { renderStateFile } from "../../src/core/stateFile.js";
import type { ExecResult, RemoteExecutor } from "../../src/ports/remoteExecutor.js";

/**
 * One host whose lxcPath is a scratch directory on this machine: the real status script runs on
 * a real sh over real state files; every other script (deploy, restart) is recorded and answered
 * as if each of its steps succeeded, never run (it would call lxc-stop and rm here).
 */
export class ScratchHost implements RemoteExecutor {
  readonly lxcPath = mkdtempSync(join(tmpdir(), "hostroot-attack-"));
  /** Every non-status script sent to the host, in order. */
  readonly scripts: string[] = [];
  readonly config: Config;
  /** Steps of recorded scripts that report failure (the script stops there, as on a host). */
  fail?: RegExp;

  constructor() {
    this.config = configSchema.parse({
      apiVersion: "hostroot/v1",
      pool: {
        platforms: {
          "debian-12": {
            hosts: [
              {
                name: "h1",
                address: "192.0.2.1",
                hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests",
                lxcPath: this.lxcPath,
              },
            ],
          },
        },
      },
      policy: { mounts: { allowedSources: ["/srv"] } },
    });
  }

  /** A container as a deploy leaves it: its dir, a config and a state file (with `owner` when given). */
  container(name: string, owner: Owner | undefined, definitionHash = "a".repeat(64)): void {
    mkdirSync(join(this.lxcPath, name, "delta0"), { recursive: true });
    writeFileSync(join(this.lxcPath, name, "config"), `lxc.uts.name = ${name}\n`);
    const state = renderStateFile({
      name,
      definitionHash,
      commit: "c0ffee",
      deployedAt: "2024-01-01T00:00:00Z",
      replica: 0,
      owner: owner ?? { id: "local:x", name: "x" },
    });
    const text = owner ? state : `${JSON.stringify({ ...JSON.parse(state), owner: undefined })}\n`;
    writeFileSync(join(this.lxcPath, name, "hostroot.json"), text);
  }

  /** An LXC container hostroot did not create: a config, no state file. */
  unmanaged(name: string): void {
    mkdirSync(join(this.lxcPath, name, "rootfs"), { recursive: true });
    writeFileSync(join(this.lxcPath, name, "config"), `lxc.uts.name = ${name}\n`);
  }

  /** Step ids of every recorded script, in order. */
  stepIds(): string[] {
    return this.scripts.flatMap((s) =>
      [...s.matchAll(/'::hostroot-step ([A-Za-z0-9._:-]+) begin -'/g)].map((m) => m[1] as string),
    );
  }

  async exec(_host: PoolHost, script: string): Promise<ExecResult> {
    if (script.includes("hostroot-status") && !script.includes("::hostroot-step")) {
      const r = spawnSync("sh", ["-s"], { input: script, encoding: "utf8" });
      return { code: r.status, signal: null, stdout: r.stdout, stderr: r.stderr, durationMs: 1 };
    }
    this.scripts.push(script);
    const lines = ["::hostroot-lock acquired"];
    for (const id of [...script.matchAll(/'::hostroot-step ([A-Za-z0-9._:-]+) begin -'/g)].map((m) => m[1])) {
      lines.push(`::hostroot-step ${id} begin -`);
      if (this.fail?.test(id ?? "")) {
        lines.push(`::hostroot-step ${id} failed 1`);
        return { code: 1, signal: null, stdout: `${lines.join("\n")}\n`, stderr: "", durationMs: 1 };
      }
      lines.push(`::hostroot-step ${id} ok 0`);
    }
    lines.push("::hostroot-done");
    return { code: 0, signal: null, stdout: `${lines.join("\n")}\n`, stderr: "", durationMs: 1 };
  }

  async close(): Promise<void> {
    rmSync(this.lxcPath, { recursive: true, force: true });
  }
}
