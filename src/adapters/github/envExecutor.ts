import type { Config } from "../../core/configSchema.js";
import type { RemoteExecutor } from "../../ports/remoteExecutor.js";
import { loadPrivateKey } from "../ssh/loadPrivateKey.js";
import { SshExecutor } from "../ssh/sshExecutor.js";

/**
 * The app's SSH executor for one operation, with the deploy key from the environment of the
 * process that runs the app: `HOSTROOT_SSH_KEY` (the key text) or `HOSTROOT_SSH_KEY_FILE` (a
 * path). Never from a repository. Without either, the operation fails with this message.
 */
export function envExecutor(config: Config, env: NodeJS.ProcessEnv = process.env): RemoteExecutor {
  const source = env.HOSTROOT_SSH_KEY
    ? { env: "HOSTROOT_SSH_KEY" }
    : env.HOSTROOT_SSH_KEY_FILE
      ? { path: env.HOSTROOT_SSH_KEY_FILE }
      : undefined;
  if (!source)
    throw new Error("the app has no SSH key: set HOSTROOT_SSH_KEY or HOSTROOT_SSH_KEY_FILE where it runs");
  const { concurrency, commandTimeoutSeconds } = config.policy.rollout;
  return new SshExecutor({
    privateKey: loadPrivateKey(source, env),
    maxConcurrentHosts: concurrency,
    commandTimeoutMs: commandTimeoutSeconds * 1000,
  });
}
