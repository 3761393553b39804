import type { PoolHost } from "../../core/configSchema.js";
import type { HostResult } from "../../core/operationResult.js";
import type { ExecOptions, ExecResult, RemoteExecutor } from "../../ports/remoteExecutor.js";

/** Where progress goes: stderr, so stdout stays the report a script can parse. */
export interface ProgressSink {
  write(text: string): unknown;
  /** A terminal gets one live line rewritten in place; anything else gets plain lines. */
  isTTY?: boolean;
  columns?: number;
}

/** `-v` once: what runs on which host; twice: SSH-level logs too. */
export type Verbosity = 0 | 1 | 2;

const CLEAR_LINE = "\r\x1b[2K";
// Step ids as hostScript prints them in its begin markers (`'::hostroot-step ID begin -'`).
const STEP_BEGIN = /::hostroot-step ([A-Za-z0-9][A-Za-z0-9._:-]*) begin/g;
// Never echo what looks like key material, whatever a lower layer put in a log line.
const SECRET = /PRIVATE KEY|passphrase/i;
// C0 and C1 controls and DEL: a host's text (an error, a name in its SSH handshake) must not
// move the operator's cursor, retitle the terminal or fake a line of hostroot's own.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** `text` with every control character shown as `\xNN`: one line, printed as it reads. */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/**
 * The CLI's progress on long operations: hosts done, failed and running. On a terminal one live
 * line is rewritten in place (lines about single hosts are printed above it); otherwise each host
 * that finishes gets one plain line carrying the counts, so a CI log reads top to bottom.
 * "running" counts hosts with a command in flight, seen through {@link Progress.track}; "done"
 * counts hosts the workflow reported finished (`onHostDone`), the failed ones included.
 */
export class Progress {
  private done = 0;
  private failed = 0;
  private readonly running = new Map<string, number>();
  private live = false;

  constructor(
    private readonly sink: ProgressSink,
    private readonly operation: string,
    readonly verbosity: Verbosity = 0,
  ) {}

  /** The workflows' per-host callback: one line per finished host, counts updated. */
  readonly hostDone = (h: HostResult): void => {
    this.done += 1;
    if (h.outcome !== "succeeded" && h.outcome !== "not-run") this.failed += 1;
    const line = `${h.host}: ${h.outcome}${h.error ? ` — ${h.error}` : ""}`;
    if (this.verbosity >= 1)
      for (const s of h.steps) this.line(`${h.host}:   ${s.id} ${s.status} (${s.description})`);
    this.line(this.sink.isTTY ? line : `${line}  (${this.counts()})`);
  };

  /** `-vv`: one SSH-level log line for a host (ssh2's debug output, connection events). */
  readonly sshLog = (host: string, message: string): void => {
    if (this.verbosity < 2 || SECRET.test(message)) return;
    this.line(`${host}: ssh: ${message}`);
  };

  /** The executor, reporting each command's start and end to this progress. */
  track(executor: RemoteExecutor): RemoteExecutor {
    return {
      exec: async (host: PoolHost, script: string, options?: ExecOptions): Promise<ExecResult> => {
        this.started(host.name, script);
        let result: ExecResult | undefined;
        try {
          result = await executor.exec(host, script, options);
          return result;
        } finally {
          this.ended(host.name, result);
        }
      },
      connectAhead: (hosts) => executor.connectAhead?.(hosts),
      close: () => executor.close(),
    };
  }

  /** Clears the live line; call once the operation returned, before the report is printed. */
  finish(): void {
    if (this.live) this.sink.write(CLEAR_LINE);
    this.live = false;
  }

  private started(host: string, script: string): void {
    this.running.set(host, (this.running.get(host) ?? 0) + 1);
    if (this.verbosity >= 1) {
      const steps = [...script.matchAll(STEP_BEGIN)].map((m) => m[1]);
      const what = steps.length > 0 ? `: ${steps.join(", ")}` : "";
      this.line(`${host}: runs a ${Buffer.byteLength(script)}-byte script${what}`);
    } else this.redraw();
  }

  private ended(host: string, result: ExecResult | undefined): void {
    const n = (this.running.get(host) ?? 1) - 1;
    if (n > 0) this.running.set(host, n);
    else this.running.delete(host);
    if (this.verbosity >= 1) {
      const how = !result
        ? "could not run (unreachable)"
        : result.failure
          ? `gave up: ${result.failure}`
          : `exit ${result.code ?? result.signal}`;
      this.line(`${host}: ${how}${result ? ` in ${result.durationMs} ms` : ""}`);
    } else this.redraw();
  }

  private counts(): string {
    return `${this.done} done, ${this.failed} failed, ${this.running.size} running`;
  }

  /** A permanent line; on a terminal, printed above the live line, which is drawn again. */
  private line(raw: string): void {
    const text = printable(raw);
    if (!this.sink.isTTY) {
      this.sink.write(`${text}\n`);
      return;
    }
    this.sink.write(`${this.live ? CLEAR_LINE : ""}${text}\n`);
    this.live = false;
    this.redraw();
  }

  private redraw(): void {
    if (!this.sink.isTTY) return;
    const names = [...this.running.keys()];
    const shown = names.length > 0 ? `: ${names.join(", ")}` : "";
    let text = printable(`hostroot ${this.operation}: ${this.counts()}${shown}`);
    const width = (this.sink.columns ?? 80) - 1;
    if (text.length > width) text = `${text.slice(0, Math.max(0, width - 1))}…`;
    this.sink.write(`${CLEAR_LINE}${text}`);
    this.live = true;
  }
}
