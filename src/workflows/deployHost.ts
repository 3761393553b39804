import type { Config, PoolHost } from "../core/configSchema.js";
import { containerPaths } from "../core/containerPaths.js";
import type { Definition } from "../core/definitionSchema.js";
import {
  hostRootCommand,
  removeDirCommand,
  restoreConfigCommand,
  stopCommand,
} from "../core/hostCommands.js";
import { type HostStep, hostSteps } from "../core/hostSteps.js";
import type { HostResult, StepResult } from "../core/operationResult.js";
import type { Owner } from "../core/owner.js";
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
  /** The repository deploying, written to state files (not needed for restarts and destroys). */
  owner?: Owner;
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
      ...(ctx.owner ? { owner: ctx.owner } : {}),
    });
  });
}

/**
 * Applies one host's plan steps as one locked script, guarded by the state digest the plan was
 * made from. If another operation changed the host meanwhile (we waited for its lock), the host
 * is read and planned again, once. A create that did not finish is rolled back (its container
 * killed and the directory it made removed), so a failed deploy leaves no half-made container
 * and the next deploy starts clean; a reconfigure that did not finish is put back on its previous
 * config and state file, and started again. What ran, failed and did not run is in the steps.
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

/**
 * Rolls back what a failed host script left half done (it stops at its first failure, so that is
 * one container at most). A create whose own `mkdir` of the container dir succeeded (so hostroot
 * made that dir: an existing one fails the mkdir and is never removed) but wrote no state file:
 * killed and its dir removed. A reconfigure that kept the old config aside but wrote no new state
 * file: killed, its previous config and state put back, and started again on them, so it runs as
 * it did before the deploy.
 */
async function rollBack(
  host: PoolHost,
  planSteps: readonly PlanStep[],
  ran: readonly StepResult[],
  ctx: DeployHostContext,
  opts: Parameters<typeof runHostSteps>[3],
): Promise<{ steps: StepResult[]; notes: string[] }> {
  const status = new Map(ran.map((s) => [s.id, s.status]));
  const began = (s: PlanStep) =>
    status.get(`${s.container}.${s.kind === "create" ? "dir" : "keep"}`) === "applied" &&
    status.get(`${s.container}.state`) !== "applied";
  const half = planSteps.filter((s) => (s.kind === "create" || s.kind === "reconfigure") && began(s));
  if (half.length === 0) return { steps: [], notes: [] };
  const run = await runHostSteps(
    ctx.executor,
    host,
    half.flatMap((s) => undo(host, s)),
    opts,
  );
  const notes = half.map((s) =>
    !run.completed
      ? `rolling back the ${s.kind} of ${s.container} failed: ${run.error}`
      : s.kind === "create"
        ? `rolled back the unfinished create of ${s.container}`
        : `rolled back the unfinished reconfigure of ${s.container}: it runs on its previous config`,
  );
  return { steps: run.steps, notes };
}

/** The host steps that undo one unfinished create or reconfigure. */
function undo(host: PoolHost, s: PlanStep): HostStep[] {
  const paths = containerPaths(host.lxcPath, s.container);
  const step = (what: string, description: string, argv: string[]): HostStep => ({
    id: `${s.container}.rollback-${what}`,
    description: `roll back the unfinished ${s.kind}: ${description}`,
    argv,
  });
  const kill = step("stop", "kill the container", stopCommand(s.container, paths.lxcPath, true));
  if (s.kind === "create")
    return [kill, step("remove", `remove ${paths.dir}`, removeDirCommand(paths.dir, paths.hostDir))];
  return [
    kill,
    step("restore", `put the previous ${paths.config} back`, restoreConfigCommand(paths.config, paths.state)),
    step(
      "host-root",
      `bind the host's / read-only at ${paths.hostRootfs}`,
      hostRootCommand(paths.hostRootfs),
    ),
    step("start", "start the container on its previous config", [
      "lxc-start",
      "-n",
      s.container,
      "-P",
      paths.lxcPath,
      "-d",
    ]),
  ];
}
