import type { Config } from "../core/configSchema.js";
import type { CommandOperationOutcome, HostCount, OperationContext } from "./commands/commandRun.js";
import { commandRun, type PoolCommand } from "./commands/commandRuns.js";

export type { CommandOperationOutcome, OperationContext } from "./commands/commandRun.js";
export type { PoolCommand } from "./commands/commandRuns.js";

/**
 * How many hosts `command` will work on, or why it cannot run on this pool, checked before any
 * reaction or connection so a typo in a host name is a usage reply, not a failed operation.
 */
export function commandHosts(command: PoolCommand, config: Config): HostCount {
  return commandRun(command).hosts(command, config);
}

/** Runs one pool command through its workflow (src/workflows/commands) and renders the result as markdown. */
export function runOperation(command: PoolCommand, ctx: OperationContext): Promise<CommandOperationOutcome> {
  return commandRun(command).run(command, ctx);
}
