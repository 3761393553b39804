import type { HostResult } from "../core/operationResult.js";
import { type BatchSettings, rolloutBatches, rolloutHalted } from "../core/rolloutBatches.js";

/** How a rollout over hosts ended, with every host's result in the order the hosts were visited. */
export interface RolloutOutcome {
  hosts: HostResult[];
  halted: boolean;
  cancelled: boolean;
}

/** The result of a host a rollout never touched (it halted, or was cancelled, before the host). */
export function notRunHost(host: { name: string; platform: string }): HostResult {
  return { host: host.name, platform: host.platform, outcome: "not-run", steps: [] };
}

/** Policy for {@link runRollout}: batching, the failure budget and the hosts worked on at once. */
export interface RolloutSettings extends BatchSettings {
  maxFailures: number;
  concurrency: number;
}

/** A host whose work threw (a bug or broken infrastructure): settled as failed, with the error. */
function threwHost(host: { name: string }, notRun: HostResult, error: unknown): HostResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    ...notRun,
    host: host.name,
    outcome: "failed",
    error: `hostroot failed on this host: ${message.split("\n")[0]?.slice(0, 300) ?? ""}`,
  };
}

/**
 * Visits hosts canary-first in batches (see rolloutBatches): a batch's hosts run at once (up to
 * `concurrency`), and the next batch starts only when the batch is done. Once failed plus
 * unreachable hosts exceed `maxFailures`, or `signal` aborts, no further host is started: those
 * are reported `not-run`. `onHostDone` is called as each host finishes (a status comment is
 * edited from it); `notRun(host)` builds the result of a host left alone.
 *
 * A host whose `runHost` throws is settled as `failed` with the error and counts against the
 * failure budget; the other hosts run on and are awaited, so no host is still working (out of
 * `/cancel`'s reach) once this returns. If `onHostDone` throws, no further host is started, the
 * running ones are awaited, and that error is thrown at the end.
 *
 * `connectAhead(hosts)` is called with the next batch's hosts as each batch starts: their
 * connections open while the batch before them works (a canary host's run takes seconds; ten SSH
 * handshakes at once, a few hundred milliseconds), so the next batch starts at once when its turn
 * comes.
 */
export async function runRollout<H extends { name: string }>(
  hosts: readonly H[],
  settings: RolloutSettings,
  runHost: (host: H) => Promise<HostResult>,
  notRun: (host: H) => HostResult,
  options: {
    signal?: AbortSignal;
    onHostDone?: (result: HostResult) => void | Promise<void>;
    connectAhead?: (hosts: readonly H[]) => void;
  } = {},
): Promise<RolloutOutcome> {
  const results = new Map<string, HostResult>();
  let failures = 0;
  let overBudget = false;
  // Set only when a host is actually left alone: a failure on the last host is just "failed".
  let halted = false;
  let cancelled = false;
  let reportError: { error: unknown } | undefined;
  const batches = rolloutBatches(hosts, settings);
  for (const [i, batch] of batches.entries()) {
    const next = batches[i + 1];
    if (next && !overBudget && !reportError && options.signal?.aborted !== true)
      options.connectAhead?.(next.hosts);
    const queue = [...batch.hosts];
    const worker = async () => {
      for (let host = queue.shift(); host !== undefined; host = queue.shift()) {
        // Checked before each host: a failure earlier in this batch stops hosts not yet started.
        if (overBudget || reportError || options.signal?.aborted === true) {
          if (overBudget) halted = true;
          else if (!reportError) cancelled = true;
          results.set(host.name, notRun(host));
          continue;
        }
        let result: HostResult;
        try {
          result = await runHost(host);
        } catch (error) {
          result = threwHost(host, notRun(host), error);
        }
        if (result.outcome === "failed" || result.outcome === "unreachable") failures += 1;
        if (rolloutHalted(failures, settings.maxFailures)) overBudget = true;
        results.set(host.name, result);
        try {
          await options.onHostDone?.(result);
        } catch (error) {
          reportError ??= { error };
        }
      }
    };
    const width = Math.max(1, Math.min(settings.concurrency, batch.hosts.length));
    await Promise.all(Array.from({ length: width }, worker));
  }
  if (reportError) throw reportError.error;
  const order = batches.flatMap((b) => b.hosts);
  return {
    hosts: order.map((h) => results.get(h.name) ?? notRun(h)),
    halted,
    cancelled: cancelled || (options.signal?.aborted === true && !halted),
  };
}
