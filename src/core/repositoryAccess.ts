import { matchRepositoryGlob } from "./repositoryGlob.js";
import { DEFAULT_MAX_DEFINITION_FILES, type ServerConfig, type ServerPool } from "./serverConfigSchema.js";

/**
 * What the App may do for one repository: reach the pools the server config binds to it, or
 * validate and plan only (no server config, or no pool bound), with the sentence that says why.
 */
export type RepositoryAccess =
  | { kind: "bound"; repository: string; pools: Record<string, ServerPool>; maxDefinitionFiles: number }
  | { kind: "plan-only"; repository: string; reason: string; maxDefinitionFiles: number };

/**
 * The pools whose `repositories` patterns match `fullName` (`owner/name` from the webhook, never
 * from a file in the repository). Without a server config nothing is bound.
 */
export function repositoryAccess(server: ServerConfig | undefined, fullName: string): RepositoryAccess {
  if (server === undefined)
    return {
      kind: "plan-only",
      repository: fullName,
      reason:
        "this hostroot App runs without a server config (HOSTROOT_SERVER_CONFIG), so it validates and plans but never connects to a host",
      maxDefinitionFiles: DEFAULT_MAX_DEFINITION_FILES,
    };
  const pools = Object.fromEntries(
    Object.entries(server.pools).filter(([, p]) =>
      p.repositories.some((g) => matchRepositoryGlob(g, fullName)),
    ),
  );
  const maxDefinitionFiles = server.limits.maxDefinitionFiles;
  if (Object.keys(pools).length === 0)
    return {
      kind: "plan-only",
      repository: fullName,
      reason: `the App's server config binds no pool of hosts to ${fullName}, so hostroot validates and plans here but never connects to a host (ask whoever runs the App to bind one)`,
      maxDefinitionFiles,
    };
  return { kind: "bound", repository: fullName, pools, maxDefinitionFiles };
}
