import type { Config } from "../core/configSchema.js";
import type { Definition } from "../core/definitionSchema.js";
import { type Diagnostic, diagnostic, hasErrors, sortDiagnostics } from "../core/diagnostic.js";
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
  /**
   * A path to validate, or the policy's definitionsPath, is missing or a symlink: nothing (or not
   * what was meant) was checked, a setup problem (CLI exit 2) rather than a green run.
   */
  sourceProblem: boolean;
  /**
   * Every file the report speaks of, sorted: the config, each definition file, and each path a
   * finding names. "N files checked" counts these in every format (text, JSON, JUnit, summaries).
   */
  checked: string[];
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
  options: {
    configPath: string;
    paths?: readonly string[];
    /** The CLI's parser by default; the App's resolves the repository's server pool. */
    parseConfig?: ConfigParser;
    /** Most definition files read (each may be a paid API request); over it none is read. */
    maxFiles?: number;
    /**
     * Maps the policy's definitionsPath (relative to the repository root) to a path the reader
     * understands; the CLI passes one so a run from a subdirectory reads the same files.
     */
    resolveDefinitionsPath?: (definitionsPath: string) => string;
  },
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

  const fromPolicy = !options.paths?.length;
  const resolve = options.resolveDefinitionsPath ?? ((p: string) => p);
  const sources =
    fromPolicy && !config
      ? { roots: [resolve("containers")], diagnostics: [], problem: false } // the config problem is the news
      : await checkSources(
          reader,
          fromPolicy ? { config: config as Located<Config>, resolve } : { paths: options.paths ?? [] },
        );
  diagnostics.push(...sources.diagnostics);
  const roots = sources.roots;
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
      sourceProblem: sources.problem,
      // None of the definition files was read, so none counts as checked.
      checked: [...new Set([options.configPath, ...diagnostics.map((d) => d.file)])].sort(),
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
  if (files.length === 0 && !sources.problem && (config || !fromPolicy))
    diagnostics.push(
      noDefinitions(fromPolicy ? { config: config as Located<Config> } : { paths: options.paths ?? [] }),
    );
  if (config) diagnostics.push(...validateDefinitions(definitions, config.value));

  return {
    configFile: options.configPath,
    ...(config ? { config } : {}),
    definitions,
    files,
    diagnostics: sortDiagnostics(diagnostics),
    configProblem: config === undefined,
    sourceProblem: sources.problem,
    checked: [...new Set([options.configPath, ...files, ...diagnostics.map((d) => d.file)])].sort(),
  };
}

type Sources = { config: Located<Config>; resolve: (p: string) => string } | { paths: readonly string[] };

const DEFINITIONS_PATH = ["policy", "definitionsPath"] as const;
const NO_LINKS =
  "hostroot reads definitions only as files committed in the repository and never follows a link, which could point anywhere";

/**
 * Where definitions are read from, checked before anything is read: a path that does not exist
 * or is a symlink (the policy's definitionsPath or any directory above it inside the repository,
 * or a path given on the command line) is an error, not an empty set that validates green; a
 * symlink among the definitions is an error, not a file silently skipped. Paths that do exist
 * are still validated beside a missing one, so one run reports everything. Readers that cannot
 * tell what a path is skip these checks (an empty result is then still said, by noDefinitions).
 */
async function checkSources(
  reader: SourceReader,
  sources: Sources,
): Promise<{ roots: string[]; diagnostics: Diagnostic[]; problem: boolean }> {
  const out: Diagnostic[] = [];
  const roots: string[] = [];
  if ("config" in sources) {
    const { config, resolve } = sources;
    const wanted = config.value.policy.definitionsPath;
    const at = (rule: string, message: string) =>
      out.push(diagnostic(config.file, config.span(DEFINITIONS_PATH), rule, message));
    const segments = wanted.split("/");
    let problem = false;
    for (let i = 1; i <= segments.length && reader.kind && !problem; i++) {
      const prefix = segments.slice(0, i).join("/");
      const kind = await reader.kind(resolve(prefix));
      const last = i === segments.length;
      if (kind === "symlink") {
        at("source/symlink", `policy.definitionsPath '${wanted}': '${prefix}' is a symlink; ${NO_LINKS}`);
        problem = true;
      } else if (kind === "missing" || (kind === "file" && !last)) {
        at(
          "source/missing",
          `policy.definitionsPath '${wanted}' does not exist (looked for ${resolve(wanted)}): nothing would be checked; ` +
            "fix the path, or create the directory with a first definition",
        );
        problem = true;
      }
    }
    if (problem) return { roots, diagnostics: out, problem };
    roots.push(resolve(wanted));
  } else {
    for (const p of sources.paths) {
      const kind = reader.kind ? await reader.kind(p) : "dir";
      if (kind === "missing")
        out.push(diagnostic(p, { line: 1, column: 1 }, "source/missing", `path not found: ${p}`));
      else if (kind === "symlink")
        out.push(diagnostic(p, { line: 1, column: 1 }, "source/symlink", `${p} is a symlink; ${NO_LINKS}`));
      else roots.push(p);
    }
  }
  const problem = out.length > 0;
  for (const root of roots)
    for (const link of (await reader.listDefinitionSymlinks?.(root)) ?? [])
      out.push(
        diagnostic(link, { line: 1, column: 1 }, "source/symlink", `${link} is a symlink; ${NO_LINKS}`),
      );
  return { roots, diagnostics: out, problem };
}

/** The warning of a run that found no definition file at all: said, not passed over as "no problems". */
function noDefinitions(sources: { config: Located<Config> } | { paths: readonly string[] }): Diagnostic {
  const what = "no definition files (*.yml, *.yaml): nothing was validated";
  if ("config" in sources) {
    const { config } = sources;
    return diagnostic(
      config.file,
      config.span(DEFINITIONS_PATH),
      "source/empty",
      `policy.definitionsPath '${config.value.policy.definitionsPath}' holds ${what}`,
      "warning",
    );
  }
  const [first = "."] = sources.paths;
  return diagnostic(
    first,
    { line: 1, column: 1 },
    "source/empty",
    `${sources.paths.join(", ")}: ${what}`,
    "warning",
  );
}
