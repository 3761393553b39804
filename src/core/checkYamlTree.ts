import { type Alias, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";
import { formatPath } from "./formatPath.js";
import type { RuleId } from "./rules.js";
import { keyString } from "./yamlLocated.js";

/** Bounds on one YAML tree; see {@link ./parseYaml.ts} for the defaults and why. */
export interface TreeLimits {
  maxDepth: number;
  maxAliasCount: number;
  maxExpandedNodes: number;
}

/** One thing wrong with the tree, at a source offset. */
export interface TreeProblem {
  rule: RuleId;
  offset: number;
  end: number;
  message: string;
}

/** What checking found: problems, and each alias's target (for span lookups through aliases). */
export interface TreeCheck {
  problems: TreeProblem[];
  aliases: Map<Alias, Node>;
}

/**
 * Checks a composed YAML tree before anything converts it to JS: duplicate keys, keys that are not
 * scalars, nesting depth, and alias expansion. The walk visits each written node once, in document
 * order (which is how YAML resolves an alias: to the latest anchor before it), and computes each
 * node's expanded size bottom-up, so a "billion laughs" file is measured in microseconds without
 * being expanded. An alias whose anchor encloses it would expand forever and is refused too.
 * The first limit hit stops the walk: past it, the sizes mean nothing.
 */
export function checkYamlTree(root: Node, limits: TreeLimits, lineCounter: LineCounter): TreeCheck {
  const problems: TreeProblem[] = [];
  const aliases = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  // Expanded size of each finished node; a node on the current walk path is absent (in progress).
  const sizes = new Map<Node, number>();
  let aliasCount = 0;
  let total = 0;
  let stopped = false;

  const stop = (rule: RuleId, node: Node, message: string): number => {
    problems.push({ rule, offset: node.range?.[0] ?? 0, end: node.range?.[1] ?? 0, message });
    stopped = true;
    return 0;
  };

  /** Adds `n` expanded values; false (and a problem) when that crosses the limit. */
  const within = (n: number, node: Node, viaAlias: boolean): boolean => {
    total += n;
    if (total <= limits.maxExpandedNodes) return true;
    if (viaAlias) {
      const what = `aliases expand the file past ${limits.maxExpandedNodes} values, like an alias bomb ("billion laughs")`;
      stop("yaml/alias-limit", node, what);
    } else stop("yaml/too-large", node, `the file has more than ${limits.maxExpandedNodes} values`);
    return false;
  };

  const walkAlias = (node: Alias): number => {
    if (++aliasCount > limits.maxAliasCount) {
      return stop("yaml/alias-limit", node, `the file uses more than ${limits.maxAliasCount} aliases`);
    }
    const target = anchors.get(node.source);
    if (!target)
      return stop("yaml/syntax", node, `alias '*${node.source}' has no anchor '&${node.source}' before it`);
    const size = sizes.get(target);
    if (size === undefined) {
      return stop(
        "yaml/alias-limit",
        node,
        `alias '*${node.source}' is inside its own anchor and would never end`,
      );
    }
    aliases.set(node, target);
    return within(size, node, true) ? size : 0;
  };

  const walkMap = (node: Node & { items: { key: unknown; value: unknown }[] }, path: (string | number)[]) => {
    const where = path.length === 0 ? "" : ` in ${formatPath(path)}`;
    const seen = new Map<string, number>();
    let size = 0;
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      const [at, end] = key?.range ?? node.range ?? [0, 0];
      if (key) size += walk(key, path);
      if (stopped) return size;
      const name = key === null ? "" : keyString(isAlias(key) ? aliases.get(key) : key);
      if (name === undefined) {
        const message = `a key${where} is a list or mapping; keys must be plain words`;
        problems.push({ rule: "schema/type", offset: at, end, message });
        continue;
      }
      const first = seen.get(name);
      if (first === undefined) seen.set(name, at);
      else {
        const line = lineCounter.linePos(first).line;
        const message = `duplicate key '${name}'${where}: it is already set on line ${line}, and YAML would silently keep only one`;
        problems.push({ rule: "yaml/duplicate-key", offset: at, end, message });
      }
      if (pair.value) size += walk(pair.value as Node, [...path, name]);
      if (stopped) return size;
    }
    return size;
  };

  const walk = (node: Node, path: (string | number)[]): number => {
    if (isAlias(node)) return walkAlias(node);
    // Checked before descending, so this recursion is never deeper than maxDepth.
    if (path.length > limits.maxDepth) {
      return stop("yaml/too-large", node, `values are nested more than ${limits.maxDepth} levels deep`);
    }
    if (node.anchor) anchors.set(node.anchor, node);
    if (!within(1, node, false)) return 0;
    let size = 1;
    if (isMap(node)) size += walkMap(node, path);
    else if (isSeq(node)) {
      for (let i = 0; i < node.items.length && !stopped; i++)
        size += walk(node.items[i] as Node, [...path, i]);
    } else if (!isScalar(node)) return stop("yaml/syntax", node, "this kind of YAML node is not supported");
    sizes.set(node, size);
    return size;
  };

  walk(root, []);
  return { problems, aliases };
}
