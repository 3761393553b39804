import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { type ValidationOutcome, validateSources } from "../../workflows/validateSources.js";
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
 * The repository a config belongs to: the git top level of its directory; outside git, the
 * parent of its `.github` directory; else the current directory.
 */
function repositoryRoot(cwd: string, configFile: string): string {
  const dir = path.dirname(configFile);
  return (
    gitTopLevel(existsSync(dir) ? dir : cwd) ?? (path.basename(dir) === ".github" ? path.dirname(dir) : cwd)
  );
}

/**
 * Validates the checkout the CLI runs in, from whichever directory of it the command was typed:
 * paths on the command line (and `--config`) are relative to the current directory, as a user
 * types them, while the policy's definitionsPath is relative to the repository root, so a run
 * from a subdirectory checks the same files as one from the top. The default config
 * (`.github/hostroot.yml`) is looked for at the repository's top level when it is not here.
 * Reported paths stay relative to the current directory, so a terminal can open them.
 */
export async function validateCheckout(
  io: CliIo,
  options: { configPath: string; paths?: readonly string[] },
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
    resolveDefinitionsPath: (p) => rel(path.join(root, p)),
  });
}
