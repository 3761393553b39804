import { type Diagnostic, diagnostic, hasErrors, sortDiagnostics } from "./diagnostic.js";
import type { Located, ValuePath } from "./located.js";
import { configRules } from "./parseConfig.js";
import { parseYaml } from "./parseYaml.js";
import { repositoryGlobProblem } from "./repositoryGlob.js";
import { type ServerConfig, serverConfigSchema } from "./serverConfigSchema.js";
import { zodIssuesToDiagnostics } from "./zodIssuesToDiagnostics.js";

/** The result of reading the App's server config. */
export interface ParsedServerConfig {
  /** Present when the file is valid; defaults applied. */
  config?: Located<ServerConfig>;
  diagnostics: Diagnostic[];
}

/**
 * Reads the App's server config (the file `HOSTROOT_SERVER_CONFIG` names): YAML with the same
 * limits and diagnostics as every other file, the server config schema, then the rules a schema
 * cannot express: repository patterns well formed, exactly one source for each pool's SSH key,
 * and each pool's hosts checked by the repository config's own host rules.
 */
export function parseServerConfig(file: string, bytes: Uint8Array | string): ParsedServerConfig {
  const yaml = parseYaml(file, bytes, { maxBytes: 4 * 1024 * 1024 });
  if (!yaml.located) return { diagnostics: yaml.diagnostics };
  const located = yaml.located;
  const result = serverConfigSchema.safeParse(located.value);
  const diagnostics = [...yaml.diagnostics, ...serverRules(located)];
  if (!result.success) {
    const ctx = { located, schema: serverConfigSchema, rootName: "the server config" };
    diagnostics.push(...zodIssuesToDiagnostics(result.error.issues, ctx));
  }
  const sorted = sortDiagnostics(diagnostics);
  if (!result.success || hasErrors(sorted)) return { diagnostics: sorted };
  return { config: { ...located, value: result.data }, diagnostics: sorted };
}

function serverRules(located: Located<unknown>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, pool] of entries(field(located.value, "pools"))) {
    const at: ValuePath = ["pools", name];
    const repositories = field(pool, "repositories");
    if (Array.isArray(repositories))
      repositories.forEach((r, i) => {
        const problem = typeof r === "string" ? repositoryGlobProblem(r) : undefined;
        if (problem)
          out.push(
            diagnostic(
              located.file,
              located.span([...at, "repositories", i]),
              "server/repository-glob",
              problem,
            ),
          );
      });
    const key = field(pool, "sshKey");
    if (key !== null && typeof key === "object" && !Array.isArray(key)) {
      const given = ["file", "env"].filter((k) => field(key, k) !== undefined);
      if (given.length !== 1)
        out.push(
          diagnostic(
            located.file,
            located.span([...at, "sshKey"]),
            "server/ssh-key",
            `pool '${name}': sshKey needs exactly one of 'file' (a path) or 'env' (a variable name), not ${given.length === 0 ? "neither" : "both"}`,
          ),
        );
    }
    // The pool's hosts and policy, seen where the repository config's rules look for them.
    const view: Located<unknown> = {
      file: located.file,
      value: { pool: { platforms: field(pool, "platforms") }, policy: field(pool, "policy") },
      span: (path, options) =>
        located.span(path[0] === "pool" ? [...at, ...path.slice(1)] : [...at, ...path], options),
    };
    out.push(...configRules(view));
  }
  return out;
}

function field(v: unknown, key: string): unknown {
  return v !== null && typeof v === "object" && !Array.isArray(v) && Object.hasOwn(v, key)
    ? (v as Record<string, unknown>)[key]
    : undefined;
}

function entries(v: unknown): [string, unknown][] {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? Object.entries(v) : [];
}
