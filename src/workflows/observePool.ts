import pLimit from "p-limit";
import { type Config, type PoolHost, poolHosts } from "../core/configSchema.js";
import type { ObservedState } from "../core/observedState.js";
import type { HostResult, OperationResult } from "../core/operationResult.js";
import { type HostStatus, parseStatusOutput } from "../core/parseStatusOutput.js";
import { statusScript } from "../core/statusScript.js";
import { HostUnreachableError, type RemoteExecutor } from "../ports/remoteExecutor.js";

/** Options for {@link observePool}. */
export interface ObservePoolOptions {
  /** Host packages whose version to read on each host and from inside each running container. */
  packages?: readonly string[];
  /** Only these hosts (names); default the whole pool. */
  hosts?: readonly string[];
  /** Only report this container (every host is still read). */
  container?: string;
  signal?: AbortSignal;
  onHostDone?: (host: HostResult) => void;
  now?: () => Date;
}

/** What the pool reported: the snapshot a plan reads, each host's status, and the status result. */
export interface PoolObservation {
  observed: ObservedState;
  /** By host name; absent for unreachable hosts. */
  statuses: Map<string, HostStatus>;
  /** Per host, things an operator should know (host root not bound, unreadable state files). */
  notes: Map<string, string[]>;
  result: OperationResult;
}

/**
 * Reads every host with ONE exec each (bounded by the policy's rollout concurrency): state files,
 * LXC state, the host root bind, and package versions on request. A host that cannot be reached,
 * or whose report ends early, is observed as unreachable, so a plan made from it never destroys
 * anything there.
 */
export async function observePool(
  executor: RemoteExecutor,
  config: Config,
  options: ObservePoolOptions = {},
): Promise<PoolObservation> {
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const wanted = options.hosts ? new Set(options.hosts) : undefined;
  const hosts = poolHosts(config).filter((h) => !wanted || wanted.has(h.name));
  const limit = pLimit(config.policy.rollout.concurrency);
  const statuses = new Map<string, HostStatus>();
  const notes = new Map<string, string[]>();
  const timeoutMs = config.policy.rollout.commandTimeoutSeconds * 1000;

  const observeOne = async (host: PoolHost): Promise<HostResult> => {
    const base = { host: host.name, platform: host.platform, steps: [] };
    let stdout: string;
    try {
      const r = await executor.exec(host, statusScript(host.lxcPath, options.packages ?? []), {
        timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (r.truncated)
        return {
          ...base,
          outcome: "failed",
          error: "the status report was cut off at the output limit: nothing of it is trusted",
        };
      if (r.code !== 0 || r.failure) {
        const why = r.failure ?? `exit ${r.code ?? r.signal}`;
        return {
          ...base,
          outcome: "unreachable",
          error: `status script failed (${why}): ${r.stderr.trim().slice(-300)}`,
        };
      }
      stdout = r.stdout;
    } catch (error) {
      if (error instanceof HostUnreachableError)
        return { ...base, outcome: "unreachable", error: error.message };
      throw error;
    }
    const status = parseStatusOutput(host.name, stdout);
    if (!status.complete)
      return {
        ...base,
        outcome: status.malformed ? "failed" : "unreachable",
        error: status.malformed
          ? `the status report is not the script's own (${status.malformed}): nothing of it is trusted`
          : "the status report ended early",
      };
    statuses.set(host.name, status);
    const hostNotes = [...status.warnings];
    if (!status.hostRootMounted)
      hostNotes.push(`the host root is not bound (run \`hostroot hosts prepare\`)`);
    notes.set(host.name, hostNotes);
    const containers = status.containers.filter((c) => !options.container || c.name === options.container);
    return {
      ...base,
      outcome: "succeeded",
      packages: status.packages,
      containers,
      ...(status.unattended && status.unattended.kind !== "none" ? { unattended: status.unattended } : {}),
    };
  };

  const hostResults = await Promise.all(
    hosts.map((h) =>
      limit(async () => {
        const r = await observeOne(h);
        options.onHostDone?.(r);
        return r;
      }),
    ),
  );
  const observed: ObservedState = {
    hosts: hosts.map((h) => {
      const s = statuses.get(h.name);
      return s ? s.observation : { host: h.name, reachable: false, containers: [] };
    }),
  };
  const containers = hostResults.flatMap((h) => h.containers ?? []);
  const running = containers.filter((c) => c.state === "running").length;
  const down = hostResults.filter((h) => h.outcome === "unreachable" || h.outcome === "failed").length;
  const what = options.container ? `container ${options.container}` : "the pool";
  const summary =
    `status of ${what}: ${containers.length} container(s), ${running} running, on ${hosts.length} host(s)` +
    (down > 0 ? `; ${down} unreachable or failed` : "");
  const result: OperationResult = {
    operation: "status",
    dryRun: false,
    startedAt,
    finishedAt: now().toISOString(),
    outcome: down > 0 ? "failed" : "succeeded",
    summary,
    hosts: hostResults,
  };
  return { observed, statuses, notes, result };
}
