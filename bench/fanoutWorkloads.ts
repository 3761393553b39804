import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { DEMO_PACKAGE, type LabInfo } from "../src/adapters/lab/index.js";
import { SshExecutor } from "../src/adapters/ssh/sshExecutor.js";
import { configSchema, type PoolHost, poolHosts } from "../src/core/configSchema.js";
import { shellQuote } from "../src/core/shellQuote.js";

/** What every tool runs on every host, once per timed run. */
export type Workload = "true" | "apt";

/** The version the timed apt workload upgrades to, and the one each host is reset to before it. */
export const UPGRADE_TO = "1.1";
export const RESET_TO = "1.0";

const noninteractive = shellQuote(["export", "DEBIAN_FRONTEND=noninteractive"]);

/** One workload as each kind of tool expresses it. */
export interface WorkloadSpec {
  label: string;
  /** The shell script that hostroot and parallel-ssh run on each host. */
  script: string;
  /** Ansible's idiomatic ad-hoc form: module and its arguments. */
  ansible: { module: string; args: string };
}

/** The two workloads. The apt one is the brief's command; Ansible uses its `apt` module. */
export const WORKLOADS: Record<Workload, WorkloadSpec> = {
  true: { label: "true", script: "true", ansible: { module: "command", args: "true" } },
  apt: {
    label: `apt upgrade ${DEMO_PACKAGE}`,
    script: [
      noninteractive,
      `${shellQuote(["apt-get", "update"])} && ${shellQuote(["apt-get", "install", "--only-upgrade", "-y", DEMO_PACKAGE])}`,
    ].join("\n"),
    ansible: {
      module: "apt",
      args: `name=${DEMO_PACKAGE} state=latest update_cache=yes only_upgrade=yes`,
    },
  },
};

// Untimed, between apt runs: back to the old version, and forget the repository's index, so that
// every timed `apt-get update` reads a changed index as it would after a real publish (else only
// the first run would). The lists' file names depend on apt; the lab repository is the hosts' only source.
const RESET_SCRIPT = [
  noninteractive,
  `${shellQuote(["apt-get", "install", "-qq", "-y", "--allow-downgrades", `${DEMO_PACKAGE}=${RESET_TO}`])} >/dev/null`,
  "find /var/lib/apt/lists -maxdepth 1 -type f ! -name lock -delete",
].join("\n");
// dpkg-query's own format syntax, not a template placeholder.
const VERSION_SCRIPT = shellQuote(["dpkg-query", "-W", "-f", "$" + "{Version}", DEMO_PACKAGE]);

/** The lab's hosts as hostroot reads them: from the lab's generated pool config. */
export function labPoolHosts(info: LabInfo): PoolHost[] {
  return poolHosts(configSchema.parse(parse(readFileSync(info.configPath, "utf8"))));
}

/**
 * Untimed bookkeeping over hostroot's own executor (one connection per host for the whole
 * benchmark): reset the demo package, and check what a timed run really did.
 */
export class LabHosts {
  private readonly executor: SshExecutor;
  readonly pool: PoolHost[];

  constructor(info: LabInfo) {
    this.pool = labPoolHosts(info);
    this.executor = new SshExecutor({
      privateKey: readFileSync(info.privateKeyPath),
      maxConcurrentHosts: this.pool.length,
    });
  }

  /** Runs `script` on every host and returns each stdout; throws naming the hosts that failed. */
  async everywhere(script: string): Promise<string[]> {
    const results = await Promise.all(this.pool.map((h) => this.executor.exec(h, script)));
    const bad = results.flatMap((r, i) =>
      r.code === 0 ? [] : [`${this.pool[i]?.name}: ${r.failure ?? r.code ?? r.signal} ${r.stderr.trim()}`],
    );
    if (bad.length) throw new Error(`on ${bad.length} hosts:\n${bad.slice(0, 5).join("\n")}`);
    return results.map((r) => r.stdout);
  }

  /** Throws unless every host has `version` of the demo package installed. */
  async expectVersion(version: string, after: string): Promise<void> {
    const seen = await this.everywhere(VERSION_SCRIPT);
    const wrong = seen.flatMap((v, i) => (v.trim() === version ? [] : [`${this.pool[i]?.name}=${v.trim()}`]));
    if (wrong.length)
      throw new Error(`after ${after}, expected ${DEMO_PACKAGE} ${version}: ${wrong.join(" ")}`);
  }

  /** Puts every host back on the old version with no apt index, and checks it. */
  async resetPackage(): Promise<void> {
    await this.everywhere(RESET_SCRIPT);
    await this.expectVersion(RESET_TO, "the reset");
  }

  close(): Promise<void> {
    return this.executor.close();
  }
}
