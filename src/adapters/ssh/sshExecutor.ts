import ssh2 from "ssh2";
import { clampTimerMs } from "../../core/clampTimerMs.js";
import type { PoolHost } from "../../core/configSchema.js";
import type { ExecOptions, ExecResult, RemoteExecutor } from "../../ports/remoteExecutor.js";
import { ChannelOpenError, HostConnection } from "./hostConnection.js";
import { parsePinnedHostKey } from "./hostKey.js";
import { HostSlots } from "./hostSlots.js";
import { frameScript, REMOTE_COMMAND } from "./remoteBootstrap.js";
import { runOnChannel } from "./runChannel.js";

// ssh2 is CommonJS: Node's ESM loader does not expose `utils` as a named export (vitest does).
const { utils } = ssh2;

/** One log line from the SSH adapter. Never contains key material, scripts or stdin data. */
export interface SshLogEntry {
  level: "debug" | "info" | "warn";
  host: string;
  message: string;
}

/** Options of {@link SshExecutor}; every limit has a default suited to a pool of Debian hosts. */
export interface SshExecutorOptions {
  /** The deploy key (see `loadPrivateKey`): OpenSSH or PEM text. Optional when `agent` is given. */
  privateKey?: string | Buffer;
  /** Decrypts a passphrase-protected `privateKey`; read from the environment, never from argv. */
  passphrase?: string;
  /** ssh-agent's socket path (`$SSH_AUTH_SOCK`): the agent signs, the key never leaves it. */
  agent?: string;
  /** ssh2's protocol debug output per host (`hostroot -vv`). Key material never reaches it. */
  debug?: (host: string, message: string) => void;
  /** TCP connect + SSH handshake + authentication. Default 10 s. */
  connectTimeoutMs?: number;
  /** SSH-level keepalive; a dead peer is noticed after `keepaliveCountMax` misses. Default 15 s, 3. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Per command unless `ExecOptions.timeoutMs` is given; counts from the command's start. Default 300 s. */
  commandTimeoutMs?: number;
  /** Per stream; beyond it the start is dropped and the tail kept. Default 1 MiB. */
  outputCapBytes?: number;
  /** On timeout or abort the remote command gets SIGTERM, then SIGKILL after this. Default 5 s. */
  killGraceMs?: number;
  /** Hosts with commands in flight at once; further hosts wait. Default 64. */
  maxConcurrentHosts?: number;
  /** Channels open at once per connection: OpenSSH's `MaxSessions` (default 10). More are queued. */
  maxSessionsPerConnection?: number;
  logger?: (entry: SshLogEntry) => void;
}

/**
 * {@link RemoteExecutor} over SSH (the `ssh2` package). One connection per host, opened on the first
 * command and reused by every later one until {@link close}; host keys are pinned from the pool.
 * Each command is one exec channel running a constant bootstrap that reads the script and the
 * caller's stdin from the channel (see remoteBootstrap.ts for why): no command string is ever built
 * here, and no round trip is added beyond SSH's own channel open and exec request.
 *
 * Outcomes: a non-zero exit is data. `failure: "timeout"` / `"aborted"` come back once the host has
 * stopped the command's process group (SIGTERM, then SIGKILL after `killGraceMs`), with the output
 * so far. `"connection-lost"` means the outcome is unknown; the host stops the command when it
 * notices the dropped connection, and the next command reconnects. `durationMs` counts from the
 * command's start on the host, or from the call when it never started.
 */
export class SshExecutor implements RemoteExecutor {
  private readonly connections = new Map<string, HostConnection>();
  private readonly slots: HostSlots;
  private closed = false;

  /** Throws at once if the private key cannot be used, rather than on every host later. */
  constructor(private readonly options: SshExecutorOptions) {
    if (options.privateKey === undefined) {
      if (!options.agent) throw new Error("SshExecutor: give a privateKey or an ssh-agent socket");
    } else {
      const parsed = utils.parseKey(options.privateKey, options.passphrase);
      if (parsed instanceof Error || !parsed.isPrivateKey()) {
        throw new Error(
          options.passphrase === undefined
            ? "SshExecutor: privateKey is not a valid unencrypted SSH private key"
            : "SshExecutor: privateKey is not a valid SSH private key, or the passphrase does not decrypt it",
        );
      }
    }
    this.slots = new HostSlots(options.maxConcurrentHosts ?? 64);
  }

  async exec(host: PoolHost, script: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) throw new Error("SshExecutor: exec after close()");
    const killGraceMs = clampTimerMs(this.options.killGraceMs ?? 5000);
    const frame = frameScript(script, options.stdin, killGraceMs / 1000);
    const started = performance.now();
    const gaveUp = (failure: ExecResult["failure"]): ExecResult => ({
      code: null,
      signal: null,
      stdout: "",
      stderr: "",
      durationMs: Math.round(performance.now() - started),
      failure,
    });
    const { signal } = options;
    if (signal?.aborted) return gaveUp("aborted");

    const connection = this.connectionFor(host);
    const log = (level: SshLogEntry["level"], message: string) =>
      this.options.logger?.({ level, host: host.name, message });
    let running = false;
    const work = (async () => {
      const release = await this.slots.hold(host.name);
      try {
        const result = await connection.withChannel(
          REMOTE_COMMAND,
          (channel) => {
            running = true;
            log("debug", `exec: ${Buffer.byteLength(script)}-byte script`);
            return runOnChannel(channel, frame, {
              timeoutMs: clampTimerMs(options.timeoutMs ?? this.options.commandTimeoutMs ?? 300_000),
              outputCapBytes: this.options.outputCapBytes ?? 1024 * 1024,
              killGraceMs,
              ...(signal ? { signal } : {}),
            });
          },
          // Aborted while waiting for the connection or a free session: run nothing.
          () => signal?.aborted === true,
        );
        return result ?? gaveUp("aborted");
      } catch (error) {
        // The connection died between connecting and starting the command: its fate is unknown.
        if (error instanceof ChannelOpenError) return gaveUp("connection-lost");
        throw error;
      } finally {
        release();
      }
    })();
    // Once the command runs, runOnChannel handles an abort (and waits until the host stopped it).
    const result = await raceAbort(work, signal, () => (running ? undefined : gaveUp("aborted")));
    if (result.failure)
      log("warn", `command ended with failure ${result.failure} after ${result.durationMs} ms`);
    else log("debug", `exit ${result.code ?? result.signal} in ${result.durationMs} ms`);
    return result;
  }

  /** See {@link RemoteExecutor.connectAhead}: each host's connection is opened now, idle until used. */
  connectAhead(hosts: readonly PoolHost[]): void {
    if (this.closed) return;
    // A failed attempt is forgotten by the connection; the host's first command tries again and
    // reports what it meets then (an unreachable host costs no more than without this).
    for (const host of hosts)
      this.connectionFor(host)
        .connect()
        .catch(() => {});
  }

  /** Ends every connection (commands still running get EOF and are stopped by the host). */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((c) => c.end()));
  }

  private connectionFor(host: PoolHost): HostConnection {
    // Keyed by everything that makes it the same server, so a changed pin never reuses a connection.
    const pin = parsePinnedHostKey(host.hostKey).blob.toString("base64");
    const j = host.jumpHost;
    const via = j
      ? ` via ${j.user}@${j.address}:${j.port} ${parsePinnedHostKey(j.hostKey).blob.toString("base64")}`
      : "";
    const key = `${host.user}@${host.address}:${host.port} ${pin}${via}`;
    let connection = this.connections.get(key);
    if (!connection) {
      const { logger, debug, privateKey, passphrase, agent } = this.options;
      connection = new HostConnection(host, {
        ...(privateKey !== undefined ? { privateKey } : {}),
        ...(passphrase !== undefined ? { passphrase } : {}),
        ...(agent ? { agent } : {}),
        ...(debug ? { debug: (message: string) => debug(host.name, message) } : {}),
        connectTimeoutMs: clampTimerMs(this.options.connectTimeoutMs ?? 10_000),
        keepaliveIntervalMs: clampTimerMs(this.options.keepaliveIntervalMs ?? 15_000),
        keepaliveCountMax: this.options.keepaliveCountMax ?? 3,
        maxSessionsPerConnection: this.options.maxSessionsPerConnection ?? 10,
        log: (level, message) => logger?.({ level, host: host.name, message }),
      });
      this.connections.set(key, connection);
    }
    return connection;
  }
}

/**
 * Resolves with `onAbort()` as soon as `signal` aborts, unless that returns undefined, leaving `work`
 * to finish (and clean up) alone.
 */
function raceAbort<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: () => T | undefined,
): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      const early = onAbort();
      if (early) resolve(early);
    };
    signal.addEventListener("abort", abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}
