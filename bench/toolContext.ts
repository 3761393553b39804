import type { LabInfo } from "../src/adapters/lab/index.js";
import type { PoolHost } from "../src/core/configSchema.js";
import type { Workload } from "./fanoutWorkloads.js";

/** One way of running a workload on every lab host at once. */
export interface FanoutTool {
  name: string;
  /** How it is set up (connection sharing, parallelism), for the report. */
  notes: string;
  /** One timed run on every host; throws if any host failed. */
  run(workload: Workload): Promise<void>;
  /** Untimed cleanup after each run (e.g. ending SSH connection masters). */
  afterRun?(): Promise<void>;
}

/** What every tool is given: the lab, its hosts as hostroot reads them, and a scratch directory. */
export interface ToolContext {
  info: LabInfo;
  pool: PoolHost[];
  workDir: string;
}

/**
 * The OpenSSH client options every OpenSSH-based tool gets: the lab's key only, its known_hosts
 * only, strict host key checking, no user or system ssh config. No ControlMaster (OpenSSH's default).
 */
export function opensshOptions(info: LabInfo): string[] {
  return [
    "-F",
    "/dev/null",
    "-i",
    info.privateKeyPath,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "BatchMode=yes",
    "-o",
    `UserKnownHostsFile=${info.knownHostsPath}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    "StrictHostKeyChecking=yes",
  ];
}

/** Throws unless `output` reports success (per `pattern`, global) for exactly `hosts` hosts. */
export function expectSuccesses(tool: string, output: string, pattern: RegExp, hosts: number): void {
  const seen = output.match(pattern)?.length ?? 0;
  if (seen !== hosts)
    throw new Error(`${tool} reported success on ${seen} of ${hosts} hosts:\n${output.slice(-2000)}`);
}
