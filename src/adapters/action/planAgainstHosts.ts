import { buildPlan } from "../../core/buildPlan.js";
import { renderPlan } from "../../core/markdown/renderPlan.js";
import type { Plan } from "../../core/plan.js";
import { observePool } from "../../workflows/observePool.js";
import type { ValidationOutcome } from "../../workflows/validateSources.js";
import { withActionExecutor } from "./actionExecutor.js";
import { actionOwner, type TaskContext, type TaskOutcome } from "./taskContext.js";

/**
 * Plans the checked-out definitions against what the hosts report (one read-only status script
 * per host, no lock, no write) and renders it. Needs the `ssh-key` input.
 */
export async function planAgainstHosts(
  ctx: TaskContext,
  outcome: ValidationOutcome,
  commit: string,
): Promise<TaskOutcome & { plan?: Plan; markdown: string }> {
  const config = outcome.config?.value;
  if (!config) return { outcome: "failure", message: "no valid config: no plan", markdown: "" };
  const observed = await withActionExecutor(
    ctx,
    config,
    async (executor) => (await observePool(executor, config)).observed,
  );
  const plan = buildPlan(
    outcome.definitions.map((d) => ({ file: d.file, definition: d.value })),
    config,
    observed,
    { commit, owner: actionOwner(ctx) },
  );
  const title = "hostroot plan against the hosts";
  const markdown = `${renderPlan(plan, commit ? { commit, title } : { title })}\n`;
  if (plan.errors.length > 0)
    return {
      outcome: "failure",
      message: `the plan has ${plan.errors.length} error(s): a deploy would change nothing`,
      plan,
      markdown,
    };
  return { outcome: "success", plan, markdown };
}
