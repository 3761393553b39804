import { executorFor } from "../ssh/executorFor.js";
import type { SshCredentialSource } from "../ssh/sshAuth.js";
import type { SshExecutor } from "../ssh/sshExecutor.js";

/** Where the CLI finds the deploy key, in order: `--key FILE`, `$HOSTROOT_SSH_KEY` (key text), `$HOSTROOT_SSH_KEY_FILE`. */
export interface KeyOptions {
  key?: string;
}

/**
 * Builds the SSH executor for a CLI operation with the operator's credentials (see
 * {@link cliCredentials}). `sshLog`, when given, receives every SSH-level log and debug line (`-vv`).
 */
export function poolExecutor(
  options: KeyOptions,
  env: NodeJS.ProcessEnv,
  settings: {
    concurrency: number;
    commandTimeoutSeconds: number;
    sshLog?: (host: string, message: string) => void;
  },
): SshExecutor {
  const { sshLog, ...rollout } = settings;
  return executorFor(cliCredentials(options, env), rollout, env, sshLog ? { sshLog } : {});
}

/**
 * The operator's credentials. The key never comes from a repository: a file path given by the
 * operator, or a CI secret in the environment; without either, the operator's ssh-agent
 * (`$SSH_AUTH_SOCK`) — an explicit key wins, as `ssh -i` users expect. A passphrase-protected key
 * is decrypted with `$HOSTROOT_SSH_KEY_PASSPHRASE` (an environment variable, so it never shows in
 * `ps`). Neither key nor passphrase is ever logged. Throws when there are no credentials at all.
 */
export function cliCredentials(options: KeyOptions, env: NodeJS.ProcessEnv): SshCredentialSource {
  const key =
    options.key !== undefined
      ? { path: options.key }
      : env.HOSTROOT_SSH_KEY
        ? { env: "HOSTROOT_SSH_KEY" }
        : env.HOSTROOT_SSH_KEY_FILE
          ? { path: env.HOSTROOT_SSH_KEY_FILE }
          : undefined;
  const passphrase = env.HOSTROOT_SSH_KEY_PASSPHRASE;
  if (key) return { key, ...(passphrase !== undefined ? { passphrase } : {}) };
  if (env.SSH_AUTH_SOCK) return { agent: env.SSH_AUTH_SOCK };
  throw new Error(
    "no SSH key: pass --key FILE, set HOSTROOT_SSH_KEY (key text) or HOSTROOT_SSH_KEY_FILE, or run ssh-agent (SSH_AUTH_SOCK)",
  );
}
