import type { Config } from "../../core/configSchema.js";
import { renderOperationResult } from "../../core/markdown/renderOperationResult.js";
import { renderPlan } from "../../core/markdown/renderPlan.js";
import type { OperationResult } from "../../core/operationResult.js";
import type { Plan } from "../../core/plan.js";
import type { AuditEntry } from "../../ports/auditEntry.js";
import { deploy } from "../../workflows/deploy.js";
import { deployOnMerge } from "../../workflows/deployOnMerge.js";
import { OperationRegistry } from "../../workflows/operationRegistry.js";
import type { ValidationOutcome } from "../../workflows/validateSources.js";
import { missingKey, sshExecutor, withActionExecutor } from "./actionExecutor.js";
import { githubApi } from "./githubApi.js";
import { policyBefore } from "./policyBefore.js";
import { actionOwner, holderName, type TaskContext, type TaskOutcome } from "./taskContext.js";
import { invalidMessage, validateWorkTree } from "./validateWorkTree.js";

/**
 * Deploys the checkout: validate (any error stops it before a connection), then the deploy
 * workflow over SSH — observe, plan against what the hosts report, apply host by host under the
 * host lock. On a push it is the App's deploy on merge (see deployOnMerge): the pusher must pass
 * the `deploy` rule of the policy before the push (read at its `before` commit; missing or
 * invalid: the built-in defaults) and of the policy it brings (bots never do), so a push cannot
 * loosen the rule that lets it through; the report goes to the job summary. An explicit
 * `command: deploy` is the workflow author's decision.
 */
export async function deployTask(ctx: TaskContext, onPush: boolean): Promise<TaskOutcome> {
  const v = await validateWorkTree(ctx, { quiet: true });
  const config = v.outcome.config?.value;
  if (!v.ok || !config)
    return { outcome: "failure", errorCount: v.errors, message: invalidMessage(v, "nothing deployed") };
  const lacking = missingKey(ctx, "deploy");
  if (lacking) return { outcome: "failure", errorCount: 0, message: lacking };
  const sha = ctx.event.sha;
  if (onPush) return deployOnPush(ctx, config, v.outcome);
  const out = await withActionExecutor(ctx, config, (executor) =>
    deploy({
      config,
      definitions: definitionsOf(v.outcome),
      executor,
      commit: sha,
      holder: holderName(ctx, `deploy${sha ? ` of ${sha.slice(0, 12)}` : ""}`),
      owner: actionOwner(ctx),
      dryRun: ctx.inputs.dryRun,
      onHostDone: (h) => ctx.report.info(`${h.host}: ${h.outcome}${h.error ? ` — ${h.error}` : ""}`),
    }),
  );
  return deployed(ctx, out.plan, out.result, [renderOperationResult(out.result)]);
}

/** A push to the default branch, through the deploy-on-merge workflow the App runs too. */
async function deployOnPush(
  ctx: TaskContext,
  config: Config,
  sources: ValidationOutcome,
): Promise<TaskOutcome> {
  const { payload, sha } = ctx.event;
  const sender = payload.sender;
  const login = sender?.login ?? ctx.event.actor;
  // The pusher's permission is GitHub's to say; without a token nobody can be checked.
  const token = ctx.inputs.githubToken;
  if (!token) return denied(ctx, `@${login}: the github-token input is needed to check who pushed`);
  const api = githubApi(token, ctx.event.apiUrl, ctx.event.repository);
  const reports: string[] = [];
  const out = await deployOnMerge(
    {
      ref: payload.ref ?? "",
      defaultBranch: ctx.event.defaultBranch,
      deleted: payload.deleted === true,
      after: sha,
      before: payload.before ?? "",
      pusher: { login, isBot: sender?.type === "Bot" },
      repo: ctx.event.repository,
      owner: actionOwner(ctx),
      url: `${ctx.event.serverUrl}/${ctx.event.repository}/commit/${sha}`,
      holder: holderName(ctx, `deploy${sha ? ` of ${sha.slice(0, 12)}` : ""}`),
    },
    {
      // The checkout is the pushed commit, validated above.
      configAt: async () => ({ kind: "ok", config }),
      policyAt: () => policyBefore(ctx),
      access: api,
      loadSources: async (commit) => ({ commit, definitions: definitionsOf(sources), errors: 0 }),
      executor: (c) => sshExecutor(ctx, c),
      async report(markdown) {
        reports.push(markdown);
        return {};
      },
      audit: (entry: AuditEntry) => ctx.report.info(`audit: ${JSON.stringify(entry)}`),
      operations: new OperationRegistry(),
      dryRun: ctx.inputs.dryRun,
      onHostDone: (h) => ctx.report.info(`${h.host}: ${h.outcome}${h.error ? ` — ${h.error}` : ""}`),
    },
  );
  switch (out.kind) {
    case "ignored":
      return { outcome: "ignored", errorCount: 0 };
    case "denied":
    case "refused":
      return denied(ctx, `@${login}: ${out.reason}`);
  }
  const result = await out.done;
  if (result.kind === "error")
    return { outcome: "failure", errorCount: 0, message: `hostroot: ${result.message}` };
  if (result.kind === "refused") return { outcome: "failure", errorCount: 0, message: result.reason };
  return deployed(ctx, result.plan, result.result, reports);
}

/** The step's outcome of a deploy that ran: plan first in the summary, then the report. */
function deployed(ctx: TaskContext, plan: Plan, result: OperationResult, reports: string[]): TaskOutcome {
  const sha = ctx.event.sha;
  const title = "hostroot deploy plan";
  ctx.report.summary(renderPlan(plan, sha ? { commit: sha, title } : { title }));
  for (const markdown of reports) ctx.report.summary(markdown);
  const ok = result.outcome === "succeeded";
  return {
    outcome: ok ? "success" : "failure",
    errorCount: 0,
    plan,
    result,
    ...(ok ? {} : { message: result.summary }),
  };
}

function denied(ctx: TaskContext, why: string): TaskOutcome {
  ctx.report.summary(`> [!WARNING]\n> Not deployed: ${why}\n`);
  return { outcome: "denied", errorCount: 0, message: `not deployed: ${why}` };
}

function definitionsOf(sources: ValidationOutcome) {
  return sources.definitions.map((d) => ({ file: d.file, definition: d.value }));
}
