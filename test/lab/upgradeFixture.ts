import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import type { PoolHost } from "../../src/core/configSchema.js";
import { definitionHash, policyMasks } from "../../src/core/definitionHash.js";
import { type Definition, definitionSchema } from "../../src/core/definitionSchema.js";
import { hostScript } from "../../src/core/hostScript.js";
import { hostSteps } from "../../src/core/hostSteps.js";
import { lockedHostScript } from "../../src/core/lockedHostScript.js";
import { labSkipReason, startTestLab, type TestLab, takeLabTestLock } from "./labFixture.js";

export { labSkipReason, takeLabTestLock };

/** A web container: a python http.server started by hostroot, health-checked over loopback. */
export function webDefinition(name: string, health = "index.html"): Definition {
  return definitionSchema.parse({
    apiVersion: "hostroot/v1",
    name,
    platform: "debian-12",
    setup: [["sh", "-c", "mkdir -p /srv/www && echo hello >/srv/www/index.html"]],
    service: {
      command: [
        "/usr/bin/python3",
        "-m",
        "http.server",
        "8080",
        "--bind",
        "127.0.0.1",
        "--directory",
        "/srv/www",
      ],
    },
    health: {
      command: [
        "python3",
        "-c",
        `import urllib.request as u; u.urlopen('http://127.0.0.1:8080/${health}', timeout=2)`,
      ],
      retries: 5,
      intervalSeconds: 0.3,
    },
  });
}

/**
 * A container whose service loads the demo package's shared library and keeps it mapped
 * (`demofoo-hold`, shipped by the package): it shows stale mappings after a host upgrade. With
 * `health`, it is healthy once a process of it maps the library (the service loaded it).
 */
export function holderDefinition(name: string, options: { health?: boolean } = {}): Definition {
  return definitionSchema.parse({
    apiVersion: "hostroot/v1",
    name,
    platform: "debian-12",
    service: { command: ["/usr/bin/demofoo-hold"] },
    ...(options.health
      ? {
          health: {
            command: ["sh", "-c", "grep -l libdemofoo /proc/[0-9]*/maps"],
            retries: 5,
            intervalSeconds: 0.3,
          },
        }
      : {}),
  });
}

/** The parts of a config file the tests edit. */
export interface RawConfig {
  pool: { platforms: Record<string, { hosts: Record<string, unknown>[] }> };
  policy?: Record<string, unknown>;
}

/** The shared test lab plus what upgrade tests need: policy-tweaked config copies. */
export interface UpgradeLab extends TestLab {
  /** A scratch directory for config copies and definition files, removed by close(). */
  scratchDir: string;
  /** Writes a copy of the lab config with `edit` applied; returns its path. */
  configCopy(name: string, edit: (raw: RawConfig) => void): string;
}

/** Brings up `hosts` lab hosts under `.lab/<stateDirName>`, with the lxcbr0 bridge on each. */
export async function startUpgradeLab(stateDirName: string, hosts = 3): Promise<UpgradeLab> {
  const lab = await startTestLab(stateDirName, hosts);
  const bridge =
    "ip link show lxcbr0 >/dev/null 2>&1 || { ip link add lxcbr0 type bridge && ip link set lxcbr0 up; }";
  await Promise.all(lab.hosts.map((h) => lab.sh(h.name, ["sh", "-c", bridge])));
  const scratchDir = mkdtempSync(join(tmpdir(), "hostroot-upgrade-test-"));
  return {
    ...lab,
    scratchDir,
    async close() {
      rmSync(scratchDir, { recursive: true, force: true });
      await lab.close();
    },
    configCopy(name, edit) {
      const raw = parse(readFileSync(lab.info.configPath, "utf8")) as RawConfig;
      edit(raw);
      const path = join(scratchDir, `${name}.yml`);
      writeFileSync(path, stringify(raw));
      return path;
    },
  };
}

/** Creates `def` on `host` with the product's own create steps, as a deploy would. */
export async function createContainer(lab: UpgradeLab, host: string, def: Definition): Promise<void> {
  const h = lab.hosts.find((p) => p.name === host) as PoolHost;
  const step = {
    kind: "create" as const,
    host,
    container: def.name,
    replica: 0,
    definitionHash: definitionHash(def, policyMasks(lab.config)),
    destructive: false,
    reason: "test",
  };
  const steps = hostSteps(step, {
    host: h,
    config: lab.config,
    definition: def,
    commit: "c0ffee1",
    deployedAt: "2024-01-01T00:00:00Z",
    owner: { id: "github:1296269", name: "acme/containers" },
  });
  const script = lockedHostScript(hostScript(steps), { holder: "test deploy", timeoutSeconds: 30 });
  const r = await lab.executor.exec(h, script, { timeoutMs: 120_000 });
  if (r.code !== 0)
    throw new Error(`create ${def.name} on ${host} failed (${r.code}): ${r.stdout}\n${r.stderr}`);
}

/** Runs argv inside a container on a host (lxc-attach), returning stdout. */
export function inContainer(
  lab: UpgradeLab,
  host: string,
  name: string,
  argv: readonly string[],
): Promise<string> {
  return lab.sh(host, ["lxc-attach", "-n", name, "-P", "/var/lib/lxc", "--clear-env", "--", ...argv]);
}

/** The demo package's files as a container sees them. */
export const VERSION_FILE = "/usr/lib/demo-libfoo/VERSION";
