import type { StatusCommand } from "../../core/commands/statusCommand.js";
import { renderOperationResult } from "../../core/markdown/renderOperationResult.js";
import { observePool } from "../observePool.js";
import { type CommandRun, countHosts, operationDeps } from "./commandRun.js";

/** `/status`: what every host reports, for one container or all. */
export const statusRun: CommandRun<StatusCommand> = {
  hosts: (_command, config) => countHosts(config, {}, false),
  async run(command, ctx) {
    const seen = await observePool(ctx.executor, ctx.config, {
      ...operationDeps(ctx),
      ...(command.name === undefined ? {} : { container: command.name }),
    });
    return { kind: "done", result: seen.result, markdown: renderOperationResult(seen.result) };
  },
};
