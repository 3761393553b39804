import { type Definition, definitionSchema } from "./definitionSchema.js";
import { type Diagnostic, sortDiagnostics } from "./diagnostic.js";
import type { Located, ValuePath } from "./located.js";
import { parseYaml, type YamlLimits } from "./parseYaml.js";
import { zodIssuesToDiagnostics } from "./zodIssuesToDiagnostics.js";

/** The result of reading one definition file. */
export interface ParsedDefinition {
  /** Present when the file is a valid definition; the value has defaults applied. */
  definition?: Located<Definition>;
  diagnostics: Diagnostic[];
}

/** Keys people reach for to get distro packages; each would put a second copy of a host package in the delta. */
const APT_KEYS = new Set(["apt", "apt-get", "dpkg", "deb"]);

/** Distro packages under `packages` get their own rule: the reason matters more than the typo. */
function refuseAptKey(path: ValuePath, key: string) {
  if (path.length !== 1 || path[0] !== "packages" || !APT_KEYS.has(key.toLowerCase())) return undefined;
  return {
    rule: "packages/apt-refused" as const,
    message:
      `packages.${key} is refused: distro packages installed into a container's delta would shadow the ` +
      "host's own packages and miss their security fixes. Upgrade or install the package on the host " +
      "instead (ask ops); packages takes only pip, npm and gem.",
  };
}

/**
 * Reads one definition file: YAML (see {@link parseYaml}) then the definition schema. The
 * located value has defaults applied, while `span()` still answers for the paths as written
 * (a defaulted key points at its nearest written ancestor).
 */
export function parseDefinition(
  file: string,
  bytes: Uint8Array | string,
  limits?: Partial<YamlLimits>,
): ParsedDefinition {
  const yaml = parseYaml(file, bytes, limits);
  if (!yaml.located) return { diagnostics: yaml.diagnostics };
  const result = definitionSchema.safeParse(yaml.located.value);
  if (!result.success) {
    const issues = zodIssuesToDiagnostics(result.error.issues, {
      located: yaml.located,
      schema: definitionSchema,
      rootName: "the definition",
      refuseKey: refuseAptKey,
    });
    return { diagnostics: sortDiagnostics([...yaml.diagnostics, ...issues]) };
  }
  return { definition: lazilyLocated(yaml.located, result.data), diagnostics: yaml.diagnostics };
}

/**
 * Keeps only the source text of a valid definition and re-parses it the first time a position is
 * asked for. Valid definitions rarely need one (only cross-file findings do), and holding 10,000
 * YAML syntax trees costs more memory and garbage collection than parsing a few of them twice.
 */
function lazilyLocated(parsed: Located<unknown>, value: Definition): Located<Definition> {
  // Capture only the file name and text: capturing `parsed` would keep its syntax tree alive.
  const { file, text } = parsed;
  let span: Located<unknown>["span"] | undefined = text === undefined ? parsed.span : undefined;
  return {
    file,
    value,
    span(path, options) {
      span ??= parseYaml(file, text ?? "").located?.span ?? (() => ({ line: 1, column: 1 }));
      return span(path, options);
    },
  };
}
