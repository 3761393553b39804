import type { RestartCommand } from "../../core/commands/restartCommand.js";
import { renderOperationResult } from "../../core/markdown/renderOperationResult.js";
import { restart } from "../restart.js";
import { type CommandRun, countHosts, operationDeps, ownerOf } from "./commandRun.js";

/** `/restart`: stop and start the repository's own containers, on one host or all. */
export const restartRun: CommandRun<RestartCommand> = {
  hosts: (command, config) =>
    countHosts(config, command.host === undefined ? {} : { hosts: [command.host] }, true),
  async run(command, ctx) {
    const result = await restart({
      ...operationDeps(ctx),
      config: ctx.config,
      definitions: ctx.definitions,
      target: command.target.kind === "all" ? { all: true } : { name: command.target.name },
      ...(command.host === undefined ? {} : { host: command.host }),
      holder: ctx.holder,
      owner: ownerOf(ctx, "restart"),
    });
    return { kind: "done", result, markdown: renderOperationResult(result) };
  },
};
