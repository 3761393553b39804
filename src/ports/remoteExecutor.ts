import type { PoolHost } from "../core/configSchema.js";

/**
 * The outcome of one remote command. A non-zero exit is data, judged by `code`, never by stderr.
 * `code` is null when the process died by a signal, timed out, or the connection was lost.
 */
export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Set when hostroot gave up: the timeout passed, the caller aborted, or the connection dropped. */
  failure?: "timeout" | "aborted" | "connection-lost";
  /** True when stdout or stderr hit the capture cap and were cut. */
  truncated?: boolean;
}

/** Options for one remote command. */
export interface ExecOptions {
  /** Bytes fed to the command's stdin, then closed. */
  stdin?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Runs commands on pool hosts. The command is a script built by the core's `shellQuote` from argv
 * lists: one exec per host per phase carries a whole script, so there is no round trip per step.
 * Connection problems that prevent running anything at all (refused, host key mismatch,
 * authentication) are thrown as {@link HostUnreachableError}; everything after that is an ExecResult.
 */
export interface RemoteExecutor {
  exec(host: PoolHost, script: string, options?: ExecOptions): Promise<ExecResult>;
  /**
   * Starts connecting to hosts that commands will run on next, so that they start the moment it
   * is their turn; nothing runs on them. Optional: an executor without connections has no use for
   * it. A failure is not reported here: the host's first command connects again and reports it.
   */
  connectAhead?(hosts: readonly PoolHost[]): void;
  /** Closes every connection; safe to call twice. */
  close(): Promise<void>;
}

/** Raised when a host cannot be reached or authenticated; the message names host and reason. */
export class HostUnreachableError extends Error {
  constructor(
    readonly host: string,
    readonly reason: "connect" | "host-key" | "auth" | "timeout",
    message: string,
  ) {
    super(message);
    this.name = "HostUnreachableError";
  }
}
