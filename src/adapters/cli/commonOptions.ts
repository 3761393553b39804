import { Option } from "commander";
import { type CliIo, EXIT } from "./cliIo.js";
import { OPERATION_FORMATS } from "./operationContext.js";
import { Progress, type Verbosity } from "./progress.js";

/** Where ops keep the pool and policy, on the repository's default branch. */
export const DEFAULT_CONFIG = ".github/hostroot.yml";

/** `--config FILE`, defaulting to `$HOSTROOT_CONFIG`, else {@link DEFAULT_CONFIG}. */
export function configOption(io: CliIo): Option {
  return new Option("-c, --config <file>", "pool and policy file").default(
    io.env.HOSTROOT_CONFIG ?? DEFAULT_CONFIG,
  );
}

/** `--key FILE`: the deploy key; see poolExecutor for the environment fallbacks. */
export function keyOption(): Option {
  return new Option(
    "--key <file>",
    "SSH private key (else $HOSTROOT_SSH_KEY, $HOSTROOT_SSH_KEY_FILE or ssh-agent; passphrase in $HOSTROOT_SSH_KEY_PASSPHRASE)",
  );
}

/** `--format` of the pool operations: text, json (the OperationResult) or markdown. */
export function operationFormatOption(): Option {
  return new Option("-f, --format <format>", "output format").choices(OPERATION_FORMATS).default("text");
}

/**
 * Wraps a command's action: its exit code goes to `result.code`, and an exception (a broken
 * setup: no key, unreadable file) is printed as one line and exits 2 (or what `codeFor` says)
 * instead of a stack trace.
 */
export function guarded(
  io: CliIo,
  result: { code: number },
  options: { prefix?: string; codeFor?: (error: unknown) => number } = {},
) {
  return (run: () => Promise<number>) => async () => {
    try {
      result.code = await run();
    } catch (error) {
      io.stderr(
        `${options.prefix ?? "hostroot"}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      result.code = options.codeFor?.(error) ?? EXIT.usage;
    }
  };
}

/** Parses `--hosts a,b` style values: comma-separated, blanks dropped. */
export function commaList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/**
 * `--owner ID`: the repository whose containers a deploy, plan or restart may change. Default
 * `$HOSTROOT_OWNER`, else `local:<dir>` named after the work dir; pass `github:<repository id>`
 * to act on what the App or the Action deployed for that repository.
 */
export function ownerOption(): Option {
  return new Option(
    "--owner <id>",
    "owning repository's stable id, e.g. github:123456 (default: local:<dir>)",
  );
}

/** `--owner-name NAME`: the owner's readable name (default `$HOSTROOT_OWNER_NAME`, else the id's). */
export function ownerNameOption(): Option {
  return new Option("--owner-name <name>", "owning repository's name, e.g. acme/billing");
}

/** `-v`: what runs on which host; `-vv`: SSH-level logs too. Counted, at most 2. */
export function verboseOption(): Option {
  return new Option("-v, --verbose", "show what runs on which host; twice: SSH-level logs")
    .argParser((_v: string, previous: number) => Math.min(2, previous + 1))
    .default(0);
}

/** The progress reporter of one pool operation, on stderr (stdout stays the report). */
export function cliProgress(io: CliIo, operation: string, verbose: number | undefined): Progress {
  const stream = io.stderrStream;
  return new Progress(
    {
      write: (t) => io.stderr(t),
      ...(stream?.isTTY ? { isTTY: true } : {}),
      ...(stream?.columns ? { columns: stream.columns } : {}),
    },
    operation,
    Math.min(2, Math.max(0, verbose ?? 0)) as Verbosity,
  );
}
