import type { Duplex } from "node:stream";
import { Client } from "ssh2";
import type { PoolHost } from "../../core/configSchema.js";
import { HostUnreachableError } from "../../ports/remoteExecutor.js";
import { hostKeyAlgorithms, parsePinnedHostKey, sha256Fingerprint } from "./hostKey.js";

/** Connection parameters taken from the executor's options. */
export interface ConnectSettings {
  /** The deploy key; absent when `agent` alone authenticates. */
  privateKey?: string | Buffer;
  /** Decrypts a passphrase-protected `privateKey`. */
  passphrase?: string;
  /** ssh-agent's socket (`$SSH_AUTH_SOCK`): its keys are tried after `privateKey`. */
  agent?: string;
  /** ssh2's protocol-level debug lines (`-vv`); they carry no key material. */
  debug?: (message: string) => void;
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
 *
 * A host with a `jumpHost` is reached as OpenSSH's ProxyJump does: an authenticated connection to
 * the jump host (its key pinned too), a `direct-tcpip` channel from it to the host's address and
 * port, and the host's own SSH session inside that channel, end to end: the jump host relays bytes
 * it cannot read. The jump connection ends when the host's does.
 */
export async function connectHost(host: PoolHost, settings: ConnectSettings): Promise<Client> {
  if (!host.jumpHost) return connectOver(host, settings);
  const j = host.jumpHost;
  const jumpLabel = `${host.name}'s jump host ${j.address}:${j.port}`;
  const jump = await connectOver(
    { ...host, ...j, name: host.name, jumpHost: undefined },
    { ...settings, debug: settings.debug && ((m) => settings.debug?.(`jump: ${m}`)) },
    jumpLabel,
  );
  settings.log("info", `${jumpLabel}: forwarding to ${host.address}:${host.port}`);
  let sock: Duplex;
  try {
    sock = await new Promise<Duplex>((resolve, reject) =>
      jump.forwardOut("127.0.0.1", 0, host.address, host.port, (error, stream) =>
        error ? reject(error) : resolve(stream),
      ),
    );
  } catch (error) {
    jump.end();
    throw new HostUnreachableError(
      host.name,
      "connect",
      `${host.name} (${host.address}:${host.port}): the jump host ${j.address}:${j.port} could not reach it: ${(error as Error).message}`,
    );
  }
  try {
    const client = await connectOver(host, settings, undefined, sock);
    client.once("close", () => jump.end());
    return client;
  } catch (error) {
    jump.end();
    throw error;
  }
}

function connectOver(
  host: PoolHost,
  settings: ConnectSettings,
  labelOverride?: string,
  sock?: Duplex,
): Promise<Client> {
  const label = labelOverride ?? `${host.name} (${host.address}:${host.port})`;
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
      ...(sock ? { sock } : {}),
      ...(settings.privateKey ? { privateKey: settings.privateKey } : {}),
      ...(settings.passphrase !== undefined ? { passphrase: settings.passphrase } : {}),
      ...(settings.agent ? { agent: settings.agent } : {}),
      ...(settings.debug ? { debug: settings.debug } : {}),
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
