/** What a plan does to one container on one host. */
export type StepKind = "create" | "reconfigure" | "restart" | "destroy" | "noop";

/** One step of a plan. */
export interface PlanStep {
  kind: StepKind;
  host: string;
  /** LXC name on the host (the definition name). */
  container: string;
  /** Definition file the step comes from; absent for destroys of removed definitions. */
  file?: string;
  /** Replica index (0-based) the container is; it derives the MAC. Absent for destroy. */
  replica?: number;
  /** Hash the container will carry after the step; absent for destroy. */
  definitionHash?: string;
  /** True when the step discards data (a destroy deletes the delta). */
  destructive: boolean;
  /** Why, in words a reviewer understands ("definition changed: mounts, resources"). */
  reason: string;
}

/**
 * A change the plan refuses to make: the container on that host belongs to another repository,
 * was not created by hostroot, or predates owners. A plan with errors deploys nothing anywhere.
 */
export interface PlanError {
  host: string;
  container: string;
  /** Definition file that asked for it, when one did. */
  file?: string;
  message: string;
}

/** The pure diff of desired definitions against what the hosts report. */
export interface Plan {
  /** Steps in execution order, noops included so a report can show them. */
  steps: PlanStep[];
  /** Things a reviewer should know that are not steps (unreachable host, cannot place). */
  warnings: string[];
  /** Changes refused (see {@link PlanError}); a deploy of a plan with errors changes nothing. */
  errors: PlanError[];
}

/** Steps that change something, i.e. not `noop`. */
export function changes(plan: Plan): PlanStep[] {
  return plan.steps.filter((s) => s.kind !== "noop");
}
