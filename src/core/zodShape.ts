import type { z } from "zod";
import type { ValuePath } from "./located.js";

/** The parts of a zod 4 schema definition that shape introspection reads. */
interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  entries?: Record<string, string | number>;
  values?: unknown[];
  format?: string;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

// Wrappers that do not change which keys an object takes.
const WRAPPERS = new Set(["optional", "default", "prefault", "nullable", "readonly", "catch", "nonoptional"]);

/** `schema` with optional/default/prefault/... wrappers (and a pipe's input side) peeled off. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let def = defOf(s); ; def = defOf(s)) {
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === "pipe" && def.in) s = def.in;
    else return s;
  }
}

/**
 * The schema that validates the value at `path` inside a value of `root`, or undefined when the
 * path leaves the schema (an unknown key). Numbers step into arrays, strings into objects and records.
 */
export function schemaAt(root: z.ZodType, path: ValuePath): z.ZodType | undefined {
  let s: z.ZodType | undefined = unwrap(root);
  for (const seg of path) {
    if (s === undefined) return undefined;
    const def = defOf(s);
    let next: z.ZodType | undefined;
    if (def.type === "object" && typeof seg === "string") next = def.shape?.[seg];
    else if (def.type === "array" && typeof seg === "number") next = def.element;
    else if (def.type === "record") next = def.valueType;
    s = next === undefined ? undefined : unwrap(next);
  }
  return s;
}

// Per schema object: these are built once per process, not once per file.
const keyCache = new WeakMap<z.ZodType, readonly string[]>();

/**
 * The keys a mapping validated by `schema` may hold, in schema order: an object's shape, or the
 * values of a record's enum key. Empty when any key goes (a free-form record).
 */
export function allowedKeys(schema: z.ZodType | undefined): readonly string[] {
  if (schema === undefined) return [];
  const cached = keyCache.get(schema);
  if (cached) return cached;
  const def = defOf(unwrap(schema));
  let keys: string[] = [];
  if (def.type === "object") keys = Object.keys(def.shape ?? {});
  else if (def.type === "record" && def.keyType) keys = literalValues(def.keyType).map(String);
  keyCache.set(schema, keys);
  return keys;
}

/** The values a literal or enum schema accepts; empty for anything else. */
export function literalValues(schema: z.ZodType | undefined): readonly unknown[] {
  if (schema === undefined) return [];
  const def = defOf(unwrap(schema));
  if (def.type === "literal") return def.values ?? [];
  if (def.type === "enum") return Object.values(def.entries ?? {});
  return [];
}

/** True for `z.int()` and the other integer formats, whose type issues say only "number". */
export function isInteger(schema: z.ZodType | undefined): boolean {
  if (schema === undefined) return false;
  const def = defOf(unwrap(schema));
  return def.type === "number" && /int/.test(def.format ?? "");
}
