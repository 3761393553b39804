import { buildPlan } from "../core/buildPlan.js";
import { type Config, poolHosts } from "../core/configSchema.js";
import type { Definition } from "../core/definitionSchema.js";
import { groupBy } from "../core/groupBy.js";
import type { ObservedState } from "../core/observedState.js";
import type { HostResult, OperationResult, StepResult } from "../core/operationResult.js";
import type { Owner } from "../core/owner.js";
import { changes, type Plan } from "../core/plan.js";
import type { RemoteExecutor } from "../ports/remoteExecutor.js";
import { deployHost, hostStepsFor } from "./deployHost.js";
import { observePool } from "./observePool.js";
import { runRollout } from "./runRollout.js";

/** What a deploy needs: validated definitions and config (see validateSources), and the pool. */
export interface DeployInput {
  config: Config;
  definitions: ReadonlyArray<{ file: string; definition: Definition }>;
  executor: RemoteExecutor;
  /** Commit the definitions come from, recorded in every state file ("" for a work tree). */
  commit: string;
  /** Who deploys, shown to any operation that waits for a host lock this deploy holds. */
  holder: string;
  /** The repository deploying: recorded in every state file; only its own containers are changed. */
  owner: Owner;
  /** Plan and report the steps, with no write on any host (hosts are still read). */
  dryRun?: boolean;
  signal?: AbortSignal;
  onHostDone?: (host: HostResult) => void;
  now?: () => Date;
}

/** A deploy's result, with the plan and the observation it was made from. */
export interface DeployOutcome {
  result: OperationResult;
  plan: Plan;
  observed: ObservedState;
}

const notRun = (steps: ReadonlyArray<{ id: string; description: string }>): StepResult[] =>
  steps.map((s) => ({ id: s.id, description: s.description, status: "not-run" }));

/**
 * Observes the pool, plans, and applies the plan host by host (policy.rollout.concurrency at
 * once), each host as one locked script. A failed step stops its host; other hosts go on until
 * more than policy.rollout.maxFailures hosts failed, after which hosts not yet started are
 * `not-run` and the deploy is `halted`. An empty plan writes nothing anywhere, and neither does a
 * plan with errors (a container of another owner, or one hostroot did not create): the deploy
 * fails before any host is touched.
 */
export async function deploy(input: DeployInput): Promise<DeployOutcome> {
  const { config, executor } = input;
  const now = input.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const signal = input.signal ? { signal: input.signal } : {};
  const seen = await observePool(executor, config, signal);
  const planOptions = { commit: input.commit, owner: input.owner };
  const plan = buildPlan(input.definitions, config, seen.observed, planOptions);
  const definitions = new Map(input.definitions.map((d) => [d.definition.name, d.definition]));
  const ctx = { config, definitions, commit: input.commit, deployedAt: startedAt, owner: input.owner };
  const refused = plan.errors.length > 0;
  const todo = changes(plan);
  const byHost = groupBy(todo, (s) => s.host);

  type Host = ReturnType<typeof poolHosts>[number];
  /** A host's result when it needs no deploy run: unreachable when observed, nothing to do, dry run. */
  const settled = (host: Host): HostResult | undefined => {
    const base = { host: host.name, platform: host.platform };
    const observedHost = seen.result.hosts.find((h) => h.host === host.name);
    if (observedHost?.outcome === "unreachable" || observedHost?.outcome === "failed")
      return {
        ...base,
        outcome: observedHost.outcome,
        steps: [],
        ...(observedHost.error ? { error: observedHost.error } : {}),
      };
    const steps = byHost.get(host.name) ?? [];
    const errors = plan.errors.filter((e) => e.host === host.name);
    if (refused && !input.dryRun)
      return {
        ...base,
        outcome: errors.length > 0 ? "failed" : "not-run",
        steps: notRun(hostStepsFor(host, steps, ctx)),
        error:
          errors.length > 0
            ? errors.map((e) => e.message).join("; ")
            : "the plan has errors on other hosts: nothing was deployed",
      };
    if (steps.length === 0) return { ...base, outcome: "skipped", steps: [] };
    if (input.dryRun)
      return {
        ...base,
        outcome: "skipped",
        steps: hostStepsFor(host, steps, ctx).map((s) => ({
          id: s.id,
          description: s.description,
          status: "skipped",
        })),
      };
    return undefined;
  };
  const runHost = async (host: Host): Promise<HostResult> => {
    const early = settled(host);
    if (early) return early;
    const steps = byHost.get(host.name) ?? [];
    const replan = async () => {
      const again = await observePool(executor, config, { hosts: [host.name], ...signal });
      const status = again.statuses.get(host.name);
      if (!status) return undefined;
      const observed = {
        hosts: seen.observed.hosts.map((h) => (h.host === host.name ? status.observation : h)),
      };
      const fresh = buildPlan(input.definitions, config, observed, planOptions);
      // A replan that meets another owner's container (created meanwhile) applies nothing.
      if (fresh.errors.some((e) => e.host === host.name)) return undefined;
      return { steps: changes(fresh).filter((s) => s.host === host.name), digest: status.digest };
    };
    const digest = seen.statuses.get(host.name)?.digest ?? "";
    return deployHost(host, steps, digest, {
      ...ctx,
      executor,
      holder: input.holder,
      replan,
      ...signal,
    });
  };
  // Hosts the rollout leaves alone (over the failure budget, or cancelled) list their planned
  // steps as not run, so the report says exactly what was not applied.
  const leftAlone = (host: Host): HostResult =>
    settled(host) ?? {
      host: host.name,
      platform: host.platform,
      outcome: "not-run",
      steps: notRun(hostStepsFor(host, byHost.get(host.name) ?? [], ctx)),
      error: input.signal?.aborted ? "cancelled" : "the deploy halted before this host",
    };
  const pool = poolHosts(config);
  const { maxFailures, concurrency } = config.policy.rollout;
  // One batch, no canary: a deploy's hosts are independent; the failure budget still halts it.
  const done = await runRollout(
    pool,
    { canary: 0, batchSize: Math.max(1, pool.length), maxFailures, concurrency },
    runHost,
    leftAlone,
    { ...signal, ...(input.onHostDone ? { onHostDone: input.onHostDone } : {}) },
  );
  const { hosts } = done;

  const count = (o: HostResult["outcome"]) => hosts.filter((h) => h.outcome === o).length;
  const outcome: OperationResult["outcome"] = refused
    ? "failed"
    : done.cancelled
      ? "cancelled"
      : done.halted
        ? "halted"
        : count("failed") + count("unreachable") > 0
          ? "failed"
          : "succeeded";
  const where = new Set(todo.map((s) => s.host)).size;
  const at = input.commit ? ` of ${input.commit.slice(0, 12)}` : " of the work tree";
  const summary = refused
    ? `deploy${at}: refused, the plan has ${plan.errors.length} error(s); nothing was deployed`
    : todo.length === 0
      ? `deploy${at}: No changes`
      : `deploy${at}: ${todo.length} change(s) on ${where} host(s)${input.dryRun ? " (dry run: nothing written)" : ""}`;
  const result: OperationResult = {
    operation: "deploy",
    dryRun: input.dryRun === true,
    startedAt,
    finishedAt: now().toISOString(),
    outcome,
    summary,
    commit: input.commit,
    hosts,
  };
  return { result, plan, observed: seen.observed };
}
