import type { DeployCommand } from "../../core/commands/deployCommand.js";
import type { PlanCommand } from "../../core/commands/planCommand.js";
import { renderOperationResult } from "../../core/markdown/renderOperationResult.js";
import { renderPlan } from "../../core/markdown/renderPlan.js";
import { deploy } from "../deploy.js";
import { type CommandRun, countHosts, operationDeps, ownerOf } from "./commandRun.js";

/** `/deploy` and `/plan` (a deploy's dry run): the default branch's definitions against the pool. */
export const deployRun: CommandRun<DeployCommand | PlanCommand> = {
  hosts: (_command, config) => countHosts(config, {}, false),
  async run(command, ctx) {
    const dryRun = command.kind === "plan";
    const out = await deploy({
      ...operationDeps(ctx),
      config: ctx.config,
      definitions: ctx.definitions,
      commit: ctx.commit,
      holder: ctx.holder,
      owner: ownerOf(ctx, command.kind),
      dryRun,
    });
    // A plan reads better as the plan itself than as a dry run's list of skipped steps.
    const markdown = dryRun
      ? `${renderPlan(out.plan, { commit: ctx.commit, title: "hostroot plan of the default branch" })}\n_Planned against what the hosts report now; nothing was changed._\n`
      : renderOperationResult(out.result);
    return { kind: "done", result: out.result, markdown };
  },
};
