import type { Span } from "./diagnostic.js";

/** A path into a parsed YAML value: object keys and array indexes, e.g. `["mounts", 0, "source"]`. */
export type ValuePath = readonly (string | number)[];

/**
 * A value parsed from one file, with a way back to where each part of it was written, so rules
 * that run after parsing (cross-file checks, policy) can still point at a line and column.
 */
export interface Located<T> {
  file: string;
  value: T;
  /** The decoded source text, when the value was parsed from one (lets holders drop the syntax tree). */
  text?: string;
  /**
   * Span of the node at `path`; for a missing node, the span of its nearest existing ancestor
   * (and for the root, line 1 column 1). `key: true` asks for the key instead of the value.
   */
  span(path: ValuePath, options?: { key?: boolean }): Span;
}
