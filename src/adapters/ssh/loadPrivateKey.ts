import { readFileSync } from "node:fs";
import ssh2 from "ssh2";

// ssh2 is CommonJS: Node's ESM loader does not expose `utils` as a named export (vitest does).
const { utils } = ssh2;

/** Where the deploy key comes from: a file, or an environment variable holding the key text. */
export interface PrivateKeySource {
  path?: string;
  env?: string;
}

/**
 * Loads and checks an SSH private key (OpenSSH or PEM format). Exactly one of `path` and `env`
 * must be given. A passphrase-protected key needs `passphrase` (the CLI reads it from
 * `$HOSTROOT_SSH_KEY_PASSPHRASE`, never from argv); the key is returned as it is stored and ssh2
 * decrypts it with the same passphrase when it connects. Errors name the source, never the key
 * or the passphrase. An environment value with literal `\n` sequences and no real newline (a
 * common way CI secrets get pasted) is unescaped.
 */
export function loadPrivateKey(
  source: PrivateKeySource,
  env: NodeJS.ProcessEnv = process.env,
  passphrase?: string,
): Buffer {
  if ((source.path === undefined) === (source.env === undefined)) {
    throw new Error("ssh: give exactly one of a private key path or environment variable name");
  }
  let text: string;
  let where: string;
  if (source.path !== undefined) {
    where = `file ${source.path}`;
    try {
      text = readFileSync(source.path, "utf8");
    } catch (error) {
      throw new Error(`ssh: cannot read the private key ${where}: ${(error as NodeJS.ErrnoException).code}`);
    }
  } else {
    where = `environment variable ${source.env}`;
    text = env[source.env as string] ?? "";
    if (text === "") throw new Error(`ssh: the private key ${where} is not set or empty`);
    if (!text.includes("\n") && text.includes("\\n")) text = text.replaceAll("\\n", "\n");
  }
  const key = Buffer.from(text.trim().concat("\n"), "utf8");
  const parsed = utils.parseKey(key, passphrase);
  if (parsed instanceof Error || !parsed.isPrivateKey()) {
    // parseKey's message may quote the input in some versions: report only what kind of failure it was.
    const message = parsed instanceof Error ? parsed.message : "";
    if (passphrase === undefined && /passphrase|encrypted/i.test(message))
      throw new Error(
        `ssh: the ${where} holds a passphrase-protected key: set HOSTROOT_SSH_KEY_PASSPHRASE (or use ssh-agent)`,
      );
    if (passphrase !== undefined && /decrypt|passphrase|bad/i.test(message))
      throw new Error(`ssh: the passphrase does not decrypt the private key ${where}`);
    throw new Error(`ssh: the ${where} does not hold a valid SSH private key`);
  }
  return key;
}
