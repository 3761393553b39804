import type { ClientChannel } from "ssh2";
import { clampTimerMs } from "../../core/clampTimerMs.js";
import type { ExecResult } from "../../ports/remoteExecutor.js";
import { TailBuffer } from "./tailBuffer.js";

/** Limits for one command on an open channel. */
export interface RunLimits {
  timeoutMs: number;
  outputCapBytes: number;
  /** How long the remote side waits between SIGTERM and SIGKILL when we give up. */
  killGraceMs: number;
  signal?: AbortSignal;
}

/** Extra wait, after the remote kill grace, for the channel to close before we drop it ourselves. */
const CLOSE_MARGIN_MS = 2000;

/**
 * Feeds `frame` (see remoteBootstrap) to a channel running the bootstrap command and collects the
 * outcome. Never throws: a non-zero exit is data; giving up is `failure`. On timeout or abort it sends
 * EOF, which makes the remote watchdog stop the command's process group, then waits for the channel
 * to close so that the result is returned only once the remote command is gone (or after the grace
 * period plus a margin, if the host stopped answering). A channel that closes without an exit
 * status lost its connection: the command's outcome is unknown.
 */
export function runOnChannel(channel: ClientChannel, frame: Buffer, limits: RunLimits): Promise<ExecResult> {
  const started = performance.now();
  const stdout = new TailBuffer(limits.outputCapBytes);
  const stderr = new TailBuffer(limits.outputCapBytes);
  let code: number | null = null;
  let signal: string | null = null;
  let exited = false;
  let failure: ExecResult["failure"];

  return new Promise<ExecResult>((resolve) => {
    let finished = false;
    let forceClose: NodeJS.Timeout | undefined;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(forceClose);
      limits.signal?.removeEventListener("abort", onAbort);
      const truncated = stdout.truncated || stderr.truncated;
      resolve({
        code: failure ? null : code,
        signal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        durationMs: Math.round(performance.now() - started),
        ...(failure ? { failure } : {}),
        ...(truncated ? { truncated } : {}),
      });
    };
    const giveUp = (why: "timeout" | "aborted") => {
      if (finished || failure) return;
      if (exited) {
        // The script ended but something it left running holds its output open: keep the exit
        // status, stop waiting for that output.
        channel.close();
        finish();
        return;
      }
      failure = why;
      channel.end();
      forceClose = setTimeout(
        () => {
          channel.close();
          finish();
        },
        clampTimerMs(limits.killGraceMs + CLOSE_MARGIN_MS),
      );
    };
    // Clamped: a timeout beyond what setTimeout holds would otherwise fire after 1 ms.
    const timer = setTimeout(() => giveUp("timeout"), clampTimerMs(limits.timeoutMs));
    const onAbort = () => giveUp("aborted");

    channel.on("data", (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    channel.on("exit", (exitCode: number | null, exitSignal?: string) => {
      exited = true;
      code = exitCode ?? null;
      signal = exitSignal ?? null;
    });
    // ssh2 also closes every channel when the connection drops, without an exit status.
    channel.on("close", () => {
      if (!exited && !failure) failure = "connection-lost";
      finish();
    });
    // A stream error (e.g. a write racing a dropped connection) is followed by "close"; nothing to add.
    channel.on("error", () => {});
    // Stdin stays open after the frame: its EOF is the remote side's signal to stop.
    channel.write(frame);
    if (limits.signal?.aborted) onAbort();
    else limits.signal?.addEventListener("abort", onAbort, { once: true });
  });
}
