import { LOCK_TIMEOUT_EXIT, type LockHolderInfo, parseLockMarkers } from "./hostLock.js";
import type { HostOutcome, StepResult } from "./operationResult.js";

/** The parts of a remote command's outcome the core judges (the port's ExecResult has these). */
export interface ExecOutcome {
  code: number | null;
  stdout: string;
  durationMs: number;
  failure?: "timeout" | "aborted" | "connection-lost";
  /** True when the output hit the capture cap and was cut: markers may be missing. */
  truncated?: boolean;
}

/** One line naming a lock holder as its holder file said. */
export function describeHolder(h: LockHolderInfo): string {
  return "holder" in h
    ? `${h.holder} (pid ${h.pid} since ${h.since})`
    : h.raw === ""
      ? "an unknown holder"
      : h.raw;
}

/**
 * What the lock markers say, as a step for the report when the run had to wait (so the result
 * names who held the host), or as the host's failure when the wait timed out.
 */
export function lockOutcome(
  stdout: string,
  code: number | null,
  lockTimeoutSeconds: number,
): { waited?: StepResult; timedOut?: string } {
  const lock = parseLockMarkers(stdout);
  if (lock.kind === "timeout" || (lock.kind === "none" && code === LOCK_TIMEOUT_EXIT)) {
    const who = lock.kind === "timeout" ? describeHolder(lock.heldBy) : "another operation";
    return { timedOut: `host lock held by ${who}; gave up after ${lockTimeoutSeconds} s` };
  }
  if (lock.kind === "acquired" && lock.waitedFor) {
    return {
      waited: {
        id: "lock",
        description: `waited for the host lock held by ${describeHolder(lock.waitedFor)}`,
        status: "applied",
      },
    };
  }
  return {};
}

/**
 * The host outcome and one-line error for a run the executor gave up on: a timeout or abort is
 * `failed` (the host answered; hostroot stopped waiting), a dropped connection `unreachable`.
 * `during` names the step that was running, when the markers tell.
 */
export function execGaveUp(
  exec: ExecOutcome,
  timeoutSeconds: number,
  during: string | undefined,
): { outcome: HostOutcome; error: string } | undefined {
  const where = during === undefined ? "" : ` during ${during}`;
  switch (exec.failure) {
    case "timeout":
      return { outcome: "failed", error: `command timed out after ${timeoutSeconds} s${where}` };
    case "aborted":
      return { outcome: "failed", error: `cancelled${where}` };
    case "connection-lost":
      return { outcome: "unreachable", error: `connection lost${where}` };
    default:
      return undefined;
  }
}
