import type { AffectedCommand } from "../../core/commands/affectedCommand.js";
import { renderOperationResult } from "../../core/markdown/renderOperationResult.js";
import { affected } from "../affected.js";
import { type CommandRun, countHosts, operationDeps } from "./commandRun.js";

/** `/affected`: which containers an upgrade of the package would restart, on every host. */
export const affectedRun: CommandRun<AffectedCommand> = {
  hosts: (_command, config) => countHosts(config, {}, false),
  async run(command, ctx) {
    const out = await affected(
      { config: ctx.config, packages: [command.package], holder: ctx.holder },
      operationDeps(ctx),
    );
    return out.kind === "usage"
      ? out
      : { kind: "done", result: out.result, markdown: renderOperationResult(out.result) };
  },
};
