import { affectedScript, parseAffectedReport } from "../core/affectedScript.js";
import { clampTimerMs } from "../core/clampTimerMs.js";
import type { Config, PoolHost } from "../core/configSchema.js";
import { DEBIAN_PACKAGE } from "../core/debianPackage.js";
import type { HostResult } from "../core/operationResult.js";
import { selectHosts } from "../core/rolloutBatches.js";
import { HostUnreachableError } from "../ports/remoteExecutor.js";
import { notRunHost, runRollout } from "./runRollout.js";
import type { OperationDeps, UpgradeHostsOutcome } from "./upgradeHosts.js";

/** What `affected` was asked. */
export interface AffectedRequest {
  config: Config;
  packages: readonly string[];
  platform?: string;
  hosts?: readonly string[];
  /** Unused by the read-only scan (it takes no lock); kept so every operation names its requester. */
  holder: string;
}

/**
 * `affected PKG`: on every host at once (one read-only exec each, no lock), which containers use
 * the host's copy of the package's files and which shadow them in their delta (own copy,
 * whiteout, symlink or opaque dir) and so would not get a fix by `upgrade-hosts`; running
 * containers also report the version they see and processes still mapping replaced files.
 */
export async function affected(req: AffectedRequest, deps: OperationDeps): Promise<UpgradeHostsOutcome> {
  const bad = req.packages.filter((p) => !DEBIAN_PACKAGE.test(p));
  if (req.packages.length === 0) return { kind: "usage", message: "name at least one package" };
  if (bad.length > 0) return { kind: "usage", message: `not a Debian package name: ${bad.join(", ")}` };
  const selection = selectHosts(req.config, {
    ...(req.platform === undefined ? {} : { platform: req.platform }),
    ...(req.hosts === undefined ? {} : { hosts: req.hosts }),
  });
  if (selection.kind === "usage") return selection;
  const now = deps.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const { rollout } = req.config.policy;
  const timeoutSeconds = rollout.commandTimeoutSeconds;
  const runHost = async (host: PoolHost): Promise<HostResult> => {
    const input = { host, packages: req.packages, timeoutSeconds };
    try {
      const exec = await deps.executor.exec(host, affectedScript(req.packages, host.lxcPath), {
        timeoutMs: clampTimerMs(timeoutSeconds * 1000),
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      return parseAffectedReport({ ...input, exec });
    } catch (error) {
      if (error instanceof HostUnreachableError)
        return parseAffectedReport({ ...input, unreachable: error.message });
      throw error;
    }
  };
  // Read-only: no canary and no failure budget, every host at once.
  const all = selection.hosts.length;
  const done = await runRollout(
    selection.hosts,
    { canary: 0, batchSize: all, maxFailures: all, concurrency: rollout.concurrency },
    runHost,
    notRunHost,
    {
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.onHostDone ? { onHostDone: deps.onHostDone } : {}),
    },
  );
  const containers = done.hosts.flatMap((h) => h.containers ?? []);
  const shadowing = containers.filter((c) => (c.shadowed ?? []).length > 0).length;
  const stale = containers.filter(
    (c) => (c.staleMappings ?? 0) > 0 || (c.staleProcesses ?? []).length > 0,
  ).length;
  const unknown = containers.filter((c) => (c.staleUnknown ?? []).length > 0).length;
  const missed = done.hosts.filter((h) => h.outcome !== "succeeded").length;
  const parts = [`${shadowing} of ${containers.length} containers shadow its files`];
  if (stale > 0) parts.push(`${stale} still map replaced files (restart them)`);
  if (unknown > 0) parts.push(`${unknown} whose mappings could not be read (stale unknown)`);
  if (missed > 0) parts.push(`${missed} hosts without a full answer (see their errors)`);
  return {
    kind: "done",
    result: {
      operation: "affected",
      dryRun: false,
      startedAt,
      finishedAt: now().toISOString(),
      outcome: done.cancelled ? "cancelled" : missed > 0 ? "failed" : "succeeded",
      summary: `affected ${req.packages.join(" ")}: ${parts.join("; ")}`,
      hosts: done.hosts,
    },
  };
}
