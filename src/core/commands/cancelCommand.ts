import type { CommandSpec } from "./commandSpec.js";

/** `/cancel`. */
export interface CancelCommand {
  kind: "cancel";
}

/** Cancel the operations hostroot is running for this repository (answered by the command flow itself). */
export const cancelCommand: CommandSpec<CancelCommand> = {
  name: "cancel",
  usage: "/cancel",
  summary: "Cancel the operations hostroot is running for this repository.",
  defaultPermission: "maintain",
  flags: {},
  maxPositional: 0,
  parse: () => ({ kind: "cancel" }),
  format: () => [],
  reachesHosts: () => false,
};
