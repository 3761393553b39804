import { clampTimerMs } from "../core/clampTimerMs.js";
import type { Config, PoolHost } from "../core/configSchema.js";
import { DEBIAN_PACKAGE } from "../core/debianPackage.js";
import type { Definition } from "../core/definitionSchema.js";
import type { HostResult, OperationOutcome, OperationResult } from "../core/operationResult.js";
import { summarise } from "../core/operationResult.js";
import { parseUpgradeReport } from "../core/parseUpgradeReport.js";
import { selectHosts } from "../core/rolloutBatches.js";
import { PACKAGE_VERSION } from "../core/slashCommands.js";
import { upgradeScript } from "../core/upgradeScript.js";
import { HostUnreachableError, type RemoteExecutor } from "../ports/remoteExecutor.js";
import { notRunHost, runRollout } from "./runRollout.js";

/** What `upgrade-hosts` was asked to do. */
export interface UpgradeHostsRequest {
  config: Config;
  /** Debian package names, each optionally pinned to one version (`PKG=VERSION`). */
  packages: readonly string[];
  /** Lets a pinned version older than the installed one be installed (else the host refuses it). */
  allowDowngrade?: boolean;
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

/**
 * `PKG` or `PKG=VERSION` words into names and pinned versions, each checked against Debian's
 * grammar (a version starts with a digit: `-oAPT::...` or `1.0;id` never reaches a host).
 */
function splitPackageSpecs(
  words: readonly string[],
): { kind: "ok"; names: string[]; versions: Record<string, string> } | { kind: "usage"; message: string } {
  const names: string[] = [];
  const versions: Record<string, string> = {};
  for (const word of words) {
    const eq = word.indexOf("=");
    const name = eq < 0 ? word : word.slice(0, eq);
    if (!DEBIAN_PACKAGE.test(name)) return { kind: "usage", message: `not a Debian package name: ${name}` };
    if (names.includes(name)) return { kind: "usage", message: `package ${name} is named twice` };
    names.push(name);
    if (eq < 0) continue;
    const version = word.slice(eq + 1);
    if (!PACKAGE_VERSION.test(version))
      return { kind: "usage", message: `not a Debian version (like 2.36-9+deb12u4): ${version}` };
    versions[name] = version;
  }
  return { kind: "ok", names, versions };
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
  if (req.packages.length === 0) return { kind: "usage", message: "name at least one package" };
  const specs = splitPackageSpecs(req.packages);
  if (specs.kind === "usage") return specs;
  const { names, versions } = specs;
  if (req.allowDowngrade && Object.keys(versions).length === 0)
    return { kind: "usage", message: "--allow-downgrade needs a pinned version (PKG=VERSION)" };
  const pinned = Object.keys(versions).length === 0 ? {} : { versions };
  const allowDowngrade = req.allowDowngrade === true ? { allowDowngrade: true } : {};
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
      packages: names,
      ...pinned,
      ...allowDowngrade,
      lxcPath: host.lxcPath,
      dryRun: req.dryRun,
      definitions: req.definitions,
      dpkgLockTimeoutSeconds: dpkgLock,
      lock: { timeoutSeconds: rollout.lockTimeoutSeconds, holder: req.holder },
    });
    const input = {
      host,
      packages: names,
      ...pinned,
      ...allowDowngrade,
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
    connectAhead: (hosts) => deps.executor.connectAhead?.(hosts),
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
