import type { SlashCommand } from "../../core/slashCommands.js";
import { affectedRun } from "./affectedRun.js";
import type { CommandRun } from "./commandRun.js";
import { deployRun } from "./deployRun.js";
import { restartRun } from "./restartRun.js";
import { statusRun } from "./statusRun.js";
import { upgradeHostsRun } from "./upgradeHostsRun.js";

/** A slash command that runs an operation over the pool (all but those the command flow answers itself). */
export type PoolCommand = Exclude<SlashCommand, { kind: "help" | "cancel" }>;

/**
 * The run of every pool command, by name. Typed over every command of the core's registry, so a
 * new command without a run here does not compile.
 */
export const COMMAND_RUNS: { [K in PoolCommand["kind"]]: CommandRun<Extract<PoolCommand, { kind: K }>> } = {
  "upgrade-hosts": upgradeHostsRun,
  restart: restartRun,
  status: statusRun,
  affected: affectedRun,
  plan: deployRun,
  deploy: deployRun,
};

/** The run of `command`'s kind. */
export function commandRun(command: PoolCommand): CommandRun<PoolCommand> {
  return COMMAND_RUNS[command.kind] as CommandRun<PoolCommand>;
}
