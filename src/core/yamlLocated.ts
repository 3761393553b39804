import { type Alias, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";
import type { Span } from "./diagnostic.js";
import type { Located, ValuePath } from "./located.js";

/** What a YAML tree needs to answer "where was this written": the source and its line table. */
export interface YamlSource {
  text: string;
  lineCounter: LineCounter;
  /** The root node of the one document (null when there is none). */
  root: Node | null;
  /** Each alias and the node it stands for, as resolved while checking the tree. */
  aliases: ReadonlyMap<Alias, Node>;
}

const FILE_START: Span = { line: 1, column: 1 };

/**
 * The key a scalar becomes in a plain JS object, the same way yaml's toJS stringifies it
 * (`null` -> "", `1` -> "1"), so path lookups and duplicate-key checks agree with the value.
 */
export function keyString(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  return key.value === null ? "" : String(key.value);
}

/** The 1-based span of `range` [start, end), with trailing whitespace and line breaks trimmed. */
export function offsetSpan(
  source: Pick<YamlSource, "text" | "lineCounter">,
  start: number,
  end = start,
): Span {
  let stop = Math.max(start, end);
  // Block collections end after their last line break; an annotation should end on the last character.
  while (stop > start && /\s/.test(source.text[stop - 1] ?? "")) stop--;
  const a = source.lineCounter.linePos(start);
  const b = source.lineCounter.linePos(stop);
  return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
}

/** Span of one node (its value, without tag or anchor). */
export function nodeSpan(source: YamlSource, node: Node): Span {
  const range = node.range;
  return range ? offsetSpan(source, range[0], range[1]) : FILE_START;
}

/**
 * Wraps a value with {@link Located.span} answered from the YAML tree. The value may differ from
 * the tree (defaults applied): lookups follow the paths as written and fall back to the nearest
 * ancestor that exists. Paths through an alias continue in the anchored node, where the text is.
 */
export function yamlLocated<T>(file: string, value: T, source: YamlSource): Located<T> {
  return {
    file,
    value,
    text: source.text,
    span(path: ValuePath, options?: { key?: boolean }): Span {
      if (path.length === 0 || source.root === null) return FILE_START;
      let node: Node = source.root;
      let keyNode: Node | undefined;
      for (let i = 0; i < path.length; i++) {
        const seg = path[i] as string | number;
        const target = isAlias(node) ? source.aliases.get(node) : node;
        let next: Node | undefined;
        keyNode = undefined;
        if (isMap(target)) {
          const pair = target.items.find((p) => keyString(p.key) === String(seg));
          if (pair) {
            keyNode = pair.key as Node;
            const v = pair.value as Node | null;
            // `key:` with nothing after it is a zero-width null; the key is the place to point at.
            next = v && !(v.range && v.range[0] === v.range[1]) ? v : keyNode;
          }
        } else if (isSeq(target) && typeof seg === "number") {
          next = target.items[seg] as Node | undefined;
        }
        if (next === undefined) return i === 0 ? FILE_START : nodeSpan(source, node);
        node = next;
      }
      return nodeSpan(source, options?.key && keyNode ? keyNode : node);
    },
  };
}
