import type { CommandSpec } from "./commandSpec.js";

/** `/plan`. */
export interface PlanCommand {
  kind: "plan";
}

/** Show what deploying the default branch would change, without changing it. */
export const planCommand: CommandSpec<PlanCommand> = {
  name: "plan",
  usage: "/plan",
  summary: "Show what deploying the default branch would change, without changing it.",
  // In an issue it reads the pool's state over SSH (see status).
  defaultPermission: "triage",
  flags: {},
  maxPositional: 0,
  parse: () => ({ kind: "plan" }),
  format: () => [],
  // In a pull request the adapter may plan from the head alone, without the pool.
  reachesHosts: ({ plansPullRequest }) => !plansPullRequest,
  pinsCommit: true,
};
