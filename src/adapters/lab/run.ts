import { spawn } from "node:child_process";
import { LabError } from "./labError.js";

/** What a finished local command left behind; a non-zero exit is data here. */
export interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Options for {@link run}. */
export interface RunOptions {
  cwd?: string;
  stdin?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs one local command from argv (never through a shell) and collects its output. The lab's
 * commands are short-lived system tools, so output is kept in memory whole.
 */
export function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error("run: empty argv");
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: options.env ?? process.env,
      cwd: options.cwd,
      timeout: options.timeoutMs,
      killSignal: "SIGKILL",
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", (err) =>
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}${err.message}` }),
    );
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.on("error", () => {
      // The command may exit without reading its stdin; that is its business.
    });
    child.stdin.end(options.stdin ?? "");
  });
}

/** Runs a command that must succeed; a failure is broken infrastructure for the lab. */
export async function runOk(argv: readonly string[], options: RunOptions = {}): Promise<string> {
  const r = await run(argv, options);
  if (r.code !== 0) {
    const why = r.stderr.trim().split("\n").slice(-5).join("\n") || `exit ${r.code ?? r.signal}`;
    throw new LabError("step-failed", `${argv.join(" ")} failed: ${why}`);
  }
  return r.stdout;
}
