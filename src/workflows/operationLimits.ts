/**
 * How many operations one App process runs at once for one person and for one repository. Each
 * operation holds SSH sessions to up to `policy.rollout.concurrency` hosts, a status comment that
 * is edited as hosts finish, and calls on the installation's shared GitHub rate limit, so without
 * a bound one person (or one repository's writers) could start as many as they can post comments.
 */
export interface OperationLimits {
  /** Operations one GitHub account may have running at once, over every repository. */
  perActor: number;
  /** Operations one repository may have running at once (deploys on merge count too). */
  perRepo: number;
}

/**
 * Two per person: one long operation (an upgrade, a deploy) and a `/status` beside it; a third is
 * a flood or a mistake, not work (operations on the same hosts queue on the host locks anyway).
 * Three per repository: a team of maintainers at work, plus a deploy on merge, without one
 * repository's comments occupying the App's SSH fan-out for every other repository.
 */
export const DEFAULT_OPERATION_LIMITS: OperationLimits = { perActor: 2, perRepo: 3 };
