import { labDown } from "./labDown.js";
import { labUnavailableReason } from "./preflight.js";

/**
 * For a test's `afterAll` (or a demo's exit path): takes the lab down whatever state it is in and
 * never throws, so a failing test cannot leave hosts, mounts or cgroups behind unnoticed. Retries
 * once (a container may still be exiting); returns what was removed and what went wrong.
 */
export async function tearDownLabQuietly(
  options: { stateDir?: string; log?: (line: string) => void } = {},
): Promise<{ removed: string[]; error?: string }> {
  if (labUnavailableReason()) return { removed: [] };
  const removed: string[] = [];
  let error: string | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      removed.push(...(await labDown(options)).removed);
      return { removed };
    } catch (err) {
      error = (err as Error).message;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  options.log?.(`lab teardown failed: ${error}`);
  return { removed, error };
}
