import type { Config, PoolHost } from "./configSchema.js";
import { poolHosts } from "./configSchema.js";

/** One group of hosts worked on together; a rollout finishes a batch before it starts the next. */
export interface RolloutBatch<T> {
  kind: "canary" | "batch";
  hosts: T[];
}

/** The rollout settings batching needs (a subset of `policy.rollout`). */
export interface BatchSettings {
  canary: number;
  batchSize: number;
}

/**
 * Splits hosts, in pool order, into the order a rolling upgrade visits them: `canary` hosts
 * alone first (one batch each, so a bad package stops at the first host), then batches of
 * `batchSize`. Every host appears exactly once.
 */
export function rolloutBatches<T>(hosts: readonly T[], settings: BatchSettings): RolloutBatch<T>[] {
  if (!Number.isInteger(settings.batchSize) || settings.batchSize < 1)
    throw new Error("rolloutBatches: batchSize must be a positive integer");
  const canary = Math.max(0, Math.min(settings.canary, hosts.length));
  const out: RolloutBatch<T>[] = hosts.slice(0, canary).map((h) => ({ kind: "canary", hosts: [h] }));
  for (let i = canary; i < hosts.length; i += settings.batchSize)
    out.push({ kind: "batch", hosts: hosts.slice(i, i + settings.batchSize) });
  return out;
}

/** True once more hosts failed than the policy tolerates: the rollout stops starting hosts. */
export function rolloutHalted(failedHosts: number, maxFailures: number): boolean {
  return failedHosts > maxFailures;
}

/** Which hosts an operation targets, or why the request is unusable (a usage error, exit 2). */
export type HostSelection = { kind: "ok"; hosts: PoolHost[] } | { kind: "usage"; message: string };

/**
 * The pool hosts matching `--platform` and `--hosts`, in pool order. Unknown names are refused
 * with the valid ones listed, so a typo never silently shrinks a rollout.
 */
export function selectHosts(
  config: Config,
  filter: { platform?: string; hosts?: readonly string[] },
): HostSelection {
  const all = poolHosts(config);
  const platforms = Object.keys(config.pool.platforms);
  if (filter.platform !== undefined && !platforms.includes(filter.platform)) {
    return {
      kind: "usage",
      message: `unknown platform ${filter.platform}; the pool has: ${platforms.join(", ")}`,
    };
  }
  const names = filter.hosts ?? [];
  const valid = all.map((h) => h.name);
  const unknown = names.filter((n) => !valid.includes(n));
  if (unknown.length > 0) {
    const what = unknown.length === 1 ? "unknown host" : "unknown hosts";
    return { kind: "usage", message: `${what} ${unknown.join(", ")}; the pool has: ${valid.join(", ")}` };
  }
  const hosts = all.filter(
    (h) =>
      (filter.platform === undefined || h.platform === filter.platform) &&
      (names.length === 0 || names.includes(h.name)),
  );
  if (hosts.length === 0) {
    return {
      kind: "usage",
      message: `no host is both on platform ${filter.platform} and in ${names.join(", ")}`,
    };
  }
  return { kind: "ok", hosts };
}
