import type { PermissionLevel } from "../configSchema.js";
import { affectedCommand } from "./affectedCommand.js";
import { cancelCommand } from "./cancelCommand.js";
import type { CommandSpec } from "./commandSpec.js";
import { deployCommand } from "./deployCommand.js";
import { helpCommand } from "./helpCommand.js";
import { planCommand } from "./planCommand.js";
import { restartCommand } from "./restartCommand.js";
import { statusCommand } from "./statusCommand.js";
import { upgradeHostsCommand } from "./upgradeHostsCommand.js";

/**
 * Every slash command, in the order `/help` lists them. The parser, `/help`, the config schema's
 * command names and default rules, the Action's `command:` input and the workflows' runs
 * (src/workflows/commands) all read this list: a new command is a module here and a run there.
 */
export const COMMANDS = [
  upgradeHostsCommand,
  restartCommand,
  statusCommand,
  affectedCommand,
  planCommand,
  deployCommand,
  cancelCommand,
  helpCommand,
] as const;

type CommandOf<S> = S extends CommandSpec<infer C> ? C : never;

/** One parsed slash command: only values that passed its module's token rules ever reach this type. */
export type SlashCommand = CommandOf<(typeof COMMANDS)[number]>;

/** Slash commands and operations that policy can gate. */
export type CommandName = SlashCommand["kind"];

/** Their names, in `/help` order. */
export const COMMAND_NAMES = COMMANDS.map((c) => c.name) as unknown as readonly [
  CommandName,
  ...CommandName[],
];

/** Ops defaults: read-only commands for readers, changes for maintainers, host upgrades for admins. */
export const DEFAULT_COMMAND_RULES = Object.fromEntries(
  COMMANDS.map((c) => [c.name, { permission: c.defaultPermission }]),
) as Record<CommandName, { permission: PermissionLevel }>;

/** The module of command `name`. */
export function commandSpec<N extends CommandName>(name: N): CommandSpec<Extract<SlashCommand, { kind: N }>> {
  return COMMANDS.find((c) => c.name === name) as unknown as CommandSpec<Extract<SlashCommand, { kind: N }>>;
}
