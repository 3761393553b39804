import type { Config } from "../../core/configSchema.js";
import { type SshCredentialSource, sshAuth } from "./sshAuth.js";
import { SshExecutor } from "./sshExecutor.js";

/** SSH-level logging for `-vv`: every connection log and ssh2 debug line, per host. */
export interface SshLogOptions {
  sshLog?: (host: string, message: string) => void;
}

/**
 * The one way an entry point gets an SSH executor for an operation on a pool: the credentials
 * from where the operator keeps them (never a repository), hosts at once and each command's
 * timeout from the policy's rollout settings. The App (its server pool's key), the CLI (`--key`,
 * `HOSTROOT_SSH_KEY`, `HOSTROOT_SSH_KEY_FILE`, or ssh-agent) and the Action (the `ssh-key` input's
 * variable) all come here. Throws, naming the source and never the key, when the key cannot be read.
 */
export function executorFor(
  credentials: SshCredentialSource,
  rollout: Pick<Config["policy"]["rollout"], "concurrency" | "commandTimeoutSeconds">,
  env: NodeJS.ProcessEnv = process.env,
  { sshLog }: SshLogOptions = {},
): SshExecutor {
  return new SshExecutor({
    ...sshAuth(credentials, env),
    maxConcurrentHosts: rollout.concurrency,
    commandTimeoutMs: rollout.commandTimeoutSeconds * 1000,
    ...(sshLog
      ? {
          logger: (e: { host: string; message: string }) => sshLog(e.host, e.message),
          debug: sshLog,
        }
      : {}),
  });
}
