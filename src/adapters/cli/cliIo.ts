/** What the CLI touches of its process, injectable so tests run commands in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Directory relative paths are resolved against. */
  cwd: string;
  stdoutStream?: NodeJS.WriteStream;
  /** Whether stderr is a terminal (and how wide) decides how progress is drawn. */
  stderrStream?: { isTTY?: boolean; columns?: number };
}

/** The real process streams. */
export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    stdoutStream: process.stdout,
    stderrStream: process.stderr,
  };
}

/**
 * Exit codes shared by every command: 0 fine, 1 findings or failed operation, 2 usage or setup;
 * 3 only from `plan --detailed-exitcode`: the plan is valid and has changes (as terraform's 2, which
 * hostroot already uses for setup problems).
 */
export const EXIT = { ok: 0, findings: 1, usage: 2, changes: 3 } as const;
