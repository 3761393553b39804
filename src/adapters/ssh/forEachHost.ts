import pLimit from "p-limit";
import type { PoolHost } from "../../core/configSchema.js";

/**
 * Runs `fn` for every host, at most `limit` at once, and returns the results in host order. `fn`
 * should report per-host outcomes as values; if one throws (a bug or broken infrastructure), no
 * further hosts are started, the hosts already running are awaited (never left half-done and
 * unobserved), and the first error is rethrown.
 */
export async function forEachHost<R>(
  hosts: readonly PoolHost[],
  limit: number,
  fn: (host: PoolHost, index: number) => Promise<R>,
): Promise<R[]> {
  const queue = pLimit(limit);
  let firstError: { error: unknown } | undefined;
  const settled = await Promise.allSettled(
    hosts.map((host, index) =>
      queue(async () => {
        // Started after another host threw: skip.
        if (firstError) return undefined as R;
        try {
          return await fn(host, index);
        } catch (error) {
          firstError ??= { error };
          throw error;
        }
      }),
    ),
  );
  if (firstError) throw firstError.error;
  return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
}
