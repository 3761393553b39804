import { loadPrivateKey } from "../ssh/loadPrivateKey.js";
import { SshExecutor } from "../ssh/sshExecutor.js";

/** Where the CLI finds the deploy key, in order: `--key FILE`, `$HOSTROOT_SSH_KEY` (key text), `$HOSTROOT_SSH_KEY_FILE`. */
export interface KeyOptions {
  key?: string;
}

/**
 * Builds the SSH executor for a CLI operation. The key never comes from a repository: a file
 * path given by the operator, or a CI secret in the environment; without either, the operator's
 * ssh-agent (`$SSH_AUTH_SOCK`). A passphrase-protected key is decrypted with
 * `$HOSTROOT_SSH_KEY_PASSPHRASE` (an environment variable, so it never shows in `ps`). Neither key
 * nor passphrase is ever logged. `sshLog`, when given, receives every SSH-level log and debug line
 * (`-vv`).
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
  const { sshLog } = settings;
  return new SshExecutor({
    ...sshCredentials(options, env),
    maxConcurrentHosts: settings.concurrency,
    commandTimeoutMs: settings.commandTimeoutSeconds * 1000,
    ...(sshLog
      ? {
          logger: (e: { host: string; message: string }) => sshLog(e.host, e.message),
          debug: sshLog,
        }
      : {}),
  });
}

/** How the CLI authenticates: the key (and its passphrase) from `--key` or the environment, else ssh-agent. */
export interface SshCredentials {
  privateKey?: Buffer;
  passphrase?: string;
  agent?: string;
}

/** The operator's credentials, as {@link poolExecutor} describes; throws when there are none. */
export function sshCredentials(options: KeyOptions, env: NodeJS.ProcessEnv): SshCredentials {
  const source =
    options.key !== undefined
      ? { path: options.key }
      : env.HOSTROOT_SSH_KEY
        ? { env: "HOSTROOT_SSH_KEY" }
        : env.HOSTROOT_SSH_KEY_FILE
          ? { path: env.HOSTROOT_SSH_KEY_FILE }
          : undefined;
  const agent = env.SSH_AUTH_SOCK || undefined;
  if (!source && !agent) {
    throw new Error(
      "no SSH key: pass --key FILE, set HOSTROOT_SSH_KEY (key text) or HOSTROOT_SSH_KEY_FILE, or run ssh-agent (SSH_AUTH_SOCK)",
    );
  }
  const passphrase = env.HOSTROOT_SSH_KEY_PASSPHRASE;
  // An explicit key wins; the agent is used only when no key is named, as `ssh -i` users expect.
  if (!source) return { agent: agent as string };
  return {
    privateKey: loadPrivateKey(source, env, passphrase),
    ...(passphrase !== undefined ? { passphrase } : {}),
  };
}
