import { readFileSync } from "node:fs";
import path from "node:path";
import { type Diagnostic, hasErrors } from "../../core/diagnostic.js";
import { formatDiagnosticsGithub } from "../../core/format/formatDiagnosticsGithub.js";
import { formatDiagnosticsGitlab } from "../../core/format/formatDiagnosticsGitlab.js";
import { formatDiagnosticsJunit } from "../../core/format/formatDiagnosticsJunit.js";
import { formatDiagnosticsText } from "../../core/format/formatDiagnosticsText.js";
import { parseAppConfig } from "../../core/parseAppConfig.js";
import { parseServerConfig } from "../../core/parseServerConfig.js";
import { repositoryAccess } from "../../core/repositoryAccess.js";
import type { ConfigParser, ValidationOutcome } from "../../workflows/validateSources.js";
import { type CliIo, EXIT } from "./cliIo.js";
import { terminalStyle } from "./style.js";
import { validateCheckout } from "./validateCheckout.js";

/** Output formats of `hostroot validate`. */
export const VALIDATE_FORMATS = ["text", "json", "github", "gitlab", "junit"] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

/**
 * One fixed shape per diagnostic for `--format json`: every key present, in a fixed order, so a
 * consumer needs no optional fields. A finding at a point (a missing file) ends where it starts.
 */
function jsonDiagnostic(d: Diagnostic) {
  const { file, line, column, severity, rule, message } = d;
  return {
    file,
    line,
    column,
    endLine: d.endLine ?? line,
    endColumn: d.endColumn ?? column,
    severity,
    rule,
    message,
  };
}

/**
 * `hostroot validate [PATHS]`: exit 0 when clean, 1 when a definition has errors, 2 when the
 * config is missing or invalid, or a path to check (or the policy's definitionsPath) is missing
 * or a symlink: setup problems, never a green run that checked nothing. Every format counts the
 * same files: the config, each definition, and each path a finding names. With
 * `--server-config FILE --repository OWNER/NAME` the config is read as the GitHub App reads it for
 * that repository (its pool from the server config, narrowed); nothing is contacted.
 */
export async function validateCommand(
  io: CliIo,
  paths: string[],
  options: { config: string; format: ValidateFormat; serverConfig?: string; repository?: string },
): Promise<number> {
  let outcome: ValidationOutcome;
  if (options.serverConfig !== undefined) {
    if (options.repository === undefined) {
      io.stderr("hostroot validate: --server-config needs --repository OWNER/NAME (whose pool to use)\n");
      return EXIT.usage;
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.resolve(io.cwd, options.serverConfig));
    } catch (error) {
      io.stderr(
        `hostroot validate: cannot read ${options.serverConfig} (${(error as NodeJS.ErrnoException).code})\n`,
      );
      return EXIT.usage;
    }
    const server = parseServerConfig(options.serverConfig, bytes);
    const access = repositoryAccess(server.config?.value, options.repository);
    const parseConfig: ConfigParser = (file, b) => parseAppConfig(file, b, access);
    outcome = await validateCheckout(io, { configPath: options.config, paths, parseConfig });
    if (!server.config)
      outcome = {
        ...outcome,
        diagnostics: [...server.diagnostics, ...outcome.diagnostics],
        configProblem: true,
        checked: [...new Set([options.serverConfig, ...outcome.checked])].sort(),
      };
  } else outcome = await validateCheckout(io, { configPath: options.config, paths });
  const { diagnostics, checked } = outcome;
  switch (options.format) {
    case "json":
      io.stdout(
        `${JSON.stringify({ checked: checked.length, files: checked, diagnostics: diagnostics.map(jsonDiagnostic) }, null, 2)}\n`,
      );
      break;
    case "github":
      io.stdout(formatDiagnosticsGithub(diagnostics));
      break;
    case "gitlab":
      io.stdout(`${JSON.stringify(formatDiagnosticsGitlab(diagnostics), null, 2)}\n`);
      break;
    case "junit":
      io.stdout(formatDiagnosticsJunit(diagnostics, checked));
      break;
    default: {
      const style = io.stdoutStream ? terminalStyle(io.stdoutStream, io.env) : undefined;
      io.stdout(formatDiagnosticsText(diagnostics, checked.length, style));
    }
  }
  if (outcome.configProblem || outcome.sourceProblem) return EXIT.usage;
  return hasErrors(diagnostics) ? EXIT.findings : EXIT.ok;
}
