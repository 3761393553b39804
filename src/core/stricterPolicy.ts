import {
  COMMAND_NAMES,
  type CommandName,
  type Config,
  configSchema,
  DEFAULT_COMMAND_RULES,
  PERMISSION_LEVELS,
  type PermissionLevel,
} from "./configSchema.js";
import { isSameOrUnder } from "./systemPaths.js";

/** A policy, as the workflows use it (defaults applied). */
export type Policy = Config["policy"];

/** A command's rule spelled out: the least permission (undefined: none is enough) and the teams. */
export interface ExplicitRule {
  permission?: PermissionLevel;
  teams: string[];
}

/** The built-in policy: what a missing or invalid config means. Never "anything goes". */
export function defaultPolicy(): Policy {
  return configSchema.shape.policy.parse({});
}

/**
 * The policy a push to the default branch is judged by: the policy it brings, with every command
 * rule the stricter of that and the rule before the push, so a push cannot loosen the rule that
 * lets it through. A missing or invalid policy before it (`before` undefined) counts as the
 * built-in defaults, never as "anything goes"; in a server pool, as the pool's rules made at
 * least as strict as the defaults. Mount sources, masks and rollout come from the push itself:
 * whoever passes both deploy rules may change them, and a server pool bounds them anyway.
 */
export function pushPolicy(before: Policy | undefined, after: Policy, pool?: Policy): Policy {
  const floor = pool === undefined ? defaultPolicy() : stricterPolicy(defaultPolicy(), pool);
  return { ...after, commands: stricterPolicy(before ?? floor, after).commands };
}

/** The rule `authorize` applies to `name` under `policy`, with the built-in default filled in. */
export function explicitRule(policy: Pick<Policy, "commands">, name: CommandName): ExplicitRule {
  const o = policy.commands[name];
  if (o !== undefined && (o.permission !== undefined || o.teams !== undefined))
    return { ...(o.permission === undefined ? {} : { permission: o.permission }), teams: o.teams ?? [] };
  return { permission: DEFAULT_COMMAND_RULES[name].permission, teams: [] };
}

/** Rank of a permission as a requirement: "no permission is enough" ranks above admin. */
export function requirementRank(permission: PermissionLevel | undefined): number {
  return permission === undefined ? PERMISSION_LEVELS.length : PERMISSION_LEVELS.indexOf(permission);
}

/**
 * A rule that lets through nobody whom either rule refuses: the higher permission, and only the
 * teams both name (compared without case). It may refuse someone who passes each rule by a
 * different door (a team in one, a permission in the other); that errs on the safe side.
 */
export function stricterRule(a: ExplicitRule, b: ExplicitRule): ExplicitRule {
  const permission =
    requirementRank(a.permission) >= requirementRank(b.permission) ? a.permission : b.permission;
  const inB = new Set(b.teams.map((t) => t.toLowerCase()));
  const teams = a.teams.filter((t) => inB.has(t.toLowerCase()));
  return { ...(permission === undefined ? {} : { permission }), teams };
}

/** The longest prefixes that lie under one prefix of `a` and one of `b`: what both allow. */
export function commonPrefixes(a: readonly string[], b: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of a)
    for (const q of b) {
      if (isSameOrUnder(p, q)) out.add(p);
      else if (isSameOrUnder(q, p)) out.add(q);
    }
  return [...out].sort();
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])].sort();

/**
 * The stricter of two policies, key by key, so a change can never loosen the rule it is judged
 * by (a push is judged by the stricter of the policy before and after it): every command's rule
 * the stricter one, mount sources only where both allow, masks of both (each deploy key path
 * masked too), the more careful rollout (larger canary, smaller batches and concurrency, fewer
 * tolerated failures, shorter timeouts), unprivileged containers when either policy asks for them.
 * The AppArmor profile of `a` wins when both set one: a
 * new profile takes effect from the next change. `definitionsPath` (where files are, not what
 * they may do) and keys this function does not know come from `b`.
 */
export function stricterPolicy(a: Policy, b: Policy): Policy {
  const commands: Policy["commands"] = {};
  for (const name of COMMAND_NAMES)
    commands[name] = stricterRule(explicitRule(a, name), explicitRule(b, name));
  const extraKeyFiles = a.deployKeyPath === b.deployKeyPath ? [] : [a.deployKeyPath];
  const apparmorProfile = a.apparmorProfile ?? b.apparmorProfile;
  return {
    ...b,
    commands,
    mounts: { ...b.mounts, allowedSources: commonPrefixes(a.mounts.allowedSources, b.mounts.allowedSources) },
    masks: {
      ...b.masks,
      files: union(union(a.masks.files, b.masks.files), extraKeyFiles),
      dirs: union(a.masks.dirs, b.masks.dirs),
    },
    ...(apparmorProfile === undefined ? {} : { apparmorProfile }),
    // Unprivileged by default if either says so: a push cannot turn it off for its own judgement.
    unprivileged: a.unprivileged || b.unprivileged,
    rollout: {
      ...b.rollout,
      canary: Math.max(a.rollout.canary, b.rollout.canary),
      batchSize: Math.min(a.rollout.batchSize, b.rollout.batchSize),
      maxFailures: Math.min(a.rollout.maxFailures, b.rollout.maxFailures),
      concurrency: Math.min(a.rollout.concurrency, b.rollout.concurrency),
      commandTimeoutSeconds: Math.min(a.rollout.commandTimeoutSeconds, b.rollout.commandTimeoutSeconds),
      lockTimeoutSeconds: Math.min(a.rollout.lockTimeoutSeconds, b.rollout.lockTimeoutSeconds),
    },
  };
}
