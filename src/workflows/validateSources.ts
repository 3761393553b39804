import type { Config } from "../core/configSchema.js";
import type { Definition } from "../core/definitionSchema.js";
import { type Diagnostic, hasErrors, sortDiagnostics } from "../core/diagnostic.js";
import type { Located } from "../core/located.js";
import { type ParsedConfig, parseConfig } from "../core/parseConfig.js";
import { parseDefinition } from "../core/parseDefinition.js";
import { validateDefinitions } from "../core/validateDefinitions.js";
import type { SourceReader } from "../ports/sourceReader.js";

/** Everything validation learned: parsed values for planning, and every diagnostic. */
export interface ValidationOutcome {
  configFile: string;
  /** Absent when the config is missing or invalid; then only per-file checks ran. */
  config?: Located<Config>;
  definitions: Located<Definition>[];
  /** Every definition file looked at, including ones that failed to parse. */
  files: string[];
  diagnostics: Diagnostic[];
  /** The config itself is missing or invalid: a setup problem (CLI exit 2), not a definition error. */
  configProblem: boolean;
}

/** How validation reads the config: the CLI's parser by default; the App's resolves its server pool. */
export type ConfigParser = (file: string, bytes: Uint8Array) => ParsedConfig;

/** Reads in slices so 10,000 files neither serialise on one read nor open 10,000 handles at once. */
const READ_BATCH = 64;

/**
 * Validates a whole set of definitions against the ops config: per-file parsing and schema,
 * then cross-file rules (names, platforms, placement, capacity, MACs), which need the whole set.
 * `paths` narrows the set to given files or directories; by default the policy's definitionsPath.
 * `maxFiles` caps the definition files read (each read may be an API request paid from a shared
 * rate limit): over it, validation fails with `config/too-many-files` before any file is read.
 */
export async function validateSources(
  reader: SourceReader,
  options: { configPath: string; paths?: readonly string[]; parseConfig?: ConfigParser; maxFiles?: number },
): Promise<ValidationOutcome> {
  const diagnostics: Diagnostic[] = [];
  const configBytes = await reader.read(options.configPath);
  let config: Located<Config> | undefined;
  if (configBytes === undefined) {
    diagnostics.push({
      file: options.configPath,
      line: 1,
      column: 1,
      severity: "error",
      rule: "config/missing",
      message: `config file not found: ${options.configPath} (pass --config, or create it; see docs/config.md)`,
    });
  } else {
    const parsed = (options.parseConfig ?? parseConfig)(options.configPath, configBytes);
    diagnostics.push(...parsed.diagnostics);
    if (!hasErrors(parsed.diagnostics)) config = parsed.config;
  }

  const roots = options.paths?.length
    ? options.paths
    : [config?.value.policy.definitionsPath ?? "containers"];
  const files = [
    ...new Set((await Promise.all(roots.map((r) => reader.listDefinitionFiles(r)))).flat()),
  ].sort();

  const definitions: Located<Definition>[] = [];
  if (options.maxFiles !== undefined && files.length > options.maxFiles) {
    const span = config?.span(["policy", "definitionsPath"]) ?? { line: 1, column: 1 };
    diagnostics.push({
      file: options.configPath,
      ...span,
      severity: "error",
      rule: "config/too-many-files",
      message: `${files.length} definition files under ${roots.join(", ")}: hostroot reads at most ${options.maxFiles} for one event, so none was read or checked (split the definitions across repositories, or ask whoever runs the App to raise limits.maxDefinitionFiles)`,
    });
    return {
      configFile: options.configPath,
      ...(config ? { config } : {}),
      definitions,
      files,
      diagnostics: sortDiagnostics(diagnostics),
      configProblem: config === undefined,
    };
  }
  for (let i = 0; i < files.length; i += READ_BATCH) {
    const slice = files.slice(i, i + READ_BATCH);
    const contents = await Promise.all(slice.map((f) => reader.read(f)));
    slice.forEach((file, j) => {
      const parsed = parseDefinition(file, contents[j] ?? new Uint8Array());
      diagnostics.push(...parsed.diagnostics);
      if (parsed.definition) definitions.push(parsed.definition);
    });
  }
  if (config) diagnostics.push(...validateDefinitions(definitions, config.value));

  return {
    configFile: options.configPath,
    ...(config ? { config } : {}),
    definitions,
    files,
    diagnostics: sortDiagnostics(diagnostics),
    configProblem: config === undefined,
  };
}
