import { label } from "./argRules.js";
import type { CommandSpec } from "./commandSpec.js";

/** `/status [NAME]`. */
export interface StatusCommand {
  kind: "status";
  name?: string;
}

/** Show where containers run and whether they are healthy. */
export const statusCommand: CommandSpec<StatusCommand> = {
  name: "status",
  usage: "/status [NAME]",
  summary: "Show where containers run and whether they are healthy.",
  // Reaches every host over SSH: on a public repository every GitHub user has `read`, so `read`
  // would let any stranger fan out SSH sessions.
  defaultPermission: "triage",
  flags: {},
  maxPositional: 1,
  checkPositional: (word) => label(word, "container"),
  parse: (positional) =>
    positional[0] === undefined ? { kind: "status" } : { kind: "status", name: positional[0] },
  format: (command) => (command.name === undefined ? [] : [command.name]),
  reachesHosts: () => true,
  actionInput: true,
};
