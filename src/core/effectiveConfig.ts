import type { Config } from "./configSchema.js";
import { type Diagnostic, diagnostic } from "./diagnostic.js";
import type { Located, ValuePath } from "./located.js";
import type { RuleId } from "./rules.js";
import type { NarrowablePolicyKey, ServerPool } from "./serverConfigSchema.js";
import { explicitRule, type Policy, requirementRank, stricterRule } from "./stricterPolicy.js";
import { isSameOrUnder } from "./systemPaths.js";

/** The config the workflows use, with the name of the server pool it was cut from. */
export type PoolConfig = Config & { pool: Config["pool"] & { name: string } };

/** The server pool a config was cut from, or undefined for a config that lists its own hosts. */
export function poolNameOf(config: Config): string | undefined {
  const name = (config.pool as { name?: unknown }).name;
  return typeof name === "string" ? name : undefined;
}

/** A repository's config as written (`raw`: to know which keys it sets) and with defaults (`value`). */
export interface RepositoryConfig {
  located: Located<unknown>;
  value: { apiVersion: "hostroot/v1"; pool: { name: string; hosts?: string[] }; policy: Policy };
}

/** Rollout keys a repository may lower (or, for canary, raise) but never loosen. */
const ROLLOUT_LOWER = [
  "batchSize",
  "maxFailures",
  "concurrency",
  "commandTimeoutSeconds",
  "lockTimeoutSeconds",
];

/**
 * The config a repository gets from a server pool: the pool's hosts (only those `pool.hosts`
 * names, when it names some) and the pool's policy narrowed by the repository's own. A
 * repository may only narrow: raise a command's permission or drop teams from it, allow mount
 * sources under the pool's, add masks, make the rollout more careful, and choose its
 * definitionsPath. Anything else it writes is a diagnostic at its line, never silently dropped:
 * `policy/loosens` for a looser value, `policy/server-only` for a key only the server sets (and
 * for groups the server's `repositoryPolicy` fixes), `config/pool-unknown-host` for a host the
 * pool does not have. Keys this function does not know are server-only, so a new policy key is
 * never left to a repository by accident.
 */
export function effectiveConfig(
  poolName: string,
  pool: ServerPool,
  repo: RepositoryConfig,
): { config?: PoolConfig; diagnostics: Diagnostic[] } {
  const { located, value } = repo;
  const out: Diagnostic[] = [];
  const add = (path: ValuePath, rule: RuleId, message: string) =>
    out.push(diagnostic(located.file, located.span(path), rule, message));
  const serverOnly = (path: ValuePath) =>
    add(
      path,
      "policy/server-only",
      `${path.join(".")} is set by the App's server config for pool '${poolName}'; a repository may not set it`,
    );
  const server = pool.policy;
  const policy: Policy = structuredClone(server);
  const raw = obj(obj(located.value).policy);
  const fixed = (key: NarrowablePolicyKey) => pool.repositoryPolicy[key] === "fixed";

  for (const key of Object.keys(raw)) {
    const at: ValuePath = ["policy", key];
    if (key === "definitionsPath") policy.definitionsPath = value.policy.definitionsPath;
    else if (key === "commands" && !fixed("commands")) {
      for (const name of Object.keys(obj(raw.commands)) as Array<keyof Policy["commands"]>) {
        const mine = explicitRule(value.policy, name);
        const theirs = explicitRule(server, name);
        if (requirementRank(mine.permission) < requirementRank(theirs.permission)) {
          const set = obj(obj(raw.commands)[name]).permission !== undefined;
          add(
            [...at, name, ...(set ? ["permission"] : [])],
            "policy/loosens",
            `policy.commands.${name} may only be raised: pool '${poolName}' requires ${theirs.permission ?? "a listed team"}, this sets ${mine.permission ?? "teams only"}`,
          );
        }
        const allowed = new Set(theirs.teams.map((t) => t.toLowerCase()));
        mine.teams.forEach((t, i) => {
          if (!allowed.has(t.toLowerCase()))
            add(
              [...at, name, "teams", i],
              "policy/loosens",
              `policy.commands.${name}: team '${t}' is not in the rule of pool '${poolName}'; a repository may only drop teams, not add them`,
            );
        });
        policy.commands[name] = stricterRule(theirs, mine);
      }
    } else if (key === "mounts" && !fixed("mounts")) {
      for (const k of Object.keys(obj(raw.mounts))) {
        if (k !== "allowedSources") {
          serverOnly([...at, k]);
          continue;
        }
        const ok = value.policy.mounts.allowedSources.filter((p, i) => {
          const under = server.mounts.allowedSources.some((s) => isSameOrUnder(p, s));
          if (!under)
            add(
              [...at, k, i],
              "policy/loosens",
              `mount source prefix '${p}' is not under the allowed sources of pool '${poolName}' (${server.mounts.allowedSources.join(", ") || "none"})`,
            );
          return under;
        });
        policy.mounts.allowedSources = ok;
      }
    } else if (key === "masks" && !fixed("masks")) {
      policy.masks = {
        files: [...new Set([...server.masks.files, ...value.policy.masks.files])],
        dirs: [...new Set([...server.masks.dirs, ...value.policy.masks.dirs])],
      };
    } else if (key === "rollout" && !fixed("rollout")) {
      const mine = value.policy.rollout as Record<string, number>;
      const theirs = server.rollout as Record<string, number>;
      const into = policy.rollout as Record<string, number>;
      for (const k of Object.keys(obj(raw.rollout))) {
        const lower = ROLLOUT_LOWER.includes(k);
        if (!lower && k !== "canary") {
          serverOnly([...at, k]);
          continue;
        }
        const a = mine[k] as number;
        const b = theirs[k] as number;
        if (lower ? a > b : a < b)
          add(
            [...at, k],
            "policy/loosens",
            `policy.rollout.${k} may only be ${lower ? "lowered" : "raised"}: pool '${poolName}' sets ${b}`,
          );
        else into[k] = a;
      }
    } else serverOnly(at);
  }

  const platforms = narrowHosts(pool, value.pool.hosts, (i, name) =>
    add(
      ["pool", "hosts", i],
      "config/pool-unknown-host",
      `host '${name}' is not in pool '${poolName}' (its hosts: ${allHosts(pool).join(", ")})`,
    ),
  );
  if (out.length > 0) return { diagnostics: out };
  return {
    config: { apiVersion: "hostroot/v1", pool: { name: poolName, platforms }, policy },
    diagnostics: [],
  };
}

function allHosts(pool: ServerPool): string[] {
  return Object.values(pool.platforms).flatMap((p) => p.hosts.map((h) => h.name));
}

/** The pool's platforms with only the named hosts (all when none are named); empty platforms dropped. */
function narrowHosts(
  pool: ServerPool,
  names: readonly string[] | undefined,
  unknown: (index: number, name: string) => void,
): Config["pool"]["platforms"] {
  if (names === undefined) return structuredClone(pool.platforms);
  const known = new Set(allHosts(pool));
  names.forEach((n, i) => {
    if (!known.has(n)) unknown(i, n);
  });
  const wanted = new Set(names);
  const out: Config["pool"]["platforms"] = {};
  for (const [id, p] of Object.entries(pool.platforms)) {
    const hosts = p.hosts.filter((h) => wanted.has(h.name));
    if (hosts.length > 0) out[id] = { hosts: structuredClone(hosts) };
  }
  return out;
}

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
