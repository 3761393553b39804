import {
  COMMAND_NAMES,
  COMMANDS,
  type CommandName,
  commandSpec,
  DEFAULT_COMMAND_RULES,
  type SlashCommand,
} from "./commands/commandRegistry.js";
import type { CommandSpec } from "./commands/commandSpec.js";
import { echo } from "./commands/slashText.js";
import { editDistance } from "./suggest.js";

export type { SlashCommand } from "./commands/commandRegistry.js";
export {
  DNS_LABEL,
  echo,
  PACKAGE_NAME,
  PACKAGE_VERSION,
  type PackageSpec,
  PLATFORM_ID,
  SLASH_LIMITS,
} from "./commands/slashText.js";

/** Usage line and one-line summary of every command, from its module (src/core/commands). */
export const SLASH_COMMANDS = Object.fromEntries(
  COMMANDS.map((c) => [c.name, { usage: c.usage, summary: c.summary }]),
) as Record<CommandName, { usage: string; summary: string }>;

/**
 * The command a mistyped word most likely meant (`upgrade-host`, `Deploy,`, `upgrade`), or
 * undefined when the word is not near any command: people start lines with paths (`/usr/lib`).
 */
export function nearestCommand(word: string): CommandName | undefined {
  const lower = word.toLowerCase();
  // Bounded so a 100 KB "word" costs nothing; no command is anywhere near that long.
  if (lower.length === 0 || lower.length > 32) return undefined;
  // Stricter than suggest(): other bots' commands (`/hold`, `/start`) must not draw a reply.
  const limit = lower.length <= 6 ? 1 : 2;
  let best: CommandName | undefined;
  let bestDistance = limit + 1;
  for (const name of COMMAND_NAMES) {
    const d = editDistance(lower, name, limit);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  // A clipped name (`/upgrade libc6`, `/resta`) is a plausible slip; short prefixes are not.
  if (best === undefined && lower.length >= 4) return COMMAND_NAMES.find((name) => name.startsWith(lower));
  return best;
}

/** `/help`: a markdown table of every command's usage, summary and default permission. */
export function renderHelp(botName: string): string {
  const rows = COMMAND_NAMES.map((name) => {
    const { usage, summary } = SLASH_COMMANDS[name];
    // GFM splits table cells on `|` even inside code spans unless it is escaped.
    return `| ${echo(usage, 200).replaceAll("|", "\\|")} | ${summary} | ${DEFAULT_COMMAND_RULES[name].permission} |`;
  });
  return [
    `**${botName}** commands. Write one command on a line of its own, one command per comment.`,
    "",
    "| Command | What it does | Needs by default |",
    "|---|---|---|",
    ...rows,
    "",
    "The permission is on this repository (or higher); the repository's `policy.commands` may change it or name teams.",
  ].join("\n");
}

/** The canonical text of a command (what a user would type to get exactly this value). */
export function formatSlashCommand(command: SlashCommand): string {
  const spec = commandSpec(command.kind) as CommandSpec<SlashCommand>;
  return [`/${command.kind}`, ...spec.format(command)].join(" ");
}

/**
 * Whether running `command` contacts the pool: every command but `/help`, `/cancel`, and `/plan`
 * where the thread is a pull request the adapter plans from its head alone. Adapters that cannot
 * reach hosts (no SSH key, no pool bound) refuse exactly these, before acknowledging.
 */
export function reachesHosts(command: SlashCommand, options: { plansPullRequest: boolean }): boolean {
  return commandSpec(command.kind).reachesHosts(options);
}
