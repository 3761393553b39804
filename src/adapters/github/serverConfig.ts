import { readFileSync } from "node:fs";
import { formatDiagnosticsText } from "../../core/format/formatDiagnosticsText.js";
import { parseServerConfig } from "../../core/parseServerConfig.js";
import type { ServerConfig } from "../../core/serverConfigSchema.js";
import { loadPrivateKey } from "../ssh/loadPrivateKey.js";

/** The environment variable naming the App's server config file. */
export const SERVER_CONFIG_VARIABLE = "HOSTROOT_SERVER_CONFIG";

/**
 * The App's server config, read once at start from the file `HOSTROOT_SERVER_CONFIG` names (never
 * from a repository); undefined when the variable is unset, and the App then validates and plans
 * but never connects to a host. A file that cannot be read, has any error, or names an SSH key
 * that does not load throws with every diagnostic, so the App refuses to start rather than run
 * with a half-understood boundary.
 */
export function loadServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig | undefined {
  const file = env[SERVER_CONFIG_VARIABLE];
  if (file === undefined || file === "") return undefined;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(
      `${SERVER_CONFIG_VARIABLE}: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  const parsed = parseServerConfig(file, bytes);
  if (!parsed.config)
    throw new Error(
      `${SERVER_CONFIG_VARIABLE}: ${file} is invalid; hostroot does not start:\n${formatDiagnosticsText(parsed.diagnostics, 1)}`,
    );
  const server = parsed.config.value;
  for (const [name, pool] of Object.entries(server.pools)) {
    const { file: path, env: variable } = pool.sshKey;
    try {
      loadPrivateKey(path !== undefined ? { path } : { env: variable as string }, env);
    } catch (error) {
      throw new Error(
        `${SERVER_CONFIG_VARIABLE}: pool '${name}': ${(error as Error).message}; hostroot does not start`,
      );
    }
  }
  return server;
}
