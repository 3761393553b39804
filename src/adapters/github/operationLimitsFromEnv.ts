import { DEFAULT_OPERATION_LIMITS, type OperationLimits } from "../../workflows/operationLimits.js";

/** The environment variables that set {@link OperationLimits}, for whoever runs the App. */
export const OPERATION_LIMIT_VARIABLES = {
  perActor: "HOSTROOT_MAX_OPERATIONS_PER_ACTOR",
  perRepo: "HOSTROOT_MAX_OPERATIONS_PER_REPO",
} as const satisfies Record<keyof OperationLimits, string>;

/** Far above any real need; a bound keeps a typo (an extra zero or three) from meaning "no limit". */
const MAX = 1000;

/**
 * The App's operation limits: the defaults, or whole numbers from 1 to 1000 in the environment.
 * Only the operator sets them; a repository's config cannot. Anything else throws, naming the
 * variable, so the App refuses to start rather than run without the limit the operator meant.
 */
export function operationLimitsFromEnv(env: NodeJS.ProcessEnv): OperationLimits {
  const limits = { ...DEFAULT_OPERATION_LIMITS };
  for (const key of Object.keys(OPERATION_LIMIT_VARIABLES) as Array<keyof OperationLimits>) {
    const name = OPERATION_LIMIT_VARIABLES[key];
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") continue;
    const value = raw.trim();
    if (!/^[0-9]{1,4}$/.test(value) || Number(value) < 1 || Number(value) > MAX)
      throw new Error(
        `hostroot refuses to start: ${name} must be a whole number from 1 to ${MAX} (the default is ${DEFAULT_OPERATION_LIMITS[key]}), not ${JSON.stringify(raw.slice(0, 40))}.`,
      );
    limits[key] = Number(value);
  }
  return limits;
}
