import type { CommandSpec } from "./commandSpec.js";

/** `/help`. */
export interface HelpCommand {
  kind: "help";
}

/** Show the command table (answered by the parser itself, whatever follows it). */
export const helpCommand: CommandSpec<HelpCommand> = {
  name: "help",
  usage: "/help",
  summary: "Show this table.",
  // Reaches no host and says nothing about the pool: anyone who can comment may ask.
  defaultPermission: "read",
  flags: {},
  maxPositional: 0,
  parse: () => ({ kind: "help" }),
  format: () => [],
  reachesHosts: () => false,
};
