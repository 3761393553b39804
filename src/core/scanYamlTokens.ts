import type { CST } from "yaml";

/** A finding in the token stream, at its source range. */
export interface TokenFinding {
  rule: "yaml/tag" | "yaml/too-large";
  offset: number;
  end: number;
  message: string;
}

// The YAML 1.2 core schema: the only types a definition or config can hold.
const CORE = new Set(["str", "int", "float", "bool", "null", "map", "seq"]);
const CHILDREN = ["start", "key", "sep", "value", "items", "end", "props"] as const;

/**
 * Looks at the parsed token tree (the CST) before anything is composed from it, for two things:
 *
 * - nesting deeper than `maxDepth`: yaml composes recursively, so `[[[[...` a quarter-megabyte
 *   deep would exhaust the stack; this walk stops at the first too-deep collection, so its own
 *   recursion stays shallow;
 * - tags that are not YAML core types, with their exact position. `!!python/object` or `!!binary`
 *   mean something only to particular loaders and `!foo` whatever a program decides, while a
 *   definition must mean the same to every reader; so only `!!str`, `!!int` and the like pass.
 *   `%TAG` directives are refused outright, since they could make `!!str` mean something else.
 */
export function scanYamlTokens(tokens: readonly CST.Token[], maxDepth: number): TokenFinding[] {
  const found: TokenFinding[] = [];
  let tooDeep = false;
  // Recursive, but bounded: it never descends past maxDepth collections, a few frames each.
  const visit = (t: unknown, depth: number): void => {
    if (tooDeep || typeof t !== "object" || t === null) return;
    if (Array.isArray(t)) {
      for (const x of t) visit(x, depth);
      return;
    }
    const token = t as { type?: string; offset?: number; source?: string } & Record<string, unknown>;
    const type = token.type;
    const offset = token.offset ?? 0;
    let inner = depth;
    if (type === "block-map" || type === "block-seq" || type === "flow-collection") {
      inner = depth + 1;
      if (inner > maxDepth) {
        const message = `values are nested more than ${maxDepth} levels deep`;
        found.push({ rule: "yaml/too-large", offset, end: offset + 1, message });
        tooDeep = true;
        return;
      }
    } else if (type === "tag" || type === "directive") {
      const source = token.source ?? "";
      if (type === "tag" ? !isCoreTag(source) : source.startsWith("%TAG")) {
        const message =
          type === "tag"
            ? `tag '${source}' is not allowed: only plain YAML is accepted, without custom or language-specific tags`
            : "%TAG directives are not allowed: only plain YAML is accepted";
        found.push({ rule: "yaml/tag", offset, end: offset + source.length, message });
      }
      return;
    }
    for (const key of CHILDREN) {
      const child = token[key];
      if (typeof child === "object" && child !== null) visit(child, inner);
    }
  };
  for (const t of tokens) visit(t, 0);
  return found;
}

/** `!!str` or its verbatim form `!<tag:yaml.org,2002:str>`, and the like for the other core types. */
function isCoreTag(source: string): boolean {
  if (source.startsWith("!!")) return CORE.has(source.slice(2));
  const verbatim = /^!<tag:yaml\.org,2002:([a-z]+)>$/.exec(source);
  return verbatim !== null && CORE.has(verbatim[1] as string);
}
