import type { Config } from "../../core/configSchema.js";
import { loadPrivateKey, type PrivateKeySource } from "./loadPrivateKey.js";
import { SshExecutor } from "./sshExecutor.js";

/**
 * The one way an entry point gets an SSH executor for an operation on a pool: the deploy key from
 * where the operator keeps it (a file, or an environment variable holding the key text; never a
 * repository), hosts at once and each command's timeout from the policy's rollout settings. The
 * App (its server pool's key), the CLI (`--key`, `HOSTROOT_SSH_KEY`, `HOSTROOT_SSH_KEY_FILE`) and
 * the Action (the `ssh-key` input's variable) all come here. Throws, naming the source and never
 * the key, when the key cannot be read.
 */
export function executorFor(
  key: PrivateKeySource,
  rollout: Pick<Config["policy"]["rollout"], "concurrency" | "commandTimeoutSeconds">,
  env: NodeJS.ProcessEnv = process.env,
): SshExecutor {
  return new SshExecutor({
    privateKey: loadPrivateKey(key, env),
    maxConcurrentHosts: rollout.concurrency,
    commandTimeoutMs: rollout.commandTimeoutSeconds * 1000,
  });
}
