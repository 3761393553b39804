import pLimit from "p-limit";
import { type Config, poolHosts } from "../core/configSchema.js";
import { policyMasks } from "../core/definitionHash.js";
import type { Definition } from "../core/definitionSchema.js";
import type { HostResult, OperationResult, StepResult } from "../core/operationResult.js";
import { parsePrepareReport, prepareSteps } from "../core/prepareScript.js";
import {
  DEFAULT_SECURITY_ORIGINS,
  UNATTENDED_APT_CONF,
  unattendedAptConf,
} from "../core/unattendedAptConf.js";
import { unattendedHookScript, unattendedPaths } from "../core/unattendedHook.js";
import { isUnprivileged } from "../core/unprivileged.js";
import { HostUnreachableError, type RemoteExecutor } from "../ports/remoteExecutor.js";
import { runHostSteps } from "./runHostSteps.js";

/** What `hosts prepare` needs; definitions name the bridges their containers attach to. */
export interface PrepareHostsInput {
  config: Config;
  definitions: ReadonlyArray<{ definition: Definition }>;
  executor: RemoteExecutor;
  /** apt-get install lxc where it is missing (default: report it as a failure). */
  install?: boolean;
  hosts?: readonly string[];
  /**
   * `--unattended`: unattended-upgrades for `origins` (default: the security archives) and the
   * post-dpkg hook that restarts, with this platform's definitions, the containers mapping
   * replaced files.
   */
  unattended?: { origins?: readonly string[] };
  holder: string;
  dryRun?: boolean;
  signal?: AbortSignal;
  onHostDone?: (host: HostResult) => void;
  now?: () => Date;
}

/**
 * Makes every host ready for containers, idempotently, one locked script per host: LXC present,
 * `/` bound read-only and non-recursively at `<lxcPath>/host/rootfs` and in /etc/fstab, each
 * bridge the host's platform's definitions use among `policy.network.allowedBridges` (all of those
 * when they use none), the lock directory; and where a container of the platform runs
 * unprivileged (or the policy makes that the default), the id range in /etc/subuid and
 * /etc/subgid, the rootfs hook and the idmapped bind of `/`. A step that found its work
 * already done is `skipped`; one that changed something is `applied` and says what it changed.
 */
export async function prepareHosts(input: PrepareHostsInput): Promise<OperationResult> {
  const now = input.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const { rollout } = input.config.policy;
  const limit = pLimit(rollout.concurrency);
  const pool = poolHosts(input.config).filter((h) => !input.hosts || input.hosts.includes(h.name));
  const hosts = await Promise.all(
    pool.map((host) =>
      limit(async (): Promise<HostResult> => {
        const base = { host: host.name, platform: host.platform };
        // Only bridges the policy allows: prepare reads definitions even when they have errors.
        const allowed = input.config.policy.network.allowedBridges;
        const bridges = input.definitions
          .filter((d) => d.definition.platform === host.platform)
          .map((d) => d.definition.network.bridge)
          .filter((b) => allowed.includes(b));
        const policy = input.config.policy;
        const unprivileged =
          policy.unprivileged ||
          input.definitions.some(
            (d) => d.definition.platform === host.platform && isUnprivileged(d.definition, policy),
          );
        const work = prepareSteps({
          lxcPath: host.lxcPath,
          bridges: bridges.length > 0 ? bridges : allowed,
          install: input.install === true,
          unprivileged,
          ...(input.unattended ? { unattended: unattendedFiles(input, host.lxcPath, host.platform) } : {}),
        });
        let result: HostResult;
        if (input.dryRun) {
          result = {
            ...base,
            outcome: "skipped",
            // Nothing was contacted: say what would be checked, not a state nobody looked at.
            steps: work.map((s) => ({
              id: s.id,
              description: `would check: ${s.description} (dry run, host not contacted)`,
              status: "skipped",
            })),
          };
        } else {
          try {
            const run = await runHostSteps(input.executor, host, work, {
              holder: input.holder,
              lockTimeoutSeconds: rollout.lockTimeoutSeconds,
              stepTimeoutSeconds: rollout.commandTimeoutSeconds,
              ...(input.signal ? { signal: input.signal } : {}),
            });
            const said = parsePrepareReport(run.exec.stderr);
            const steps = run.steps.map((s): StepResult => {
              const r = said.get(s.id);
              if (s.status !== "applied" || !r) return s;
              return { ...s, description: r.what, status: r.changed ? "applied" : "skipped" };
            });
            result = {
              ...base,
              outcome: run.completed ? "succeeded" : "failed",
              steps,
              ...(run.error ? { error: run.error } : {}),
            };
          } catch (error) {
            if (!(error instanceof HostUnreachableError)) throw error;
            result = { ...base, outcome: "unreachable", steps: [], error: error.message };
          }
        }
        input.onHostDone?.(result);
        return result;
      }),
    ),
  );
  const changed = hosts
    .flatMap((h) => h.steps)
    .filter((s) => s.status === "applied" && s.id !== "lock").length;
  const bad = hosts.filter((h) => h.outcome === "failed" || h.outcome === "unreachable").length;
  return {
    operation: "hosts-prepare",
    dryRun: input.dryRun === true,
    startedAt,
    finishedAt: now().toISOString(),
    outcome: bad > 0 ? "failed" : "succeeded",
    summary: input.dryRun
      ? `hosts prepare (dry run): ${hosts.length} host(s), nothing written`
      : `hosts prepare: ${changed} change(s) on ${hosts.length} host(s)${changed === 0 ? " (all ready already)" : ""}`,
    hosts,
  };
}

/** The hook and apt settings `--unattended` writes on a host of `platform`. */
function unattendedFiles(input: PrepareHostsInput, lxcPath: string, platform: string) {
  const paths = unattendedPaths(lxcPath);
  const { rollout } = input.config.policy;
  const origins = input.unattended?.origins?.length ? input.unattended.origins : DEFAULT_SECURITY_ORIGINS;
  return {
    hook: unattendedHookScript({
      lxcPath,
      definitions: input.definitions.map((d) => d.definition).filter((d) => d.platform === platform),
      masks: policyMasks(input.config),
      lockTimeoutSeconds: rollout.lockTimeoutSeconds,
      stepTimeoutSeconds: rollout.commandTimeoutSeconds,
    }),
    hookPath: paths.hook,
    aptConf: unattendedAptConf(paths.hook, origins),
    aptConfPath: UNATTENDED_APT_CONF,
    versionsPath: paths.versions,
  };
}
