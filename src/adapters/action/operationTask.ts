import { commandSpec } from "../../core/commands/commandRegistry.js";
import type { SlashCommand } from "../../core/slashCommands.js";
import { commandHosts, type PoolCommand, runOperation } from "../../workflows/commandOperation.js";
import { missingKey, withActionExecutor } from "./actionExecutor.js";
import { planAgainstHosts } from "./planAgainstHosts.js";
import { holderName, type TaskContext, type TaskOutcome } from "./taskContext.js";
import { invalidMessage, validateWorkTree } from "./validateWorkTree.js";

/**
 * An explicit `command:` on the pool (`upgrade-hosts`, `status`, or `plan` outside a pull
 * request), through the same operation workflows as slash commands. Definitions only add service
 * and health checks to these, so a definition error is annotated but does not block a security
 * fix; a broken config does. The `dry-run` input turns an upgrade into apt's simulation.
 */
export async function operationTask(
  ctx: TaskContext,
  command: SlashCommand | { kind: "plan" },
): Promise<TaskOutcome> {
  const v = await validateWorkTree(ctx, { quiet: true });
  const config = v.outcome.config?.value;
  const failed = (message: string): TaskOutcome => ({ outcome: "failure", errorCount: v.errors, message });
  if (!config || (command.kind === "plan" && !v.ok))
    return failed(invalidMessage(v, `${command.kind} not run`));
  const lacking = missingKey(ctx, command.kind);
  if (lacking) return failed(lacking);
  if (command.kind === "plan") {
    const { markdown, ...planned } = await planAgainstHosts(ctx, v.outcome, ctx.event.sha);
    ctx.report.summary(markdown);
    return { ...planned, errorCount: v.errors };
  }
  if (!commandSpec(command.kind).actionInput || command.kind === "help" || command.kind === "cancel")
    return failed(`${command.kind} is run from a comment, not as an input`);
  const pool: PoolCommand =
    command.kind === "upgrade-hosts" ? { ...command, dryRun: command.dryRun || ctx.inputs.dryRun } : command;
  const hosts = commandHosts(pool, config);
  if (hosts.kind === "usage") return failed(hosts.message);
  const out = await withActionExecutor(ctx, config, (executor) =>
    runOperation(pool, {
      config,
      definitions: v.outcome.definitions.map((d) => ({ file: d.file, definition: d.value })),
      commit: ctx.event.sha,
      executor,
      holder: holderName(
        ctx,
        `${pool.kind}${pool.kind === "upgrade-hosts" ? ` ${pool.packages.map((p) => p.name).join(" ")}` : ""}`,
      ),
      onHostDone: (h) => ctx.report.info(`${h.host}: ${h.outcome}${h.error ? ` — ${h.error}` : ""}`),
    }),
  );
  if (out.kind === "usage") return failed(out.message);
  ctx.report.summary(out.markdown);
  const ok = out.result.outcome === "succeeded";
  return {
    outcome: ok ? "success" : "failure",
    errorCount: v.errors,
    result: out.result,
    ...(ok ? {} : { message: out.result.summary }),
  };
}
