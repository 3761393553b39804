import { type Boundary, closeFor, type Line, reopenFor, scanMarkdown } from "./markdownBoundaries.js";

/** Room kept in every part for its "(part i/n)" header. */
export const PART_HEADER_RESERVE = 32;

/** One part of a split document. `body`s concatenated in order give back the whole input. */
export interface MarkdownPart {
  /** `_(part i/n)_` and a blank line; empty when the document fits in one part. */
  header: string;
  /** Reopens the details, fence or table the previous part was cut inside. */
  reopen: string;
  body: string;
  /** Closes what this part was cut inside, so it renders on its own. */
  close: string;
}

/** The header line of part `index` (1-based) of `count`. */
export function partHeader(index: number, count: number): string {
  return `_(part ${index}/${count})_\n\n`;
}

/**
 * Splits markdown into comment-sized strings, each at most `limit` UTF-16 code units, header
 * included (the code host adapter knows its own limit, e.g. GitHub's 65,536). Prefers to cut between top-level blocks; cuts inside a block only when it cannot fit
 * in a part of its own, and then closes its `<details>` and code fence at the cut and reopens them
 * (summary "(continued)") in the next part. Never splits a surrogate pair.
 */
export function splitMarkdown(markdown: string, limit: number): string[] {
  return splitMarkdownParts(markdown, limit).map((p) => p.header + p.reopen + p.body + p.close);
}

/** {@link splitMarkdown} with each part's pieces kept apart, for callers that label parts themselves. */
export function splitMarkdownParts(markdown: string, limit: number): MarkdownPart[] {
  if (markdown.length <= limit) return [{ header: "", reopen: "", body: markdown, close: "" }];
  const avail = limit - PART_HEADER_RESERVE;
  if (avail < 32) throw new RangeError(`limit ${limit} is too small to split markdown into parts`);
  const { lines, boundaries } = scanMarkdown(markdown);
  const parts: Omit<MarkdownPart, "header">[] = [];
  let start = 0;
  let reopen = "";
  while (start < markdown.length) {
    if (reopen.length + markdown.length - start <= avail) {
      parts.push({ reopen, body: markdown.slice(start), close: "" });
      break;
    }
    const cut = chooseCut(markdown, lines, boundaries, start, avail - reopen.length, avail);
    parts.push({ reopen, body: markdown.slice(start, cut.offset), close: cut.close });
    start = cut.offset;
    reopen = cut.reopen;
  }
  return parts.map((p, i) => ({ header: partHeader(i + 1, parts.length), ...p }));
}

/** Where the part starting at `start` ends; `budget` is what its body and closing text may use. */
function chooseCut(
  text: string,
  lines: readonly Line[],
  boundaries: readonly Boundary[],
  start: number,
  budget: number,
  avail: number,
): Omit<Boundary, "cut"> {
  let block = -1;
  let line = -1;
  let j = firstAfter(boundaries, start);
  for (; j < boundaries.length; j++) {
    const b = boundaries[j] as Boundary;
    if (b.offset - start > budget) break;
    if (b.cut === "none" || b.offset - start + b.close.length > budget) continue;
    line = j;
    if (b.cut === "block") block = j;
  }
  // A whole block that would fit in a part of its own goes to the next part, uncut. A block too
  // big for any part is cut anyway, so it starts filling this part rather than wasting one.
  if (block >= 0) {
    const from = (boundaries[block] as Boundary).offset;
    let k = block + 1;
    while (k < boundaries.length && (boundaries[k] as Boundary).cut !== "block") k++;
    const to = k < boundaries.length ? (boundaries[k] as Boundary).offset : text.length;
    if (to - from <= avail) return boundaries[block] as Boundary;
  }
  if (line >= 0) {
    const b = boundaries[line] as Boundary;
    const next = boundaries[line + 1];
    const nextEnd = next === undefined ? text.length : next.offset;
    const nextClose = next === undefined ? "" : next.close;
    if (b.reopen.length + nextEnd - b.offset + nextClose.length <= avail) return b;
  }
  // The line the budget runs out in cannot fit in any part: cut inside it, filling this part.
  const mid = midLineCut(text, lines, start, budget);
  const best = line >= 0 ? (boundaries[line] as Boundary) : null;
  if (mid !== null && (best === null || mid.offset > best.offset)) return mid;
  if (best !== null) return best;
  throw new RangeError("part limit too small for the structure it must reopen");
}

/**
 * A cut inside the line where the budget runs out, at a space near the end if there is one. When
 * that line has no room once its closing text is counted, the line before it is tried instead.
 */
function midLineCut(
  text: string,
  lines: readonly Line[],
  start: number,
  budget: number,
): Omit<Boundary, "cut"> | null {
  for (let i = lineAt(lines, start + budget); i >= 0 && (lines[i] as Line).end > start; i--) {
    const line = lines[i] as Line;
    if (line.structural) continue;
    const close = closeFor(line.context, true);
    const floor = Math.max(start, line.start);
    let offset = Math.min(start + budget - close.length, line.end - 1);
    // Cutting at a space keeps words, entities and escapes whole; look back a little for one.
    const space = text.lastIndexOf(" ", offset - 1);
    if (space > Math.max(floor, offset - 256)) offset = space + 1;
    // Step back while the cut would split a surrogate pair or CRLF, or leave the next part starting
    // with what reads as a fence or details tag (outside a fence, a part's text starts a line).
    const inFence = line.context.fence !== null;
    const risky = (o: number) =>
      splitsPair(text, o) || (!inFence && STRUCTURE_START.test(text.slice(o, o + 16)));
    while (offset > floor && risky(offset)) offset -= 1;
    if (offset > floor) return { offset, close, reopen: reopenFor(line.context, false) };
  }
  return null;
}

const STRUCTURE_START = /^ {0,3}(?:`{3}|~{3}|<\/?details)/i;

/** True when cutting at `offset` would separate a surrogate pair or a CRLF. */
function splitsPair(text: string, offset: number): boolean {
  const before = text.charCodeAt(offset - 1);
  return (before >= 0xd800 && before <= 0xdbff) || (before === 13 && text.charCodeAt(offset) === 10);
}

/** Index of the first boundary after `offset`. */
function firstAfter(boundaries: readonly Boundary[], offset: number): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((boundaries[mid] as Boundary).offset <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the line holding the character just before `offset`. */
function lineAt(lines: readonly Line[], offset: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lines[mid] as Line).start < offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
