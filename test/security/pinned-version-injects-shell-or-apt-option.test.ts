import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/core/configSchema.js";
import { parseSlashCommand } from "../../src/core/parseSlashCommand.js";
import { upgradeScript } from "../../src/core/upgradeScript.js";
import type { RemoteExecutor } from "../../src/ports/remoteExecutor.js";
import { upgradeHosts } from "../../src/workflows/upgradeHosts.js";

/**
 * Attack: pinned versions (`PKG=VERSION`) put a second user-chosen word on the apt command line
 * of every host, as root. A version that carries shell syntax (`1.0;id`, `1.0$(id)`) would run a
 * command if it reached the script unquoted; one that starts like an option
 * (`-oAPT::Get::AllowUnauthenticated=1`) would change what apt does if it reached apt as its own
 * word; a `=` inside it would pin another package. Each is refused at parse, in the slash command
 * and in the CLI's workflow, and never reaches a host: the executor is never called.
 */
const hostile = [
  "1.0;id",
  "1.0$(id)",
  "1.0`id`",
  "1.0 --allow-unauthenticated",
  "-oAPT::Get::AllowUnauthenticated=1",
  "--allow-downgrades",
  "1.0=2.0",
  "1.0\nid",
];

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEq6Jm3z0zQn6G1Q2m3n4o5p6q7r8s9t0u1v2w3x4y5z";
const config = configSchema.parse({
  apiVersion: "hostroot/v1",
  pool: { platforms: { "debian-12": { hosts: [{ name: "h1", address: "h1", hostKey: key }] } } },
});

describe("attack: a pinned version that injects shell or apt options", () => {
  it("the slash command answers with usage and never yields a command", () => {
    // A newline ends a comment's command line: the next line is plain text, not part of it.
    for (const version of hostile.filter((v) => !v.includes("\n"))) {
      const r = parseSlashCommand(`/upgrade-hosts libc6=${version}`);
      expect(r.kind, version).not.toBe("command");
    }
  });

  it("the workflow (the CLI's path) refuses it before contacting any host", async () => {
    const calls: string[] = [];
    const executor: RemoteExecutor = {
      async exec(host) {
        calls.push(host.name);
        return { code: 0, signal: null, stdout: "", stderr: "", durationMs: 1 };
      },
      async close() {},
    };
    for (const version of hostile) {
      const out = await upgradeHosts(
        {
          config,
          packages: [`libc6=${version}`],
          allowDowngrade: true,
          dryRun: false,
          definitions: [],
          holder: "attack",
        },
        { executor },
      );
      expect(out.kind, version).toBe("usage");
    }
    expect(calls).toEqual([]);
  });

  it("the host script refuses to be built with it", () => {
    for (const version of hostile)
      expect(() =>
        upgradeScript({
          packages: ["libc6"],
          versions: { libc6: version },
          lxcPath: "/var/lib/lxc",
          dryRun: false,
          definitions: [],
          dpkgLockTimeoutSeconds: 30,
          lock: { holder: "attack", timeoutSeconds: 60 },
        }),
      ).toThrow(/bad pinned version/);
  });
});
