import { DONE_MARKER, STEP_MARKER } from "./hostScript.js";

/**
 * What happened to one step. `interrupted`: it began but never reported an end (the connection
 * dropped, the host rebooted, the script was killed); `not-run`: it never began (an earlier step
 * failed, the lock was not obtained, or the script did not get that far).
 */
export type StepStatus = "applied" | "failed" | "interrupted" | "not-run";

/** One step's result as the host reported it. */
export interface StepResult {
  id: string;
  status: StepStatus;
  /** Exit code for `applied` (0) and `failed`; null otherwise. */
  exit: number | null;
}

/** Everything the markers of one host script say. */
export interface StepMarkers {
  /** In the order of `expectedIds` when given (then every expected step is present), else as seen. */
  steps: StepResult[];
  /** True when the script printed its final marker: every step ran and succeeded. */
  completed: boolean;
}

/**
 * Turns a host script's stdout back into per-step results. Lines that are not markers are
 * ignored (a host's login banner, a lock report). With `expectedIds`, steps that printed nothing
 * are reported `not-run`, and markers of unknown ids are ignored.
 */
export function parseStepMarkers(stdout: string, expectedIds?: readonly string[]): StepMarkers {
  const seen = new Map<string, StepResult>();
  let completed = false;
  for (const line of stdout.split("\n")) {
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (text === DONE_MARKER) {
      completed = true;
      continue;
    }
    const fields = text.split(" ");
    if (fields.length !== 4 || fields[0] !== STEP_MARKER) continue;
    const [, id, status, exit] = fields as [string, string, string, string];
    if (status === "begin") {
      if (!seen.has(id)) seen.set(id, { id, status: "interrupted", exit: null });
    } else if ((status === "ok" || status === "failed") && /^[0-9]{1,3}$/.test(exit)) {
      seen.set(id, { id, status: status === "ok" ? "applied" : "failed", exit: Number(exit) });
    }
  }
  if (!expectedIds) return { steps: [...seen.values()], completed };
  const steps = expectedIds.map((id) => seen.get(id) ?? { id, status: "not-run" as const, exit: null });
  return { steps, completed };
}
