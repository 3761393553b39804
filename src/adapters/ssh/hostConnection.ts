import pLimit, { type LimitFunction } from "p-limit";
import type { Client, ClientChannel } from "ssh2";
import type { PoolHost } from "../../core/configSchema.js";
import { HostUnreachableError } from "../../ports/remoteExecutor.js";
import { type ConnectSettings, connectHost } from "./connectHost.js";

/** What a {@link HostConnection} needs from the executor's options. */
export interface ConnectionSettings extends ConnectSettings {
  maxSessionsPerConnection: number;
}

/**
 * The connection went away while a channel was being opened: the command may or may not have
 * started, so the executor reports it as `connection-lost`, not as an unreachable host.
 */
export class ChannelOpenError extends Error {
  override name = "ChannelOpenError";
}

/** An error ssh2 raised while opening a channel on a live connection (e.g. sshd's MaxSessions). */
function isChannelRefusal(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("(SSH) Channel open failure");
}

/**
 * The one SSH connection to one host, shared by every command of an operation. Connects lazily;
 * concurrent first callers share one attempt; a failed or dropped connection is forgotten, so the
 * next command reconnects. Channels are queued so that no more than sshd's `MaxSessions` are open.
 */
export class HostConnection {
  private current: Promise<Client> | undefined;
  private readonly sessions: LimitFunction;
  private readonly label: string;
  private openChannels = 0;
  private opening = 0;
  private waiters: Array<() => void> = [];

  constructor(
    readonly host: PoolHost,
    private readonly settings: ConnectionSettings,
  ) {
    this.sessions = pLimit(settings.maxSessionsPerConnection);
    this.label = `${host.name} (${host.address}:${host.port})`;
  }

  /** The connected client; throws {@link HostUnreachableError} when the host cannot be reached. */
  connect(): Promise<Client> {
    if (!this.current) {
      const attempt = connectHost(this.host, this.settings);
      this.current = attempt;
      // Forget a failed attempt or a dropped connection, so that the next command connects again.
      const forget = () => {
        if (this.current === attempt) this.current = undefined;
      };
      attempt.then((client) => client.once("close", forget), forget);
    }
    return this.current;
  }

  /**
   * Opens an exec channel within the session limit and hands it to `use`, which resolves when the
   * channel is done. If sshd refuses the channel while others are open (its MaxSessions is lower than
   * ours), lowers our limit towards what it accepted, waits for a channel to close and retries; if
   * it refuses with none open, the host cannot run anything: {@link HostUnreachableError}.
   * Resolves undefined, opening nothing, if `skip()` is true once a session is free.
   */
  withChannel<T>(
    command: string,
    use: (channel: ClientChannel) => Promise<T>,
    skip: () => boolean = () => false,
  ): Promise<T | undefined> {
    return this.sessions(async () => {
      for (;;) {
        const client = await this.connect();
        // Checked when our turn comes, before opening anything: a skipped command never starts.
        if (skip()) return undefined;
        let channel: ClientChannel;
        this.opening++;
        try {
          channel = await new Promise<ClientChannel>((resolve, reject) =>
            client.exec(command, (error, ch) => (error ? reject(error) : resolve(ch))),
          );
        } catch (error) {
          this.opening--;
          this.changed();
          if (!isChannelRefusal(error)) throw new ChannelOpenError((error as Error).message);
          // Opens still in flight may succeed (their reply comes later): wait for them to settle.
          while (this.openChannels === 0 && this.opening > 0) await this.nextChange();
          if (this.openChannels === 0) {
            const detail = `${this.label}: sshd refused to open a session: ${(error as Error).message}`;
            throw new HostUnreachableError(this.host.name, "connect", detail);
          }
          // sshd frees a session slot only after our close reply, so a refusal right at the limit
          // is a race: allow one more than what is open now, which stops the churn of a lower limit.
          this.sessions.concurrency = Math.min(this.sessions.concurrency, this.openChannels + 1);
          this.settings.log(
            "debug",
            `${this.label}: channel refused with ${this.openChannels} open; waiting`,
          );
          const open = this.openChannels;
          while (this.openChannels >= open) await this.nextChange();
          continue;
        }
        this.opening--;
        this.openChannels++;
        this.changed();
        try {
          return await use(channel);
        } finally {
          this.openChannels--;
          this.changed();
        }
      }
    });
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private changed(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Ends the connection if there is one; resolves once the socket is closed. */
  async end(): Promise<void> {
    const attempt = this.current;
    this.current = undefined;
    const client = await attempt?.catch(() => undefined);
    if (!client) return;
    await new Promise<void>((resolve) => {
      client.once("close", () => resolve());
      client.end();
      // A peer that never answers must not hold up shutdown.
      setTimeout(() => {
        client.destroy();
        resolve();
      }, 2000).unref();
    });
  }
}
