import { createHash } from "node:crypto";

/** A pinned host key from the pool: its type and raw SSH wire blob. */
export interface PinnedHostKey {
  type: string;
  blob: Buffer;
}

/** Parses `ssh-ed25519 AAAA... comment` (the pool's `hostKey`); throws on a malformed line (a config bug). */
export function parsePinnedHostKey(line: string): PinnedHostKey {
  const [type, base64] = line.trim().split(/\s+/);
  if (!type || !base64) throw new Error(`ssh: malformed pinned host key: ${line}`);
  return { type, blob: Buffer.from(base64, "base64") };
}

/** The OpenSSH fingerprint of a key blob: `SHA256:` + unpadded base64, as `ssh-keygen -lf` prints it. */
export function sha256Fingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/**
 * The host key algorithms to offer for a pinned key type. Offering only these makes the server show
 * the key we pinned: a server with both an ed25519 and an RSA key would otherwise present whichever
 * the negotiation prefers, and a correct pin would look like a changed key.
 */
export function hostKeyAlgorithms(type: string): string[] {
  return type === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [type];
}
