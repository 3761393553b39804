import type { CommandSpec } from "./commandSpec.js";

/** `/deploy`. */
export interface DeployCommand {
  kind: "deploy";
}

/** Apply the definitions of the default branch to the pool. */
export const deployCommand: CommandSpec<DeployCommand> = {
  name: "deploy",
  usage: "/deploy",
  summary: "Apply the definitions of the default branch to the pool.",
  defaultPermission: "maintain",
  flags: {},
  maxPositional: 0,
  parse: () => ({ kind: "deploy" }),
  format: () => [],
  reachesHosts: () => true,
  pinsCommit: true,
  needsValidDefinitions: true,
};
