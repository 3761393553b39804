import type { Config } from "../../core/configSchema.js";
import { renderOperationResult } from "../../core/markdown/renderOperationResult.js";
import { renderPlan } from "../../core/markdown/renderPlan.js";
import { pushPolicy } from "../../core/stricterPolicy.js";
import { authorizeActor } from "../../workflows/authorizeActor.js";
import { deploy } from "../../workflows/deploy.js";
import { missingKey, withActionExecutor } from "./actionExecutor.js";
import { githubApi } from "./githubApi.js";
import { policyBefore } from "./policyBefore.js";
import { actionOwner, holderName, type TaskContext, type TaskOutcome } from "./taskContext.js";
import { invalidMessage, validateWorkTree } from "./validateWorkTree.js";

/**
 * Deploys the checkout: validate (any error stops it before a connection), then the deploy
 * workflow over SSH — observe, plan against what the hosts report, apply host by host under the
 * host lock. On a push, as a merge in the App, the pusher must pass the `deploy` rule of the
 * policy before the push (read at its `before` commit; missing or invalid: the built-in
 * defaults) and of the policy it brings (bots never do), so a push cannot loosen the rule that
 * lets it through. An explicit `command: deploy` is the workflow author's decision.
 */
export async function deployTask(ctx: TaskContext, onPush: boolean): Promise<TaskOutcome> {
  const v = await validateWorkTree(ctx, { quiet: true });
  const config = v.outcome.config?.value;
  if (!v.ok || !config)
    return { outcome: "failure", errorCount: v.errors, message: invalidMessage(v, "nothing deployed") };
  const lacking = missingKey(ctx, "deploy");
  if (lacking) return { outcome: "failure", errorCount: 0, message: lacking };
  if (onPush) {
    const policy = pushPolicy(await policyBefore(ctx), config.policy);
    const denied = await pusherDenied(ctx, { ...config, policy });
    if (denied) {
      ctx.report.summary(`> [!WARNING]\n> Not deployed: ${denied}\n`);
      return { outcome: "denied", errorCount: 0, message: `not deployed: ${denied}` };
    }
  }
  const sha = ctx.event.sha;
  const owner = actionOwner(ctx);
  const out = await withActionExecutor(ctx, config, (executor) =>
    deploy({
      config,
      definitions: v.outcome.definitions.map((d) => ({ file: d.file, definition: d.value })),
      executor,
      commit: sha,
      holder: holderName(ctx, `deploy${sha ? ` of ${sha.slice(0, 12)}` : ""}`),
      owner,
      dryRun: ctx.inputs.dryRun,
      onHostDone: (h) => ctx.report.info(`${h.host}: ${h.outcome}${h.error ? ` — ${h.error}` : ""}`),
    }),
  );
  const title = "hostroot deploy plan";
  ctx.report.summary(renderPlan(out.plan, sha ? { commit: sha, title } : { title }));
  ctx.report.summary(renderOperationResult(out.result));
  const ok = out.result.outcome === "succeeded";
  return {
    outcome: ok ? "success" : "failure",
    errorCount: 0,
    plan: out.plan,
    result: out.result,
    ...(ok ? {} : { message: out.result.summary }),
  };
}

/** Why the pusher may not deploy under the policy, or undefined when they may. */
async function pusherDenied(ctx: TaskContext, config: Config): Promise<string | undefined> {
  const sender = ctx.event.payload.sender;
  const login = sender?.login ?? ctx.event.actor;
  if (!ctx.inputs.githubToken) return "the github-token input is needed to check who pushed";
  const api = githubApi(ctx.inputs.githubToken, ctx.event.apiUrl, ctx.event.repository);
  const { auth } = await authorizeActor(
    "deploy-on-merge",
    { login, isBot: sender?.type === "Bot" },
    config.policy,
    {
      permission: () => api.permission(login),
      memberOf: (teams) => api.memberOf(login, teams),
    },
  );
  return auth.kind === "denied" ? `@${login}: ${auth.reason}` : undefined;
}
