import { z } from "zod";
import { configSchema } from "./configSchema.js";
import { DNS_LABEL } from "./definitionSchema.js";
import { type Diagnostic, diagnostic, hasErrors, sortDiagnostics } from "./diagnostic.js";
import { effectiveConfig, type RepositoryConfig } from "./effectiveConfig.js";
import { configRules, type ParsedConfig, parseConfig } from "./parseConfig.js";
import { parseYaml } from "./parseYaml.js";
import type { RepositoryAccess } from "./repositoryAccess.js";
import { zodIssuesToDiagnostics } from "./zodIssuesToDiagnostics.js";

/**
 * A repository's config when the App's server config binds it a pool: the pool is named, not
 * listed (`pool: { name: web, hosts: [web-1] }`). `platforms` is accepted by the schema only so
 * that its own rule can say why it is refused.
 */
export const boundRepositoryConfigSchema = configSchema.extend({
  pool: z.strictObject({
    name: z.string().min(1).describe("The server config's pool this repository uses."),
    hosts: z
      .array(z.string().regex(DNS_LABEL, "must be a host name"))
      .min(1)
      .optional()
      .describe("Only these hosts of the pool (all when absent)."),
    platforms: z.unknown().optional(),
  }),
});

/**
 * Reads `.github/hostroot.yml` as the App sees it for one repository. Bound to pools by the
 * server config: the config must name one of them (`config/pool-not-bound` otherwise), must not
 * list hosts of its own (`config/pool-from-server`), and is narrowed into the pool by
 * {@link effectiveConfig}. Not bound (no server config, or no pool for it): read as the CLI reads
 * it, for validation and plans only (nothing connects to the hosts it lists); a config naming a
 * server pool is then `config/pool-not-bound`, with the reason.
 */
export function parseAppConfig(
  file: string,
  bytes: Uint8Array | string,
  access: RepositoryAccess,
): ParsedConfig {
  const yaml = parseYaml(file, bytes);
  if (!yaml.located) return { diagnostics: yaml.diagnostics };
  const located = yaml.located;
  const pool = obj(obj(located.value).pool);
  const name = pool.name;
  const at = (path: (string | number)[]) => located.span(path, { key: true });
  if (access.kind === "plan-only") {
    if (name === undefined) return parseConfig(file, bytes);
    const message = `pool '${String(name)}' is not available: ${access.reason}`;
    return { diagnostics: [diagnostic(file, at(["pool", "name"]), "config/pool-not-bound", message)] };
  }
  const bound = Object.keys(access.pools);
  const diagnostics: Diagnostic[] = [...yaml.diagnostics, ...configRules(located)];
  if (pool.platforms !== undefined)
    diagnostics.push(
      diagnostic(
        file,
        at(["pool", "platforms"]),
        "config/pool-from-server",
        `this repository's hosts come from the App's server config (${bound.map((b) => `pool '${b}'`).join(" or ")}): name the pool with 'pool: { name: ${bound[0]} }' instead of listing hosts`,
      ),
    );
  if (typeof name === "string" && !bound.includes(name))
    diagnostics.push(
      diagnostic(
        file,
        at(["pool", "name"]),
        "config/pool-not-bound",
        `pool '${name}' is not bound to ${access.repository} by the App's server config; it may use ${bound.map((b) => `'${b}'`).join(", ")}`,
      ),
    );
  const result = boundRepositoryConfigSchema.safeParse(located.value);
  if (!result.success)
    diagnostics.push(
      ...zodIssuesToDiagnostics(result.error.issues, {
        located,
        schema: boundRepositoryConfigSchema,
        rootName: "the config",
      }),
    );
  if (!result.success || hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics) };
  const chosen = result.data.pool.name;
  const repo: RepositoryConfig = {
    located,
    value: {
      apiVersion: "hostroot/v1",
      pool: { name: chosen, ...(result.data.pool.hosts ? { hosts: result.data.pool.hosts } : {}) },
      policy: result.data.policy,
    },
  };
  const effective = effectiveConfig(
    chosen,
    access.pools[chosen] as NonNullable<(typeof access.pools)[string]>,
    repo,
  );
  const all = sortDiagnostics([...diagnostics, ...effective.diagnostics]);
  if (!effective.config || hasErrors(all)) return { diagnostics: all };
  return { config: { ...located, value: effective.config }, diagnostics: all };
}

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
