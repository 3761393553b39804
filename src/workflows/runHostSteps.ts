import type { PoolHost } from "../core/configSchema.js";
import { type LockHolderInfo, type LockReport, parseLockMarkers } from "../core/hostLock.js";
import { hostScript } from "../core/hostScript.js";
import type { HostStep } from "../core/hostSteps.js";
import { lockedHostScript } from "../core/lockedHostScript.js";
import type { StepResult } from "../core/operationResult.js";
import { parseStepMarkers } from "../core/parseStepMarkers.js";
import type { ExecResult, RemoteExecutor } from "../ports/remoteExecutor.js";

/** Options for {@link runHostSteps}. */
export interface RunHostStepsOptions {
  /** Who and what, shown to an operation that has to wait for this one's host lock. */
  holder: string;
  lockTimeoutSeconds: number;
  /** Each step is killed on the host (timeout(1)) after this long; its exit is then 124. */
  stepTimeoutSeconds: number;
  signal?: AbortSignal;
}

/** What one locked host script did. */
export interface HostRun {
  /** A `lock` entry first when the run had to wait or gave up, then every step in order. */
  steps: StepResult[];
  /** Every step ran and succeeded. */
  completed: boolean;
  lock: LockReport;
  exec: ExecResult;
  /** The first step that failed, if one did. */
  failedStep?: StepResult;
  /** One line: why the host did not complete. */
  error?: string;
}

/** timeout(1)'s exit codes: the step ran out of time (124) or ignored SIGTERM and was killed (137). */
const TIMED_OUT = new Set([124, 137]);
const OUTPUT_TAIL = 2000;

/** "deploy by alice (pid 42, since 2024-…)": a lock holder in words. */
export function describeHolder(info: LockHolderInfo): string {
  return "raw" in info ? info.raw || "unknown" : `${info.holder} (pid ${info.pid}, since ${info.since})`;
}

/**
 * Runs `steps` on one host as ONE exec: a hostScript (markers per step) inside the host lock,
 * each step bounded by timeout(1) so a hung command fails as itself instead of the whole
 * connection timing out. The result names every step as applied, failed or not-run. A host that
 * cannot be reached throws HostUnreachableError, for the caller to report.
 */
export async function runHostSteps(
  executor: RemoteExecutor,
  host: PoolHost,
  steps: readonly HostStep[],
  options: RunHostStepsOptions,
): Promise<HostRun> {
  const limit = String(options.stepTimeoutSeconds);
  const timed = steps.map((s) => ({ ...s, argv: ["timeout", "-k", "5", limit, ...s.argv] }));
  const script = lockedHostScript(hostScript(timed), {
    holder: options.holder,
    timeoutSeconds: options.lockTimeoutSeconds,
  });
  // A bound for broken infrastructure only: the lock wait plus every step at its own limit.
  const budget = options.lockTimeoutSeconds + steps.length * (options.stepTimeoutSeconds + 5) + 30;
  const exec = await executor.exec(host, script, {
    timeoutMs: budget * 1000,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const lock = parseLockMarkers(exec.stdout);
  const markers = parseStepMarkers(
    exec.stdout,
    steps.map((s) => s.id),
  );
  const tail = exec.stderr.length > OUTPUT_TAIL ? exec.stderr.slice(-OUTPUT_TAIL) : exec.stderr;
  const results: StepResult[] = markers.steps.map((m, i) => {
    const description = (steps[i] as HostStep).description;
    if (m.status === "applied" || m.status === "not-run")
      return { id: m.id, description, status: m.status, ...(m.status === "applied" ? { exitCode: 0 } : {}) };
    const timedOut = m.exit !== null && TIMED_OUT.has(m.exit);
    const how =
      m.status === "interrupted"
        ? " (interrupted: it never reported an end)"
        : timedOut
          ? ` (timed out after ${limit} s)`
          : "";
    return {
      id: m.id,
      description: `${description}${how}`,
      status: "failed",
      exitCode: m.exit,
      ...(tail.trim() === "" ? {} : { output: tail, outputTruncated: tail.length < exec.stderr.length }),
    };
  });
  const lead: StepResult[] = [];
  if (lock.kind === "timeout")
    lead.push({
      id: "lock",
      description: `host lock held by ${describeHolder(lock.heldBy)}; gave up after ${options.lockTimeoutSeconds} s`,
      status: "failed",
    });
  else if (lock.kind === "acquired" && lock.waitedFor)
    lead.push({
      id: "lock",
      description: `waited for the host lock held by ${describeHolder(lock.waitedFor)}`,
      status: "applied",
    });
  const failedStep = results.find((r) => r.status === "failed");
  // The executor keeps the tail of an output over its cap: markers lost from the head (a step
  // missing before one that reported) mean the report is cut, never a success.
  const cut =
    exec.truncated === true &&
    markers.steps.some(
      (m, i) => m.status === "not-run" && markers.steps.slice(i + 1).some((n) => n.status !== "not-run"),
    );
  const completed = markers.completed && exec.code === 0 && !cut;
  let error: string | undefined;
  if (lock.kind === "timeout") error = `the host lock is held by ${describeHolder(lock.heldBy)}`;
  else if (failedStep)
    error = `step ${failedStep.id} failed${failedStep.exitCode == null ? "" : ` with exit ${failedStep.exitCode}`}`;
  else if (exec.failure) error = `the host script ended early: ${exec.failure}`;
  else if (cut) error = "the host's report was cut at the output limit: its steps cannot be told apart";
  else if (!completed) error = `the host script ended early with exit ${exec.code ?? exec.signal}`;
  if (exec.failure && error && !error.includes(exec.failure)) error += ` (${exec.failure})`;
  return {
    steps: [...lead, ...results],
    completed,
    lock,
    exec,
    ...(failedStep ? { failedStep } : {}),
    ...(error === undefined ? {} : { error }),
  };
}
