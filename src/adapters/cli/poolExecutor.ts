import { executorFor } from "../ssh/executorFor.js";
import type { SshExecutor } from "../ssh/sshExecutor.js";

/** Where the CLI finds the deploy key, in order: `--key FILE`, `$HOSTROOT_SSH_KEY` (key text), `$HOSTROOT_SSH_KEY_FILE`. */
export interface KeyOptions {
  key?: string;
}

/**
 * Builds the SSH executor for a CLI operation. The key never comes from a repository: a file
 * path given by the operator, or a CI secret in the environment. It is never logged.
 */
export function poolExecutor(
  options: KeyOptions,
  env: NodeJS.ProcessEnv,
  settings: { concurrency: number; commandTimeoutSeconds: number },
): SshExecutor {
  const source =
    options.key !== undefined
      ? { path: options.key }
      : env.HOSTROOT_SSH_KEY
        ? { env: "HOSTROOT_SSH_KEY" }
        : env.HOSTROOT_SSH_KEY_FILE
          ? { path: env.HOSTROOT_SSH_KEY_FILE }
          : undefined;
  if (!source) {
    throw new Error(
      "no SSH key: pass --key FILE, or set HOSTROOT_SSH_KEY (key text) or HOSTROOT_SSH_KEY_FILE",
    );
  }
  return executorFor(source, settings, env);
}
