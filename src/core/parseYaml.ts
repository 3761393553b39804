import { Composer, type Document, isScalar, LineCounter, Parser } from "yaml";
import { checkYamlTree } from "./checkYamlTree.js";
import { decodeUtf8 } from "./decodeUtf8.js";
import { type Diagnostic, diagnostic, hasErrors, sortDiagnostics } from "./diagnostic.js";
import type { Located } from "./located.js";
import type { RuleId } from "./rules.js";
import { scanYamlTokens } from "./scanYamlTokens.js";
import { offsetSpan, yamlLocated } from "./yamlLocated.js";

/** Bounds that keep one hostile file from costing more than a few milliseconds. */
export interface YamlLimits {
  /** Largest file accepted, in bytes, checked before decoding. */
  maxBytes: number;
  /** Most alias nodes (`*name`) in one file. */
  maxAliasCount: number;
  /** Most values once aliases are expanded: what a consumer walking the value would visit. */
  maxExpandedNodes: number;
  /** Deepest nesting of mappings and lists. */
  maxDepth: number;
}

/**
 * Defaults: a definition is a few hundred bytes and a pool config with hundreds of hosts well under
 * 256 KiB; nothing legitimate nests 64 deep or needs a thousand aliases. 200,000 values is more
 * than a 256 KiB file can spell out without aliases, so only alias expansion can reach it.
 */
export const DEFAULT_YAML_LIMITS: Readonly<YamlLimits> = {
  maxBytes: 256 * 1024,
  maxAliasCount: 1000,
  maxExpandedNodes: 200_000,
  maxDepth: 64,
};

/** The result of reading one YAML file: a located plain value, or the reasons there is none. */
export interface ParsedYaml {
  /** Present only when there are no errors. */
  located?: Located<unknown>;
  diagnostics: Diagnostic[];
}

// Plain YAML 1.2 core whatever the file's %YAML directive says: no merge keys, no 1.1 booleans.
// Duplicate keys are found by checkYamlTree, which can name the first key's line.
const COMPOSER_OPTIONS = {
  version: "1.2",
  schema: "core",
  merge: false,
  uniqueKeys: false,
  logLevel: "silent",
} as const;

/**
 * Reads one YAML file into a plain JS value that remembers where each part was written. Refuses,
 * with a diagnostic at the offending line and column and without expanding anything: files over
 * the size limit, bytes that are not UTF-8, empty or comment-only files, several documents, tags
 * beyond the YAML core schema, duplicate keys, syntax errors, alias bombs and alias cycles.
 */
export function parseYaml(
  file: string,
  bytes: Uint8Array | string,
  limits?: Partial<YamlLimits>,
): ParsedYaml {
  const max: YamlLimits = { ...DEFAULT_YAML_LIMITS, ...limits };
  const at = (line: number, column: number, rule: RuleId, message: string): ParsedYaml => ({
    diagnostics: [diagnostic(file, { line, column }, rule, message)],
  });

  const size = typeof bytes === "string" ? utf8Length(bytes, max.maxBytes) : bytes.length;
  if (size > max.maxBytes) {
    const message = `the file is ${kib(size)} KiB; the limit is ${kib(max.maxBytes)} KiB`;
    return at(1, 1, "yaml/too-large", message);
  }
  let text: string;
  if (typeof bytes === "string") text = bytes.startsWith("\uFEFF") ? bytes.slice(1) : bytes;
  else {
    const decoded = decodeUtf8(bytes);
    if (decoded.kind === "invalid") {
      const hex = (bytes[decoded.offset] ?? 0).toString(16).padStart(2, "0");
      const message = `the file is not valid UTF-8: the bytes starting at 0x${hex} here are not a character; save the file as UTF-8`;
      return at(decoded.line, decoded.column, "yaml/encoding", message);
    }
    text = decoded.text;
  }

  const lineCounter = new LineCounter();
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const source = { text, lineCounter };
  const diagnostics: Diagnostic[] = [];
  const report = (range: readonly number[], rule: RuleId, message: string, warn?: "warning") =>
    diagnostics.push(diagnostic(file, offsetSpan(source, range[0] ?? 0, range[1]), rule, message, warn));

  for (const f of scanYamlTokens(tokens, max.maxDepth)) report([f.offset, f.end], f.rule, f.message);
  // Composing recurses per nesting level: never hand it a file the scan found too deep.
  if (diagnostics.some((d) => d.rule === "yaml/too-large"))
    return { diagnostics: sortDiagnostics(diagnostics) };
  const docs: Document.Parsed[] = Array.from(new Composer(COMPOSER_OPTIONS).compose(tokens));
  const doc = docs[0];
  if (doc === undefined || isEmpty(doc)) {
    return at(1, 1, "yaml/empty", "the file is empty or holds only comments");
  }
  const second = docs[1];
  if (second !== undefined) {
    const message = `a second YAML document starts here; a file holds exactly one (${docs.length} found)`;
    report([second.range[0], second.range[0] + 3], "yaml/multi-document", message);
  }
  for (const d of docs) {
    for (const e of d.errors) {
      // yaml reports its own stack overflow on absurd nesting; say what the user can act on.
      if (e.code === "RESOURCE_EXHAUSTION") report(e.pos, "yaml/too-large", "values are nested too deeply");
      else report(e.pos, "yaml/syntax", e.message);
    }
    for (const w of d.warnings) {
      // Unknown tags are already refused above, with a clearer message.
      if (w.code !== "TAG_RESOLVE_FAILED") report(w.pos, "yaml/syntax", w.message, "warning");
    }
  }
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics) };

  const root = doc.contents;
  const tree = checkYamlTree(root as NonNullable<typeof root>, max, lineCounter);
  for (const p of tree.problems) report([p.offset, p.end], p.rule, p.message);
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics) };

  // checkYamlTree has bounded alias count and expansion exactly; yaml's own maxAliasCount check is
  // off (-1) because it re-walks the whole document for each nested alias, which a crafted
  // 120 KB file turns into seconds. Aliased nodes become shared JS objects, not copies.
  const value = doc.toJS({ maxAliasCount: -1 });
  const located = yamlLocated(file, value, { ...source, root, aliases: tree.aliases });
  return { located, diagnostics: sortDiagnostics(diagnostics) };
}

/** True for a document with no content at all (`---` alone, or nothing but comments). */
function isEmpty(doc: Document.Parsed): boolean {
  const c = doc.contents;
  return c === null || (isScalar(c) && c.value === null && c.range[0] === c.range[1]);
}

/** UTF-8 length of `s`, computed exactly only when the cheap bounds cannot decide against `limit`. */
function utf8Length(s: string, limit: number): number {
  // Each UTF-16 unit takes 1 to 3 bytes in UTF-8.
  if (s.length > limit || s.length * 3 <= limit) return s.length;
  return new TextEncoder().encode(s).length;
}

function kib(bytes: number): string {
  return (bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1);
}
