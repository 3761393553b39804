import { loadPrivateKey, type PrivateKeySource } from "./loadPrivateKey.js";

/**
 * How hostroot authenticates to hosts: a deploy key (a file, or an environment variable holding
 * the key text; a passphrase-protected one with its passphrase), or the operator's ssh-agent socket.
 */
export type SshCredentialSource = { key: PrivateKeySource; passphrase?: string } | { agent: string };

/** What ssh2 is given to authenticate with. */
export interface SshAuth {
  privateKey?: Buffer;
  passphrase?: string;
  agent?: string;
}

/** Reads the key a source names (checked, errors naming the source and never the key), or passes the agent on. */
export function sshAuth(credentials: SshCredentialSource, env: NodeJS.ProcessEnv): SshAuth {
  if ("agent" in credentials) return { agent: credentials.agent };
  const { key, passphrase } = credentials;
  return {
    privateKey: loadPrivateKey(key, env, passphrase),
    ...(passphrase !== undefined ? { passphrase } : {}),
  };
}
