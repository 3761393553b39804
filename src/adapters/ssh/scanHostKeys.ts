import type { Duplex } from "node:stream";
import { Client } from "ssh2";
import { sha256Fingerprint } from "./hostKey.js";

/** One host key a server presented. */
export interface ScannedHostKey {
  /** The key's type as the pool pins it: `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`. */
  type: string;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** The public key line the pool's `hostKey` takes. */
  line: string;
}

/** Where to scan, and how to get there. */
export interface ScanTarget {
  address: string;
  port: number;
  /** Opens a TCP stream to the target through a jump host, for hosts reached that way. */
  forward?: () => Promise<Duplex>;
}

// One handshake per key type: a server presents only the one the negotiation picks.
const ALGORITHMS = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
];

/** The key type written at the start of an SSH public key blob (uint32 length, then the name). */
function blobType(blob: Buffer): string {
  return blob.length >= 4 ? blob.subarray(4, 4 + blob.readUInt32BE(0)).toString("latin1") : "?";
}

/** One handshake offering only `algorithm`: the key presented, or why there was none. */
function presentedKey(
  target: ScanTarget,
  algorithm: string,
  timeoutMs: number,
): Promise<{ key?: Buffer; unreachable?: string }> {
  return new Promise((resolve) => {
    const client = new Client();
    let key: Buffer | undefined;
    let unreachable: string | undefined;
    const done = () => {
      client.destroy();
      resolve({ ...(key ? { key } : {}), ...(unreachable ? { unreachable } : {}) });
    };
    client.on("error", (error: Error & { code?: string; level?: string }) => {
      // No TCP connection, or no handshake at all: no other key type will fare better.
      if (error.code || error.level === "client-timeout")
        unreachable = error.code ?? "no SSH handshake in time";
      done();
    });
    client.on("close", done);
    client.on("ready", done);
    const connect = (sock?: Duplex) =>
      client.connect({
        host: target.address,
        port: target.port,
        username: "hostroot-keyscan",
        readyTimeout: timeoutMs,
        ...(sock ? { sock } : {}),
        algorithms: { serverHostKey: [algorithm] as never },
        // Record the key and refuse it: a scan never authenticates, so nothing is sent to the host.
        hostVerifier: (presented: Buffer) => {
          key = presented;
          return false;
        },
      });
    if (target.forward)
      target.forward().then(connect, (error: Error) => {
        unreachable = `the jump host could not reach it: ${error.message}`;
        done();
      });
    else connect();
  });
}

/**
 * The host keys a server presents, one handshake per key type, none authenticated; throws when the
 * server cannot be reached at all. What answers
 * is not proof of who answers: an operator compares each fingerprint with the host's own
 * (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on its console) before pinning it.
 */
export async function scanHostKeys(target: ScanTarget, timeoutMs = 10_000): Promise<ScannedHostKey[]> {
  const found: ScannedHostKey[] = [];
  for (const algorithm of ALGORITHMS) {
    const { key: blob, unreachable } = await presentedKey(target, algorithm, timeoutMs);
    if (unreachable && found.length === 0) throw new Error(`cannot connect: ${unreachable}`);
    if (!blob) continue;
    const type = blobType(blob);
    if (found.some((k) => k.type === type)) continue;
    found.push({ type, fingerprint: sha256Fingerprint(blob), line: `${type} ${blob.toString("base64")}` });
  }
  return found;
}
