import type { Config, PoolHost } from "../core/configSchema.js";
import { containerPaths } from "../core/containerPaths.js";
import type { Definition } from "../core/definitionSchema.js";
import { removeDirCommand, stopCommand } from "../core/hostCommands.js";
import { type HostStep, hostSteps } from "../core/hostSteps.js";
import type { HostResult, StepResult } from "../core/operationResult.js";
import type { PlanStep } from "../core/plan.js";
import { STALE_PLAN_EXIT, stateGuardStep } from "../core/statusScript.js";
import { HostUnreachableError, type RemoteExecutor } from "../ports/remoteExecutor.js";
import { runHostSteps } from "./runHostSteps.js";

/** What deploying to one host needs besides its plan steps. */
export interface DeployHostContext {
  config: Config;
  executor: RemoteExecutor;
  definitions: ReadonlyMap<string, Definition>;
  commit: string;
  deployedAt: string;
  holder: string;
  signal?: AbortSignal;
  /** Reads the host again and plans it anew: used once when the guard finds the host changed. */
  replan: () => Promise<{ steps: PlanStep[]; digest: string } | undefined>;
}

/** The host-side steps of a host's plan steps, in order (noops have none). */
export function hostStepsFor(
  host: PoolHost,
  steps: readonly PlanStep[],
  ctx: Omit<DeployHostContext, "executor" | "holder" | "replan">,
): HostStep[] {
  return steps.flatMap((s) => {
    const definition = ctx.definitions.get(s.container);
    return hostSteps(s, {
      host,
      config: ctx.config,
      ...(definition && s.kind !== "destroy" ? { definition } : {}),
      commit: ctx.commit,
      deployedAt: ctx.deployedAt,
    });
  });
}

/**
 * Applies one host's plan steps as one locked script, guarded by the state digest the plan was
 * made from. If another operation changed the host meanwhile (we waited for its lock), the host
 * is read and planned again, once. A create that did not finish is rolled back (its container
 * killed and its own directory removed), so a failed deploy leaves no half-made container and the
 * next deploy starts clean; what ran, failed and did not run is in the steps.
 */
export async function deployHost(
  host: PoolHost,
  planSteps: readonly PlanStep[],
  digest: string,
  ctx: DeployHostContext,
): Promise<HostResult> {
  const { rollout } = ctx.config.policy;
  const opts = {
    holder: ctx.holder,
    lockTimeoutSeconds: rollout.lockTimeoutSeconds,
    stepTimeoutSeconds: rollout.commandTimeoutSeconds,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  };
  const base = { host: host.name, platform: host.platform };
  try {
    let steps = [...planSteps];
    let guard = digest;
    const before: StepResult[] = [];
    for (let attempt = 0; ; attempt++) {
      const work = hostStepsFor(host, steps, ctx);
      if (work.length === 0) return { ...base, outcome: "succeeded", steps: before };
      const run = await runHostSteps(
        ctx.executor,
        host,
        [stateGuardStep(host.lxcPath, guard), ...work],
        opts,
      );
      const stale = run.failedStep?.id === "host.guard" && run.failedStep.exitCode === STALE_PLAN_EXIT;
      if (stale && attempt === 0) {
        const again = await ctx.replan();
        if (again) {
          before.push(...run.steps.filter((s) => s.id === "lock"), {
            id: "replan",
            description: "the host changed while waiting for its lock: read and planned again",
            status: "applied",
          });
          steps = again.steps;
          guard = again.digest;
          continue;
        }
      }
      const results = [...before, ...run.steps];
      if (run.completed) return { ...base, outcome: "succeeded", steps: results };
      const rolledBack = await rollBack(host, steps, run.steps, ctx, opts);
      results.push(...rolledBack.steps);
      const error = [run.error ?? "failed", ...rolledBack.notes].join("; ");
      return { ...base, outcome: "failed", steps: results, error };
    }
  } catch (error) {
    if (error instanceof HostUnreachableError) {
      const steps = hostStepsFor(host, planSteps, ctx).map(
        (s): StepResult => ({ id: s.id, description: s.description, status: "not-run" }),
      );
      return { ...base, outcome: "unreachable", steps, error: error.message };
    }
    throw error;
  }
}

/** Kills and removes containers whose create began (made a fresh delta) but wrote no state file. */
async function rollBack(
  host: PoolHost,
  planSteps: readonly PlanStep[],
  ran: readonly StepResult[],
  ctx: DeployHostContext,
  opts: Parameters<typeof runHostSteps>[3],
): Promise<{ steps: StepResult[]; notes: string[] }> {
  const status = new Map(ran.map((s) => [s.id, s.status]));
  const half = planSteps.filter(
    (s) =>
      s.kind === "create" &&
      status.get(`${s.container}.mkdir`) === "applied" &&
      status.get(`${s.container}.state`) !== "applied",
  );
  if (half.length === 0) return { steps: [], notes: [] };
  const work: HostStep[] = half.flatMap((s) => {
    const paths = containerPaths(host.lxcPath, s.container);
    return [
      {
        id: `${s.container}.rollback-stop`,
        description: "roll back the unfinished create: kill the container",
        argv: stopCommand(s.container, paths.lxcPath, true),
      },
      {
        id: `${s.container}.rollback-remove`,
        description: `roll back the unfinished create: remove ${paths.dir}`,
        argv: removeDirCommand(paths.dir, paths.hostDir),
      },
    ];
  });
  const run = await runHostSteps(ctx.executor, host, work, opts);
  const names = half.map((s) => s.container).join(", ");
  const note = run.completed
    ? `rolled back the unfinished create of ${names}`
    : `rolling back ${names} failed: ${run.error}`;
  return { steps: run.steps, notes: [note] };
}
