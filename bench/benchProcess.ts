import { type ChildProcess, spawn } from "node:child_process";

/** What a finished local command left behind; a non-zero exit is data here. */
export interface CommandResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Options for {@link runCommand}. */
export interface CommandOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

// Children still running, so that an interrupted benchmark stops them before taking the lab down.
const live = new Set<ChildProcess>();
const cleanups: Array<() => Promise<void>> = [];
let interrupted = false;

/**
 * Runs one local command from argv (never through a shell), with stdin closed, and collects its
 * output. The child is tracked until it exits so that an interrupt can stop it.
 */
export function runCommand(argv: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error("runCommand: empty argv");
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: options.env ?? process.env,
      cwd: options.cwd,
      timeout: options.timeoutMs ?? 600_000,
      killSignal: "SIGKILL",
      // Its own process group, so that an interrupt also stops what it started (ansible's forks).
      detached: true,
    });
    live.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", (err) => {
      live.delete(child);
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}${err.message}` });
    });
    child.on("close", (code, signal) => {
      live.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs a command that must succeed; anything else is broken infrastructure for the benchmark. */
export async function runOkCommand(argv: readonly string[], options: CommandOptions = {}): Promise<string> {
  const r = await runCommand(argv, options);
  if (r.code !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split("\n").slice(-15).join("\n");
    throw new Error(`${argv[0]} exited ${r.code ?? r.signal}:\n${tail}`);
  }
  return r.stdout;
}

/**
 * Registers work that must run if the benchmark is interrupted (tearing the lab down, releasing
 * the lab lock). Cleanups run newest first; the returned function unregisters.
 */
export function atInterrupt(cleanup: () => Promise<void>): () => void {
  cleanups.push(cleanup);
  return () => {
    const i = cleanups.lastIndexOf(cleanup);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

/**
 * On SIGINT, SIGTERM or SIGHUP: stops the children this process started (each one's own process
 * group, by its id), runs
 * the registered cleanups, then exits with 128 + the signal number. A second signal while
 * cleaning up is refused with a note: leaving the lab half torn down is worse than waiting.
 */
export function installInterruptHandlers(): void {
  const numbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
  for (const [name, number] of Object.entries(numbers)) {
    process.on(name, () => {
      if (interrupted) {
        process.stderr.write(`\n${name}: still taking the lab down, please wait\n`);
        return;
      }
      interrupted = true;
      process.stderr.write(`\n${name}: stopping tools and taking the lab down\n`);
      for (const child of live) {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
        } catch {
          // The group is already gone.
        }
      }
      void (async () => {
        for (const cleanup of [...cleanups].reverse()) {
          try {
            await cleanup();
          } catch (error) {
            process.stderr.write(`cleanup failed: ${(error as Error).message}\n`);
          }
        }
        process.exit(128 + number);
      })();
    });
  }
}
