import type { UpgradeHostsCommand } from "../../core/commands/upgradeHostsCommand.js";
import { renderOperationResult } from "../../core/markdown/renderOperationResult.js";
import { upgradeHosts } from "../upgradeHosts.js";
import { type CommandRun, countHosts, operationDeps } from "./commandRun.js";

/** `/upgrade-hosts`: the rolling upgrade over the selected hosts. */
export const upgradeHostsRun: CommandRun<UpgradeHostsCommand> = {
  hosts(command, config) {
    const filter = {
      ...(command.platform ? { platform: command.platform } : {}),
      ...(command.hosts ? { hosts: command.hosts } : {}),
    };
    return countHosts(config, filter, true);
  },
  async run(command, ctx) {
    const out = await upgradeHosts(
      {
        config: ctx.config,
        // Pinned versions travel as PKG=VERSION; the workflow checks them again.
        packages: command.packages.map((p) => (p.version === undefined ? p.name : `${p.name}=${p.version}`)),
        ...(command.allowDowngrade ? { allowDowngrade: true } : {}),
        ...(command.platform === undefined ? {} : { platform: command.platform }),
        ...(command.hosts === undefined ? {} : { hosts: command.hosts }),
        dryRun: command.dryRun,
        definitions: ctx.definitions.map((d) => d.definition),
        holder: ctx.holder,
      },
      operationDeps(ctx),
    );
    return out.kind === "usage"
      ? out
      : { kind: "done", result: out.result, markdown: renderOperationResult(out.result) };
  },
};
