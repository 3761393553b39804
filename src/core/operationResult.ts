import type { UnattendedReport } from "./unattendedJournal.js";

/** The operations hostroot runs over the pool. */
export type OperationKind =
  | "deploy"
  | "upgrade-hosts"
  | "restart"
  | "status"
  | "affected"
  | "hosts-prepare"
  | "adopt";

/**
 * How a whole operation ended. `halted` means a rollout stopped itself after a failure (later hosts
 * were deliberately not touched); `cancelled` means a person stopped it (`/cancel`).
 */
export type OperationOutcome = "succeeded" | "failed" | "halted" | "cancelled";

/** How one host ended. `not-run` hosts were never touched, e.g. because the rollout halted first. */
export type HostOutcome = "succeeded" | "failed" | "skipped" | "unreachable" | "not-run";

/** How one step ended. `skipped` is deliberate (nothing to do, dry run); `not-run` is not. */
export type StepStatus = "applied" | "failed" | "not-run" | "skipped";

/** One step of an operation on one host, e.g. "upgrade libc6" or "restart billing-api". */
export interface StepResult {
  /** Stable id within the host, e.g. `upgrade`, `restart:billing-api`. */
  id: string;
  /** What the step does, in words an operator reads. */
  description: string;
  status: StepStatus;
  /** Exit code of the remote command; null when it died by a signal or timed out. */
  exitCode?: number | null;
  durationMs?: number;
  /** Tail of the command's combined stdout/stderr; kept only as much as is useful in a report. */
  output?: string;
  /** True when `output` is a tail cut from a longer output. */
  outputTruncated?: boolean;
}

/** A host package an operation looked at, with its version before and after. */
export interface PackageChange {
  name: string;
  /** Absent when the package was not installed before. */
  before?: string;
  /** Absent when the package is not installed after (or the step did not run). */
  after?: string;
}

/** What a container looks like after the operation, as seen from inside it. */
export interface ContainerReport {
  name: string;
  state: "running" | "stopped" | "absent";
  /** Commit the container's definition came from. */
  commit?: string;
  /** The repository that owns it (`acme/billing`), as its state file records. */
  owner?: string;
  /** Result of the definition's health command; absent when it has none or it did not run. */
  healthy?: boolean;
  /** Package -> version as read from inside the container; proves it sees the host's upgrade. */
  sees?: Record<string, string>;
  /**
   * Processes still mapping deleted (replaced) files. Non-zero means the container still runs
   * the old library and needs a full stop/start.
   */
  staleMappings?: number;
  /** Each process mapping a replaced file of the packages looked at: pid, command and file. */
  staleProcesses?: { pid: number; command: string; file: string }[];
  /**
   * Processes whose mappings could not be read (`command (pid N)`): whether they still run old
   * code is unknown, and `staleMappings` is then absent, never 0.
   */
  staleUnknown?: string[];
  /** Host packages whose files the container's delta shadows, so it misses their fixes. */
  shadowed?: string[];
}

/** The result on one host. */
export interface HostResult {
  host: string;
  platform: string;
  outcome: HostOutcome;
  /** Steps in execution order, the ones not run included, so a report can say what was not applied. */
  steps: StepResult[];
  packages?: PackageChange[];
  containers?: ContainerReport[];
  /** Why the host failed or was unreachable, in one line. */
  error?: string;
  /** status: the last run of the host's post-dpkg hook (`hosts prepare --unattended`). */
  unattended?: UnattendedReport;
}

/**
 * The structured result every operation returns. Plain JSON (times are ISO 8601 strings), so the
 * CLI can print it as JSON and every adapter can render it as text or markdown from the same value.
 */
export interface OperationResult {
  operation: OperationKind;
  dryRun: boolean;
  /** ISO 8601 times; the core has no clock, the workflow supplies them. */
  startedAt: string;
  finishedAt: string;
  outcome: OperationOutcome;
  /** One line saying what was asked and what happened, e.g. "upgrade libc6 on debian-12". */
  summary: string;
  /** Commit deployed, for deploys. */
  commit?: string;
  hosts: HostResult[];
}

/** Counts over a result, for headlines and exit codes. */
export interface ResultCounts {
  hosts: Record<HostOutcome, number>;
  steps: Record<StepStatus, number>;
  /** Containers still running an old library (staleMappings > 0). */
  staleContainers: number;
}

/** Counts hosts by outcome, steps by status, and containers still mapping replaced files. */
export function summarise(result: OperationResult): ResultCounts {
  const hosts: Record<HostOutcome, number> = {
    succeeded: 0,
    failed: 0,
    skipped: 0,
    unreachable: 0,
    "not-run": 0,
  };
  const steps: Record<StepStatus, number> = { applied: 0, failed: 0, "not-run": 0, skipped: 0 };
  let staleContainers = 0;
  for (const host of result.hosts) {
    hosts[host.outcome] += 1;
    for (const step of host.steps) steps[step.status] += 1;
    for (const c of host.containers ?? []) if ((c.staleMappings ?? 0) > 0) staleContainers += 1;
  }
  return { hosts, steps, staleContainers };
}

/** Something an operation meant to do and did not: one step, or a whole host that ran no step. */
export type NotApplied =
  | { kind: "step"; host: string; step: StepResult }
  | { kind: "host"; host: string; outcome: HostOutcome; error?: string };

/**
 * What was not applied, in execution order: failed and not-run steps, and hosts that failed, were
 * unreachable or were not run without any step to show for it. Skipped steps and hosts were
 * deliberately left alone, so they are not listed.
 */
export function notApplied(result: OperationResult): NotApplied[] {
  const out: NotApplied[] = [];
  for (const host of result.hosts) {
    const missed = host.steps.filter((s) => s.status === "failed" || s.status === "not-run");
    for (const step of missed) out.push({ kind: "step", host: host.host, step });
    const hostMissed =
      host.outcome === "failed" || host.outcome === "unreachable" || host.outcome === "not-run";
    if (hostMissed && missed.length === 0) {
      out.push({
        kind: "host",
        host: host.host,
        outcome: host.outcome,
        ...(host.error === undefined ? {} : { error: host.error }),
      });
    }
  }
  return out;
}
