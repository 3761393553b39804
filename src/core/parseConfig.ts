import { type Config, configSchema } from "./configSchema.js";
import { type Diagnostic, diagnostic, hasErrors, sortDiagnostics } from "./diagnostic.js";
import { groupBy } from "./groupBy.js";
import type { Located, ValuePath } from "./located.js";
import { lxcPathProblem } from "./lxcPathProblem.js";
import { parseYaml, type YamlLimits } from "./parseYaml.js";
import { validateConfigDeployable } from "./validateConfigDeployable.js";
import { zodIssuesToDiagnostics } from "./zodIssuesToDiagnostics.js";

/** The result of reading the ops config. */
export interface ParsedConfig {
  /** Present when the config is valid (schema and config rules); defaults applied. */
  config?: Located<Config>;
  diagnostics: Diagnostic[];
}

/**
 * Reads the ops config (`.github/hostroot.yml`): YAML, the config schema, then rules across the
 * pool that a schema cannot express: host names unique, one host per address and port, and a
 * definitionsPath that stays inside the repository. The rules run on the value as written, so
 * they report alongside schema errors elsewhere in the file instead of after they are fixed.
 */
export function parseConfig(
  file: string,
  bytes: Uint8Array | string,
  limits?: Partial<YamlLimits>,
): ParsedConfig {
  const yaml = parseYaml(file, bytes, limits);
  if (!yaml.located) return { diagnostics: yaml.diagnostics };
  const located = yaml.located;
  const result = configSchema.safeParse(located.value);
  const diagnostics = [...yaml.diagnostics, ...configRules(located)];
  if (!result.success) {
    const ctx = { located, schema: configSchema, rootName: "the config" };
    diagnostics.push(...zodIssuesToDiagnostics(result.error.issues, ctx));
  }
  const sorted = sortDiagnostics(diagnostics);
  if (!result.success || hasErrors(sorted)) return { diagnostics: sorted };
  return { config: { ...located, value: result.data }, diagnostics: sorted };
}

interface Occurrence {
  key: string;
  path: ValuePath;
  host: string;
}

/**
 * The config/* rules, on the raw value (anything not shaped as expected is the schema's to report).
 * Exported for the server config, whose pools are checked by the same rules.
 */
export function configRules(located: Located<unknown>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const names: Occurrence[] = [];
  const addresses: Occurrence[] = [];
  const platforms = field(field(located.value, "pool"), "platforms");
  for (const [platform, p] of entries(platforms)) {
    const hosts = field(p, "hosts");
    if (!Array.isArray(hosts)) continue;
    const platformJump = field(p, "jumpHost");
    hosts.forEach((h, i) => {
      const at: ValuePath = ["pool", "platforms", platform, "hosts", i];
      const name = field(h, "name");
      const address = field(h, "address");
      const port = field(h, "port") ?? 22;
      const host = typeof name === "string" ? name : `#${i + 1}`;
      if (typeof name === "string") names.push({ key: name, path: [...at, "name"], host });
      out.push(...lxcPathRule(located, [...at, "lxcPath"], field(h, "lxcPath"), host));
      if (typeof address === "string" && typeof port === "number") {
        // DNS names are case-insensitive; the port is part of the identity (several sshd per machine),
        // and so is the jump host: private networks behind two jump hosts may reuse addresses.
        const jump = field(h, "jumpHost") ?? platformJump;
        const jumpAddress = field(jump, "address");
        const via =
          typeof jumpAddress === "string"
            ? ` via jump host ${jumpAddress.toLowerCase()} port ${field(jump, "port") ?? 22}`
            : "";
        addresses.push({
          key: `${address.toLowerCase()} port ${port}${via}`,
          path: [...at, "address"],
          host,
        });
      }
    });
  }
  const line = (o: Occurrence) => located.span(o.path).line;
  for (const [key, group] of duplicates(names)) {
    for (const o of group) {
      const others = group.filter((x) => x !== o).map(line);
      const message = `host name '${key}' is used more than once (also on line ${others.join(", ")}); host names must be unique`;
      out.push(diagnostic(located.file, located.span(o.path), "config/duplicate-host", message));
    }
  }
  for (const [key, group] of duplicates(addresses)) {
    for (const o of group) {
      const others = group.filter((x) => x !== o).map((x) => `'${x.host}' (line ${line(x)})`);
      const message = `host '${o.host}' uses address ${key}, as does ${others.join(", ")}; each host needs its own address and port`;
      out.push(diagnostic(located.file, located.span(o.path), "config/duplicate-address", message));
    }
  }
  const definitionsPath = field(field(located.value, "policy"), "definitionsPath");
  const problem = typeof definitionsPath === "string" ? definitionsPathProblem(definitionsPath) : undefined;
  if (problem) {
    const span = located.span(["policy", "definitionsPath"]);
    out.push(diagnostic(located.file, span, "config/definitions-path", `policy.definitionsPath ${problem}`));
  }
  out.push(...validateConfigDeployable(located));
  return out;
}

/** `config/lxc-path-system`: a host's lxcPath may not be `/`, a system tree or a dir above one. */
function lxcPathRule(located: Located<unknown>, path: ValuePath, value: unknown, host: string): Diagnostic[] {
  if (typeof value !== "string" || !value.startsWith("/")) return []; // The schema reports it.
  const problem = lxcPathProblem(value);
  if (!problem) return [];
  const message = `host '${host}': lxcPath '${value}' ${problem}; use a directory of its own such as /var/lib/lxc or /srv/lxc`;
  return [diagnostic(located.file, located.span(path), "config/lxc-path-system", message)];
}

/**
 * Why a definitionsPath is refused, or undefined: it must name a directory inside the repository,
 * relative and normalised (`containers`, `deploy/containers`), so every reader finds the same files.
 */
export function definitionsPathProblem(p: string): string | undefined {
  if (p === "") return undefined; // The schema reports an empty path.
  if (p.startsWith("/") || /^[A-Za-z]:/.test(p) || p.includes("\\")) {
    return `'${p}' must be a path relative to the repository root, with '/' separators, like 'containers'`;
  }
  const segments = p.split("/");
  if (segments.includes("..")) return `'${p}' must stay inside the repository: '..' is not allowed`;
  if (segments.some((s) => s === "" || s === ".")) {
    const clean = segments.filter((s) => s !== "" && s !== ".").join("/");
    return clean === ""
      ? `'${p}' must name a directory inside the repository, like 'containers'`
      : `'${p}' is not normalised: write '${clean}'`;
  }
  return undefined;
}

function duplicates(list: readonly Occurrence[]): [string, Occurrence[]][] {
  return [...groupBy(list, (o) => o.key)].filter(([, g]) => g.length > 1);
}

function field(v: unknown, key: string): unknown {
  return v !== null && typeof v === "object" && !Array.isArray(v) && Object.hasOwn(v, key)
    ? (v as Record<string, unknown>)[key]
    : undefined;
}

function entries(v: unknown): [string, unknown][] {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? Object.entries(v) : [];
}
