import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { main } from "../../src/adapters/cli/main.js";

/** The repository root: commands run from here, as the README's tour does. */
export const ROOT = path.resolve(import.meta.dirname, "../..");

/** What one in-process run of the CLI printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `hostroot ARGS` in-process through `main`, capturing both streams. The environment is
 * empty unless given, so a developer's HOSTROOT_CONFIG or NO_COLOR cannot change the outcome.
 */
export async function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; stdoutStream?: Partial<NodeJS.WriteStream> } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "hostroot", ...args], {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: options.env ?? {},
    cwd: options.cwd ?? ROOT,
    ...(options.stdoutStream ? { stdoutStream: options.stdoutStream as NodeJS.WriteStream } : {}),
  });
  return { code, stdout, stderr };
}

/**
 * A throwaway repository: the example config as `.github/hostroot.yml` (the CLI's default) and
 * the given files. Returns its directory. The example config reads `examples/containers`;
 * `definitionsPath` points it elsewhere.
 */
export function makeRepo(files: Record<string, string>, options: { definitionsPath?: string } = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "hostroot-cli-"));
  mkdirSync(path.join(dir, ".github"));
  const config = readFileSync(path.join(ROOT, "examples/hostroot.yml"), "utf8");
  writeFileSync(
    path.join(dir, ".github/hostroot.yml"),
    options.definitionsPath === undefined
      ? config
      : config.replace("definitionsPath: examples/containers", `definitionsPath: ${options.definitionsPath}`),
  );
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
