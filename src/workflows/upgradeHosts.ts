import { clampTimerMs } from "../core/clampTimerMs.js";
import type { Config, PoolHost } from "../core/configSchema.js";
import { DEBIAN_PACKAGE } from "../core/debianPackage.js";
import type { Definition } from "../core/definitionSchema.js";
import type { HostResult, OperationOutcome, OperationResult } from "../core/operationResult.js";
import { summarise } from "../core/operationResult.js";
import { parseUpgradeReport } from "../core/parseUpgradeReport.js";
import { selectHosts } from "../core/rolloutBatches.js";
import { upgradeScript } from "../core/upgradeScript.js";
import { HostUnreachableError, type RemoteExecutor } from "../ports/remoteExecutor.js";
import { notRunHost, runRollout } from "./runRollout.js";

/** What `upgrade-hosts` was asked to do. */
export interface UpgradeHostsRequest {
  config: Config;
  packages: readonly string[];
  platform?: string;
  hosts?: readonly string[];
  dryRun: boolean;
  /** Definitions of the containers (service and health after the restart); others only stop/start. */
  definitions: readonly Definition[];
  /** apt's wait for a dpkg lock held by someone else; default a quarter of the command timeout, at most 120 s. */
  dpkgLockTimeoutSeconds?: number;
  /** Who and what, shown to whoever waits for the host lock ("upgrade-hosts libc6 by @alice"). */
  holder: string;
}

/** The ports and hooks an operation runs with. */
export interface OperationDeps {
  executor: RemoteExecutor;
  now?: () => Date;
  signal?: AbortSignal;
  /** Called as each host finishes, in finishing order. */
  onHostDone?: (host: HostResult) => void | Promise<void>;
}

/** A request that cannot run (bad package name, unknown host or platform) or the operation's result. */
export type UpgradeHostsOutcome =
  | { kind: "usage"; message: string }
  | { kind: "done"; result: OperationResult };

function summary(
  req: UpgradeHostsRequest,
  outcome: OperationOutcome,
  hosts: HostResult[],
  label: string,
): string {
  const counts = summarise({ hosts } as OperationResult).hosts;
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  const what = `${req.dryRun ? "dry run: " : ""}upgrade ${req.packages.join(" ")} on ${label}`;
  return `${what}: ${outcome} (${parts.join(", ")})`;
}

/**
 * The rolling host-package upgrade: canary hosts first, then batches (policy.rollout); on each
 * host ONE script under the host lock resolves each name to exactly one installed package,
 * upgrades them (never removing a package), fully stops and starts every hostroot container,
 * starts its service, checks its health, and proves from inside that each running container
 * sees the host's new version and maps no replaced file (and from the host that its delta
 * shadows no file of the packages); any of these not proven fails the host. Halts once more
 * hosts failed than `maxFailures`; the hosts not reached are `not-run`.
 */
export async function upgradeHosts(
  req: UpgradeHostsRequest,
  deps: OperationDeps,
): Promise<UpgradeHostsOutcome> {
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
  const rollout = req.config.policy.rollout;
  const dpkgLock =
    req.dpkgLockTimeoutSeconds ?? Math.min(120, Math.max(1, Math.floor(rollout.commandTimeoutSeconds / 4)));
  // The lock wait is not the command's time: the exec may take both.
  const timeoutSeconds = rollout.commandTimeoutSeconds + rollout.lockTimeoutSeconds;

  const runHost = async (host: PoolHost): Promise<HostResult> => {
    const script = upgradeScript({
      packages: req.packages,
      lxcPath: host.lxcPath,
      dryRun: req.dryRun,
      definitions: req.definitions,
      dpkgLockTimeoutSeconds: dpkgLock,
      lock: { timeoutSeconds: rollout.lockTimeoutSeconds, holder: req.holder },
    });
    const input = {
      host,
      packages: req.packages,
      dryRun: req.dryRun,
      definitions: req.definitions,
      lockTimeoutSeconds: rollout.lockTimeoutSeconds,
      timeoutSeconds,
    };
    try {
      const exec = await deps.executor.exec(host, script, {
        timeoutMs: clampTimerMs(timeoutSeconds * 1000),
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      return parseUpgradeReport({ ...input, exec });
    } catch (error) {
      if (error instanceof HostUnreachableError)
        return parseUpgradeReport({ ...input, unreachable: error.message });
      throw error;
    }
  };
  const done = await runRollout(selection.hosts, rollout, runHost, notRunHost, {
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.onHostDone ? { onHostDone: deps.onHostDone } : {}),
  });
  const anyFailed = done.hosts.some((h) => h.outcome === "failed" || h.outcome === "unreachable");
  const outcome: OperationOutcome = done.cancelled
    ? "cancelled"
    : done.halted
      ? "halted"
      : anyFailed
        ? "failed"
        : "succeeded";
  const label = req.hosts?.length ? req.hosts.join(", ") : (req.platform ?? "all platforms");
  return {
    kind: "done",
    result: {
      operation: "upgrade-hosts",
      dryRun: req.dryRun,
      startedAt,
      finishedAt: now().toISOString(),
      outcome,
      summary: summary(req, outcome, done.hosts, label),
      hosts: done.hosts,
    },
  };
}
