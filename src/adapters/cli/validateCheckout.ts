import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import {
  type ConfigParser,
  type ValidationOutcome,
  validateSources,
} from "../../workflows/validateSources.js";
import { fsSourceReader } from "../shared/fsSourceReader.js";
import type { CliIo } from "./cliIo.js";
import { DEFAULT_CONFIG } from "./commonOptions.js";

/** The git top level of the work tree holding `dir`, or undefined outside one (or without git). */
function gitTopLevel(dir: string): string | undefined {
  try {
    const top = execFileSync("git", ["rev-parse", "--show-toplevel"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "ignore"],
    })
      .toString()
      .trim();
    return top === "" ? undefined : realpathSync(top);
  } catch {
    return undefined;
  }
}

/**
 * Whether git ignores `file`: `git check-ignore` exits 0 when it does, 1 when it does not, and
 * 128 outside a work tree (undefined here, as when git is missing).
 */
function gitIgnores(dir: string, file: string): boolean | undefined {
  try {
    execFileSync("git", ["check-ignore", "-q", "--", file], { cwd: dir, stdio: "ignore" });
    return true;
  } catch (error) {
    return (error as { status?: unknown }).status === 1 ? false : undefined;
  }
}

/**
 * The root of the repository a config belongs to, which its definitionsPath is relative to: the
 * parent of its `.github` directory (the documented place); else the git top level, when the
 * config is part of that work tree (not a file git ignores, such as a generated lab config);
 * else the current directory.
 */
function repositoryRoot(cwd: string, configFile: string): string {
  const dir = path.dirname(configFile);
  if (path.basename(dir) === ".github") return path.dirname(dir);
  if (!existsSync(dir)) return cwd;
  // One git process for an ignored config (a generated lab config) or one outside any work tree.
  if (gitIgnores(dir, configFile) !== false) return cwd;
  return gitTopLevel(dir) ?? cwd;
}

/**
 * Validates the checkout the CLI runs in, from whichever directory of it the command was typed:
 * paths on the command line (and `--config`) are relative to the current directory, as a user
 * types them, while the policy's definitionsPath is relative to the config's repository root
 * (see repositoryRoot), so a run from a subdirectory checks the same files as one from the top. The default config
 * (`.github/hostroot.yml`) is looked for at the repository's top level when it is not here.
 * Reported paths stay relative to the current directory, so a terminal can open them.
 */
export async function validateCheckout(
  io: CliIo,
  options: { configPath: string; paths?: readonly string[]; parseConfig?: ConfigParser },
): Promise<ValidationOutcome> {
  const cwd = realpathSync(io.cwd);
  const rel = (abs: string) => path.relative(cwd, abs).split(path.sep).join("/") || ".";
  let configPath = options.configPath;
  if (configPath === DEFAULT_CONFIG && !existsSync(path.join(cwd, configPath))) {
    const top = gitTopLevel(cwd);
    if (top !== undefined && existsSync(path.join(top, DEFAULT_CONFIG)))
      configPath = rel(path.join(top, DEFAULT_CONFIG));
  }
  const configAbs = path.resolve(cwd, configPath);
  const root = repositoryRoot(cwd, existsSync(configAbs) ? realpathSync(configAbs) : configAbs);
  return validateSources(fsSourceReader(cwd), {
    configPath,
    ...(options.paths ? { paths: options.paths } : {}),
    ...(options.parseConfig ? { parseConfig: options.parseConfig } : {}),
    resolveDefinitionsPath: (p) => rel(path.join(root, p)),
  });
}
