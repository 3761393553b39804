import type { Config } from "../../core/configSchema.js";
import { poolNameOf } from "../../core/effectiveConfig.js";
import type { ServerConfig } from "../../core/serverConfigSchema.js";
import type { RemoteExecutor } from "../../ports/remoteExecutor.js";
import { executorFor } from "../ssh/executorFor.js";

/**
 * The App's SSH executor for one operation on a pool of its server config, with that pool's key
 * (a file or an environment variable of the process that runs the App, never a repository's).
 * A config that lists its own hosts (no server pool) gets no executor at all: the App then only
 * validates and plans. Callers refuse such operations earlier; this is the last guard.
 */
export function poolExecutor(
  config: Config,
  server: ServerConfig | undefined,
  env: NodeJS.ProcessEnv = process.env,
): RemoteExecutor {
  const name = poolNameOf(config);
  const pool = name === undefined ? undefined : server?.pools[name];
  if (!pool)
    throw new Error(
      "this repository has no pool in the App's server config: hostroot validates and plans only",
    );
  const { file, env: variable } = pool.sshKey;
  return executorFor(
    file !== undefined ? { path: file } : { env: variable as string },
    config.policy.rollout,
    env,
  );
}
