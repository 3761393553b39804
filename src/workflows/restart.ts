import pLimit from "p-limit";
import { type Config, poolHosts } from "../core/configSchema.js";
import type { Definition } from "../core/definitionSchema.js";
import type { ContainerReport, HostResult, OperationResult, StepResult } from "../core/operationResult.js";
import { describeOwner, type Owner } from "../core/owner.js";
import type { PlanStep } from "../core/plan.js";
import { HostUnreachableError, type RemoteExecutor } from "../ports/remoteExecutor.js";
import { hostStepsFor } from "./deployHost.js";
import { observePool } from "./observePool.js";
import { runHostSteps } from "./runHostSteps.js";

/** What a restart needs. `definitions` give the service and health check to run after the start. */
export interface RestartInput {
  config: Config;
  definitions: ReadonlyArray<{ file: string; definition: Definition }>;
  executor: RemoteExecutor;
  /** One container by name (every host it runs on), or every container hostroot manages. */
  target: { name: string } | { all: true };
  /** Only this host. */
  host?: string;
  holder: string;
  /** The repository asking: only its own containers are restarted. */
  owner: Owner;
  dryRun?: boolean;
  signal?: AbortSignal;
  onHostDone?: (host: HostResult) => void;
  now?: () => Date;
}

/**
 * Restarts containers with a full stop and start (never `lxc-stop -r`, which keeps the old config
 * and, with it, the old view of the host root), then starts the service and runs the health
 * check. Where the containers are comes from the hosts themselves; one locked script per host.
 * Only the acting owner's containers are restarted: `--all` means all of its own, and a named
 * container that another repository owns (or that predates owners) is reported, not touched.
 */
export async function restart(input: RestartInput): Promise<OperationResult> {
  const { config, executor } = input;
  const now = input.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const signal = input.signal ? { signal: input.signal } : {};
  const hostsWanted = input.host ? [input.host] : undefined;
  const seen = await observePool(executor, config, {
    ...(hostsWanted ? { hosts: hostsWanted } : {}),
    ...signal,
  });
  const definitions = new Map(input.definitions.map((d) => [d.definition.name, d.definition]));
  const ctx = { config, definitions, commit: "", deployedAt: startedAt };
  const matches = (name: string) => "all" in input.target || name === input.target.name;
  const limit = pLimit(config.policy.rollout.concurrency);
  const pool = poolHosts(config).filter((h) => !input.host || h.name === input.host);

  const hosts = await Promise.all(
    pool.map((host) =>
      limit(async (): Promise<HostResult> => {
        const base = { host: host.name, platform: host.platform };
        const status = seen.statuses.get(host.name);
        const done = (r: HostResult) => {
          input.onHostDone?.(r);
          return r;
        };
        if (!status) {
          const error = seen.result.hosts.find((h) => h.host === host.name)?.error;
          return done({ ...base, outcome: "unreachable", steps: [], ...(error ? { error } : {}) });
        }
        const named = status.observation.containers.filter((c) => matches(c.name));
        const names = named.filter((c) => c.owner?.id === input.owner.id).map((c) => c.name);
        const others = named.filter((c) => c.owner?.id !== input.owner.id);
        if (names.length === 0 && others.length > 0 && !("all" in input.target))
          return done({
            ...base,
            outcome: "failed",
            steps: [],
            error: others
              .map(
                (c) =>
                  `${c.name} belongs to ${c.owner ? describeOwner(c.owner) : "no recorded owner"}, not ${describeOwner(input.owner)}: not restarted`,
              )
              .join("; "),
          });
        if (names.length === 0) return done({ ...base, outcome: "skipped", steps: [] });
        const plan: PlanStep[] = names.map((container) => ({
          kind: "restart",
          host: host.name,
          container,
          destructive: false,
          reason: "restart requested",
        }));
        const work = hostStepsFor(host, plan, ctx);
        if (input.dryRun) {
          const steps = work.map(
            (s): StepResult => ({ id: s.id, description: s.description, status: "skipped" }),
          );
          return done({ ...base, outcome: "skipped", steps });
        }
        try {
          const { rollout } = config.policy;
          const run = await runHostSteps(executor, host, work, {
            holder: input.holder,
            lockTimeoutSeconds: rollout.lockTimeoutSeconds,
            stepTimeoutSeconds: rollout.commandTimeoutSeconds,
            ...signal,
          });
          const status = new Map(run.steps.map((s) => [s.id, s.status]));
          const containers = names.map((name): ContainerReport => {
            const started = status.get(`${name}.start`) === "applied";
            const health = status.get(`${name}.health`);
            return {
              name,
              state: started ? "running" : "stopped",
              ...(health === "applied" || health === "failed" ? { healthy: health === "applied" } : {}),
            };
          });
          const outcome = run.completed ? "succeeded" : "failed";
          return done({
            ...base,
            outcome,
            steps: run.steps,
            containers,
            ...(run.error ? { error: run.error } : {}),
          });
        } catch (error) {
          if (!(error instanceof HostUnreachableError)) throw error;
          const steps = work.map(
            (s): StepResult => ({ id: s.id, description: s.description, status: "not-run" }),
          );
          return done({ ...base, outcome: "unreachable", steps, error: error.message });
        }
      }),
    ),
  );
  const restarted = hosts.flatMap((h) => h.containers ?? []).length;
  const what = "all" in input.target ? "all containers" : input.target.name;
  const bad = hosts.filter((h) => h.outcome === "failed" || h.outcome === "unreachable").length;
  const found = hosts.some((h) => h.steps.length > 0);
  return {
    operation: "restart",
    dryRun: input.dryRun === true,
    startedAt,
    finishedAt: now().toISOString(),
    outcome: bad > 0 || (!found && !("all" in input.target)) ? "failed" : "succeeded",
    summary: found
      ? `restart ${what}${input.host ? ` on ${input.host}` : ""}: ${restarted} container(s)`
      : hosts.some((h) => h.error?.includes("not restarted"))
        ? `restart ${what}: refused, it belongs to another repository (see the hosts)`
        : `restart ${what}: no such container on ${input.host ?? "any reachable host"}`,
    hosts,
  };
}
