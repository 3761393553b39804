import { parseAppConfig } from "../../core/parseAppConfig.js";
import { type RepositoryAccess, repositoryAccess } from "../../core/repositoryAccess.js";
import type { ServerConfig } from "../../core/serverConfigSchema.js";
import type { ConfigParser } from "../../workflows/validateSources.js";

/** What one delivery may do for its repository, and how it reads that repository's config. */
export interface AppAccess {
  access: RepositoryAccess;
  /** `.github/hostroot.yml` read for this repository: narrowed into its pool, or plan-only. */
  parseConfig: ConfigParser;
  /** Most definition files one event reads (each is an API request from the installation's limit). */
  maxFiles: number;
}

/**
 * Resolves the repository a webhook names (`repository.full_name`, as GitHub sends it, never a
 * value from the repository's files) against the server config.
 */
export function appAccess(server: ServerConfig | undefined, fullName: string): AppAccess {
  const access = repositoryAccess(server, fullName);
  return {
    access,
    parseConfig: (file, bytes) => parseAppConfig(file, bytes, access),
    maxFiles: access.maxDefinitionFiles,
  };
}
