import { execFileSync } from "node:child_process";
import { hostname } from "node:os";
import { hasErrors } from "../../core/diagnostic.js";
import { formatDiagnosticsText } from "../../core/format/formatDiagnosticsText.js";
import { renderOperationResult } from "../../core/markdown/renderOperationResult.js";
import type { OperationResult } from "../../core/operationResult.js";
import type { RemoteExecutor } from "../../ports/remoteExecutor.js";
import type { ValidationOutcome } from "../../workflows/validateSources.js";
import { type CliIo, EXIT } from "./cliIo.js";
import { formatOperationText } from "./operationText.js";
import { poolExecutor } from "./poolExecutor.js";
import { validateCheckout } from "./validateCheckout.js";

/** Output formats of the operations (deploy, restart, hosts prepare). */
export const OPERATION_FORMATS = ["text", "json", "markdown"] as const;
export type OperationFormat = (typeof OPERATION_FORMATS)[number];

/** Loaded sources: the config is there; `strict` also demands definitions without errors. */
export type Loaded =
  | { kind: "ok"; outcome: ValidationOutcome & { config: NonNullable<ValidationOutcome["config"]> } }
  | { kind: "exit"; code: number };

/** Reads config and definitions; prints diagnostics and gives an exit code when they do not do. */
export async function loadSources(
  io: CliIo,
  configPath: string,
  paths: string[],
  strict: boolean,
): Promise<Loaded> {
  const outcome = await validateCheckout(io, { configPath, paths });
  const bad = strict ? hasErrors(outcome.diagnostics) : outcome.configProblem;
  if (bad || !outcome.config) {
    io.stderr(formatDiagnosticsText(outcome.diagnostics, outcome.checked.length));
    io.stderr("Nothing done: fix the errors above first.\n");
    return {
      kind: "exit",
      code: outcome.configProblem || outcome.sourceProblem ? EXIT.usage : EXIT.findings,
    };
  }
  return {
    kind: "ok",
    outcome: outcome as ValidationOutcome & { config: NonNullable<ValidationOutcome["config"]> },
  };
}

/** The commit to record: `--commit`, else HEAD of the git work tree we run in, else "". */
export function currentCommit(io: CliIo, given?: string): string {
  if (given !== undefined) return given;
  try {
    return execFileSync("git", ["rev-parse", "--verify", "-q", "HEAD"], {
      cwd: io.cwd,
      stdio: ["ignore", "pipe", "ignore"],
    })
      .toString()
      .trim();
  } catch {
    return "";
  }
}

/** Who runs an operation, for whoever waits on a host lock it holds. */
export function holderName(io: CliIo, what: string): string {
  return `${what} by ${io.env.USER ?? io.env.LOGNAME ?? "someone"}@${hostname()} (hostroot CLI pid ${process.pid})`;
}

/** Runs `work` with an SSH executor built from `--key` or the environment, closed afterwards. */
export async function withExecutor<T>(
  io: CliIo,
  key: string | undefined,
  config: ValidationOutcome["config"] & object,
  work: (executor: RemoteExecutor) => Promise<T>,
): Promise<T> {
  const { concurrency, commandTimeoutSeconds } = config.value.policy.rollout;
  const executor = poolExecutor(key === undefined ? {} : { key }, io.env, {
    concurrency,
    commandTimeoutSeconds,
  });
  try {
    return await work(executor);
  } finally {
    await executor.close();
  }
}

/** Prints a result in the asked format; returns 0 when it succeeded, 1 otherwise. */
export function printResult(
  io: CliIo,
  result: OperationResult,
  format: OperationFormat,
  notes?: ReadonlyMap<string, string[]>,
): number {
  if (format === "json") io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else if (format === "markdown") io.stdout(`${renderOperationResult(result)}\n`);
  else io.stdout(formatOperationText(result, notes));
  return result.outcome === "succeeded" ? EXIT.ok : EXIT.findings;
}
