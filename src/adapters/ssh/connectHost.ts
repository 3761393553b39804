import { Client } from "ssh2";
import type { PoolHost } from "../../core/configSchema.js";
import { HostUnreachableError } from "../../ports/remoteExecutor.js";
import { hostKeyAlgorithms, parsePinnedHostKey, sha256Fingerprint } from "./hostKey.js";

/** Connection parameters taken from the executor's options. */
export interface ConnectSettings {
  privateKey: string | Buffer;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  log: (level: "debug" | "info" | "warn", message: string) => void;
}

/**
 * Opens and authenticates one SSH connection with the host key pinned from the pool (compared as
 * the raw key blob; never trusted on first use). Every way it can fail becomes a
 * {@link HostUnreachableError} naming host, address and port: `host-key` (with the expected and the
 * presented SHA256 fingerprints), `auth`, `timeout` or `connect`.
 */
export function connectHost(host: PoolHost, settings: ConnectSettings): Promise<Client> {
  const label = `${host.name} (${host.address}:${host.port})`;
  const pinned = parsePinnedHostKey(host.hostKey);
  const expected = sha256Fingerprint(pinned.blob);
  let presented: Buffer | undefined;
  const started = Date.now();
  return new Promise<Client>((resolve, reject) => {
    const client = new Client();
    let ready = false;
    const fail = (reason: HostUnreachableError["reason"], detail: string) => {
      reject(new HostUnreachableError(host.name, reason, `${label}: ${detail}`));
      client.destroy();
    };
    client.on("ready", () => {
      ready = true;
      settings.log("info", `${label}: connected in ${Date.now() - started} ms`);
      resolve(client);
    });
    client.on("error", (error: Error & { level?: string; code?: string }) => {
      if (ready) {
        settings.log("warn", `${label}: connection error: ${error.message}`);
      } else if (presented && !presented.equals(pinned.blob)) {
        const got = sha256Fingerprint(presented);
        fail("host-key", `host key mismatch: expected ${expected}, presented ${got} (refused)`);
      } else if (/host key/i.test(error.message)) {
        fail("host-key", `the server offers no ${pinned.type} host key (expected ${expected}); refused`);
      } else if (error.level === "client-authentication") {
        fail("auth", `authentication as ${host.user} failed: ${error.message}`);
      } else if (error.level === "client-timeout" || error.code === "ETIMEDOUT") {
        fail("timeout", `no SSH handshake within ${settings.connectTimeoutMs} ms`);
      } else {
        fail("connect", `cannot connect: ${error.code ?? error.message}`);
      }
    });
    client.on("close", () => {
      if (!ready) fail("connect", "the connection closed during the SSH handshake");
      else settings.log("info", `${label}: connection closed`);
    });
    client.connect({
      host: host.address,
      port: host.port,
      username: host.user,
      privateKey: settings.privateKey,
      readyTimeout: settings.connectTimeoutMs,
      keepaliveInterval: settings.keepaliveIntervalMs,
      keepaliveCountMax: settings.keepaliveCountMax,
      // Offer only the pinned key's algorithms, so the server presents the key that was pinned.
      algorithms: { serverHostKey: hostKeyAlgorithms(pinned.type) as never },
      // Pinned, never trusted on first use: the raw key blob must equal the pool's.
      hostVerifier: (key: Buffer) => {
        presented = key;
        return key.equals(pinned.blob);
      },
    });
  });
}
