import { execFileSync } from "node:child_process";
import { hostname } from "node:os";
import { basename } from "node:path";
import { hasErrors } from "../../core/diagnostic.js";
import { formatDiagnosticsText } from "../../core/format/formatDiagnosticsText.js";
import { renderOperationResult } from "../../core/markdown/renderOperationResult.js";
import type { OperationResult } from "../../core/operationResult.js";
import { OWNER_ID, OWNER_NAME, type Owner } from "../../core/owner.js";
import type { RemoteExecutor } from "../../ports/remoteExecutor.js";
import type { ValidationOutcome } from "../../workflows/validateSources.js";
import { type CliIo, EXIT } from "./cliIo.js";
import { formatOperationText } from "./operationText.js";
import { poolExecutor } from "./poolExecutor.js";
import type { Progress } from "./progress.js";
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

/**
 * The owner a CLI operation acts as: `--owner`/`--owner-name`, else `$HOSTROOT_OWNER` and
 * `$HOSTROOT_OWNER_NAME`, else `local:<work dir name>`. The operator holds the SSH key and is
 * trusted with it; the owner only keeps one repository's deploy from touching another's.
 */
export function cliOwner(io: CliIo, opts: { owner?: string; ownerName?: string }): Owner {
  const dir = basename(io.cwd).replace(/[^A-Za-z0-9._-]/g, "-") || "work";
  const id = opts.owner ?? io.env.HOSTROOT_OWNER ?? `local:${dir}`;
  const name = opts.ownerName ?? io.env.HOSTROOT_OWNER_NAME ?? (id.startsWith("local:") ? id.slice(6) : id);
  if (!OWNER_ID.test(id))
    throw new Error(`--owner ${JSON.stringify(id)} is not an owner id like github:123456 or local:billing`);
  if (!OWNER_NAME.test(name))
    throw new Error(`--owner-name ${JSON.stringify(name)} is not a repository name like acme/billing`);
  return { id, name };
}

/** Who runs an operation, for whoever waits on a host lock it holds. */
export function holderName(io: CliIo, what: string): string {
  return `${what} by ${io.env.USER ?? io.env.LOGNAME ?? "someone"}@${hostname()} (hostroot CLI pid ${process.pid})`;
}

/**
 * Runs `work` with an SSH executor built from `--key` or the environment, closed afterwards. With
 * `progress`, every command is reported to it (hosts running, `-v`: what runs where) and so are
 * SSH-level logs at `-vv`; its live line is cleared before this returns.
 */
export async function withExecutor<T>(
  io: CliIo,
  key: string | undefined,
  config: ValidationOutcome["config"] & object,
  work: (executor: RemoteExecutor) => Promise<T>,
  progress?: Progress,
): Promise<T> {
  const { concurrency, commandTimeoutSeconds } = config.value.policy.rollout;
  const executor = poolExecutor(key === undefined ? {} : { key }, io.env, {
    concurrency,
    commandTimeoutSeconds,
    ...(progress && progress.verbosity >= 2 ? { sshLog: progress.sshLog } : {}),
  });
  try {
    return await work(progress ? progress.track(executor) : executor);
  } finally {
    progress?.finish();
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
