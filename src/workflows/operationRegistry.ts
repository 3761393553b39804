import type { OperationLimits } from "./operationLimits.js";

/** One operation running in this process, as `/cancel` lists it. */
export interface RunningOperation {
  /** `owner/name` of the repository it was started in. */
  repo: string;
  /** What runs, e.g. "/upgrade-hosts libc6" or "deploy-on-merge of 1a2b3c4". */
  what: string;
  actor: string;
  /** Where it was asked (the comment or pull request), for the cancel reply. */
  url?: string;
}

interface Entry extends RunningOperation {
  controller: AbortController;
}

/** A registered operation: its signal aborts on `/cancel`; `done()` removes it. */
export interface OperationHandle {
  signal: AbortSignal;
  done: () => void;
}

/** Whether {@link OperationRegistry.admit} let an operation in, or why not. */
export type Admission = ({ kind: "admitted" } & OperationHandle) | { kind: "busy"; reason: string };

/**
 * The operations this process runs in the background, with an AbortController each (for
 * `/cancel`) and a promise each (so tests, and a graceful shutdown, can wait for them). A webhook
 * handler must answer within GitHub's 10 seconds; the work it starts is tracked here instead.
 */
export class OperationRegistry {
  private readonly entries = new Set<Entry>();
  private readonly pending = new Set<Promise<unknown>>();

  /** Registers an operation; its signal aborts on cancel; `done()` removes it. */
  start(op: RunningOperation): OperationHandle {
    const entry: Entry = { ...op, controller: new AbortController() };
    this.entries.add(entry);
    return { signal: entry.controller.signal, done: () => this.entries.delete(entry) };
  }

  /**
   * Registers an operation unless its actor or its repository already has `limits` of them
   * running (cancelled ones count until they have stopped). Checking and registering happen in
   * one synchronous step, so a burst of comments cannot all pass the check before any registers.
   */
  admit(op: RunningOperation, limits: OperationLimits): Admission {
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    let byActor = 0;
    let byRepo = 0;
    for (const e of this.entries) {
      if (same(e.actor, op.actor)) byActor++;
      if (same(e.repo, op.repo)) byRepo++;
    }
    // Other repositories are not named: the person may not be allowed to see them.
    if (byActor >= limits.perActor)
      return {
        kind: "busy",
        reason: `you already have ${running(byActor)} in this App (at most ${limits.perActor} per person at once). Wait for one to finish.`,
      };
    if (byRepo >= limits.perRepo)
      return {
        kind: "busy",
        reason: `this repository already has ${running(byRepo)} (at most ${limits.perRepo} per repository at once). Wait for one to finish, or \`/cancel\` them.`,
      };
    return { kind: "admitted", ...this.start(op) };
  }

  /** Aborts every operation of `repo` not already aborted; returns what was cancelled. */
  cancel(repo: string): RunningOperation[] {
    const cancelled: RunningOperation[] = [];
    for (const e of this.entries) {
      if (e.repo !== repo || e.controller.signal.aborted) continue;
      e.controller.abort(new Error("cancelled"));
      const { controller: _, ...op } = e;
      cancelled.push(op);
    }
    return cancelled;
  }

  /** Operations running in `repo`. */
  running(repo: string): RunningOperation[] {
    return [...this.entries].filter((e) => e.repo === repo).map(({ controller: _, ...op }) => op);
  }

  /** Keeps `work` until it settles; its rejection is the caller's to handle (it is only awaited here). */
  track(work: Promise<unknown>): void {
    const kept = work.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(kept);
    void kept.then(() => this.pending.delete(kept));
  }

  /** Resolves once every tracked piece of work, including work started meanwhile, has settled. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}

function running(count: number): string {
  return count === 1 ? "1 operation running" : `${count} operations running`;
}
