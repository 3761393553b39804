import { fail, flagValue, label } from "./argRules.js";
import type { CommandSpec } from "./commandSpec.js";

/** `/restart NAME|--all [--host H]`. */
export interface RestartCommand {
  kind: "restart";
  target: { kind: "container"; name: string } | { kind: "all" };
  host?: string;
}

/** Stop and start a container (or all of them), optionally on one host only. */
export const restartCommand: CommandSpec<RestartCommand> = {
  name: "restart",
  usage: "/restart NAME|--all [--host H]",
  summary: "Stop and start a container (or all of them), optionally on one host only.",
  defaultPermission: "maintain",
  flags: { all: "switch", host: "value" },
  maxPositional: 1,
  checkPositional: (word) => label(word, "container"),
  parse(positional, flags) {
    const all = flags.has("all");
    if (all === positional.length > 0) fail("name one container, or give `--all`.");
    const host = flagValue(flags, "host");
    if (host !== undefined) label(host, "host");
    const target = all
      ? { kind: "all" as const }
      : { kind: "container" as const, name: positional[0] as string };
    return { kind: "restart", target, ...(host === undefined ? {} : { host }) };
  },
  format(command) {
    const words = [command.target.kind === "all" ? "--all" : command.target.name];
    if (command.host !== undefined) words.push("--host", command.host);
    return words;
  },
  reachesHosts: () => true,
};
