import { vi } from "vitest";
import type { ActionOutcome } from "../../src/adapters/action/actionReport.js";
import { run } from "../../src/adapters/action/run.js";
import type { RunnerFiles } from "./actionHarness.js";

/**
 * Runs the Action in this process (so nock sees its GitHub calls) with the runner's variables in
 * process.env, where @actions/core reads them too; returns what it printed on stdout.
 */
export async function runInProcess(runner: RunnerFiles): Promise<{ outcome: ActionOutcome; stdout: string }> {
  for (const [name, value] of Object.entries(runner.env)) vi.stubEnv(name, value);
  let stdout = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  });
  try {
    const outcome = await run(process.env);
    return { outcome, stdout };
  } finally {
    spy.mockRestore();
    vi.unstubAllEnvs();
  }
}
