import type { z } from "zod";
import { type Diagnostic, diagnostic } from "./diagnostic.js";
import { formatPath } from "./formatPath.js";
import type { Located, ValuePath } from "./located.js";
import type { RuleId } from "./rules.js";
import { suggest } from "./suggest.js";
import { allowedKeys, isInteger, literalValues, schemaAt } from "./zodShape.js";

/** What turning zod issues into diagnostics needs besides the issues. */
export interface IssueContext {
  /** The value as written (before defaults), to tell a missing key from a wrong one, and to locate. */
  located: Located<unknown>;
  /** The schema that produced the issues, introspected for allowed keys and supported versions. */
  schema: z.ZodType;
  /** What the top level is called in messages: "the definition", "the config". */
  rootName: string;
  /** Unknown keys that deserve their own rule and explanation (apt under packages). */
  refuseKey?: (path: ValuePath, key: string) => { rule: RuleId; message: string } | undefined;
}

type Issue = z.core.$ZodIssue;
type Found = { found: true; value: unknown } | { found: false };

/**
 * Maps zod issues to diagnostics at the exact node, in words a YAML author understands:
 * unknown keys at the key with a "did you mean" (`schema/unknown-key`), missing keys at the
 * mapping that lacks them (`schema/required`), wrong types (`schema/type`), formats, ranges and
 * enums (`schema/value`), and apiVersion (`schema/api-version`). When apiVersion is present but
 * not one this hostroot reads, only that is reported: the rest of a newer format is not ours to judge.
 */
export function zodIssuesToDiagnostics(issues: readonly Issue[], ctx: IssueContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const add = (path: ValuePath, rule: RuleId, message: string, key = false) => {
    const d = diagnostic(ctx.located.file, ctx.located.span(path, { key }), rule, message);
    const id = `${d.rule}|${d.line}|${d.column}|${d.message}`;
    if (!seen.has(id)) out.push(d);
    seen.add(id);
  };
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    const at = valueAt(ctx.located.value, path);
    const versions =
      path.length === 1 && path[0] === "apiVersion" ? literalValues(schemaAt(ctx.schema, path)) : [];
    if (versions.length > 0) {
      const supported = `this hostroot reads ${versions.join(", ")}`;
      if (!at.found)
        add(
          path,
          "schema/api-version",
          `apiVersion is missing: add 'apiVersion: ${versions[0]}' (${supported})`,
        );
      else {
        const written = typeof at.value === "string" ? `'${at.value}'` : received(at.value);
        const message = `apiVersion ${written} is not supported: ${supported}`;
        return [diagnostic(ctx.located.file, ctx.located.span(path), "schema/api-version", message)];
      }
    } else if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const refused = ctx.refuseKey?.(path, key);
        if (refused) add([...path, key], refused.rule, refused.message, true);
        else add([...path, key], "schema/unknown-key", unknownKey(ctx, path, key), true);
      }
    } else if (issue.code === "invalid_type" && !at.found) {
      const message = `${where(ctx, path.slice(0, -1))} is missing the required key '${String(path.at(-1))}'`;
      add(path.slice(0, -1), "schema/required", message);
    } else if (issue.code === "invalid_type") {
      const kind =
        issue.expected === "number" && isInteger(schemaAt(ctx.schema, path)) ? "int" : issue.expected;
      const expected = EXPECTED[kind] ?? `a ${kind}`;
      const value = at.found ? at.value : undefined;
      const message =
        value === null
          ? `${where(ctx, path)} is empty; it must be ${expected}`
          : `${where(ctx, path)} must be ${expected}, not ${received(value)}`;
      add(path, "schema/type", message);
    } else if (issue.code === "invalid_key") {
      const inner = issue.issues[0];
      const why = inner ? valueProblem(inner, undefined) : "is not an allowed key";
      add(
        path,
        "schema/value",
        `key '${String(path.at(-1))}' in ${where(ctx, path.slice(0, -1))} ${why}`,
        true,
      );
    } else {
      add(
        path,
        "schema/value",
        `${where(ctx, path)} ${valueProblem(issue, at.found ? at.value : undefined)}`,
      );
    }
  }
  return out;
}

const EXPECTED: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

function where(ctx: IssueContext, path: ValuePath): string {
  return formatPath(path, ctx.rootName);
}

/** The value as the author would recognise it: `the text "2"`, `2.5`, `a list`. */
function received(v: unknown): string {
  if (v === null) return "an empty value";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)}`;
  return String(v);
}

function unknownKey(ctx: IssueContext, path: ValuePath, key: string): string {
  const parent = valueAt(ctx.located.value, path);
  const present =
    parent.found && parent.value !== null && typeof parent.value === "object" ? parent.value : {};
  // A key the author already wrote is not a useful suggestion for another one.
  const candidates = allowedKeys(schemaAt(ctx.schema, path)).filter((k) => !Object.hasOwn(present, k));
  const inWhere = path.length === 0 ? "" : ` in ${where(ctx, path)}`;
  const guess = suggest(key, candidates);
  if (guess !== undefined) return `unknown key '${key}'${inWhere}; did you mean '${guess}'?`;
  const all = allowedKeys(schemaAt(ctx.schema, path));
  return all.length > 0
    ? `unknown key '${key}'${inWhere}; the keys here are: ${all.join(", ")}`
    : `unknown key '${key}'${inWhere}`;
}

/** "must be ..." for a value issue; our schemas' own messages ("must be a DNS label") win. */
function valueProblem(issue: Issue, value: unknown): string {
  const got = typeof value === "string" || typeof value === "number" ? `; got ${received(value)}` : "";
  if (/^must\b/.test(issue.message)) return `${issue.message}${got}`;
  switch (issue.code) {
    case "too_small":
    case "too_big": {
      const bound = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
      const small = issue.code === "too_small";
      if (issue.origin === "string" && small && bound === 1) return "must not be empty";
      if (issue.origin === "array" && small && bound === 1) return "must not be an empty list";
      const unit = issue.origin === "string" ? " characters" : issue.origin === "array" ? " items" : "";
      const word = issue.inclusive ? (small ? "at least" : "at most") : small ? "more than" : "less than";
      return `must be ${word} ${bound}${unit}${got}`;
    }
    case "invalid_value": {
      const options = issue.values.map(String);
      const guess = typeof value === "string" ? suggest(value, options) : undefined;
      return `must be one of ${options.join(", ")}${got}${guess ? `; did you mean '${guess}'?` : ""}`;
    }
    case "invalid_format":
      return issue.format === "regex"
        ? `does not have the expected form${got}`
        : `must be a valid ${issue.format}${got}`;
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}${got}`;
    default:
      return `is not valid (${issue.message})`;
  }
}

/** The value at `path` as written, telling "absent" apart from "present and null". */
function valueAt(root: unknown, path: ValuePath): Found {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, seg)) return { found: false };
    v = (v as Record<string | number, unknown>)[seg];
  }
  return { found: true, value: v };
}
