// A line scanner that knows just enough CommonMark/GFM structure to split a document safely:
// fenced code blocks, <details> blocks (as hostroot and most bots write them: the tag at the start
// of a line) and pipe tables. Everything else is treated as text.

/** A `<details>` block open at some point, with what it takes to reopen it in the next part. */
interface OpenDetails {
  tag: string;
  summary: string;
}

/** What is open before a line. Immutable, so lines can share one object while nothing changes. */
export interface Context {
  fence: { char: string; length: number; openLine: string } | null;
  details: readonly OpenDetails[];
  /** Header and delimiter rows of the table being read, once both were seen. */
  table: string | null;
}

/** How good a place a line boundary is to cut at. */
export type CutKind = "block" | "line" | "none";

/** The start of one line, seen as a place to cut. */
export interface Boundary {
  offset: number;
  cut: CutKind;
  /** Appended to the part that ends here so it renders on its own (closes a fence, details). */
  close: string;
  /** Put before the next part so the text goes on inside the same structure. */
  reopen: string;
}

/** One line (its `\n` included) and the context it starts in. */
export interface Line {
  start: number;
  end: number;
  context: Context;
  /** True when the line opens or closes something (a fence, details, a table header): never cut inside it. */
  structural: boolean;
}

const TOP: Context = { fence: null, details: [], table: null };
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const DETAILS_LINE = /^ {0,3}<\/?details[\s>]/i;
const DETAILS_TAG = /<details\b[^>]*>|<\/details\s*>/gi;
const SUMMARY = /^\s*<summary\b[^>]*>(.*?)<\/summary>/i;
const TABLE_ROW = /^ {0,3}\|/;
const TABLE_DELIMITER = /^ {0,3}\|?(?:\s*:?-+:?\s*\|)*\s*:?-+:?\s*\|?\s*$/;

/** Text that closes what `context` holds open; `midLine` when the cut is not at a line start. */
export function closeFor(context: Context, midLine: boolean): string {
  const { fence, details } = context;
  let out = fence === null ? "" : `${fence.char.repeat(fence.length)}\n`;
  // A blank line first so the closing tag cannot be read as part of a paragraph or table row.
  if (details.length > 0) out += `\n${"</details>\n".repeat(details.length)}`;
  return midLine && out !== "" ? `\n${out}` : out;
}

/** Text that reopens what `context` holds open, continuing where the previous part stopped. */
export function reopenFor(context: Context, withTable: boolean): string {
  let out = "";
  for (const d of context.details) {
    const summary = d.summary === "" ? "(continued)" : `${d.summary} (continued)`;
    out += `${d.tag}<summary>${summary}</summary>\n\n`;
  }
  if (context.fence !== null) out += context.fence.openLine;
  else if (withTable && context.table !== null) out += context.table;
  return out;
}

/** Splits text into lines with their contexts, and rates every line start as a place to cut. */
export function scanMarkdown(text: string): { lines: Line[]; boundaries: Boundary[] } {
  const lines: Line[] = [];
  const boundaries: Boundary[] = [];
  let context = TOP;
  let pendingHeader: string | null = null;
  let awaitingSummary = false;
  let previous: { blank: boolean; leftStructure: boolean } | null = null;
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline + 1;
    const line = text.slice(start, end);
    const bare = line.replace(/\r?\n$/, "");
    const isRow = context.fence === null && TABLE_ROW.test(bare);
    if (previous !== null) {
      const top = context.fence === null && context.details.length === 0 && context.table === null;
      // Before a blank line is no block start: the blank line would only lead the next part.
      const starts = bare.trim() !== "" && (previous.blank || previous.leftStructure);
      let cut: CutKind = top && starts ? "block" : "line";
      if (pendingHeader !== null && TABLE_DELIMITER.test(bare)) cut = "none";
      if (awaitingSummary && SUMMARY.test(bare)) cut = "none";
      boundaries.push({
        offset: start,
        cut,
        close: closeFor(context, false),
        reopen: reopenFor(context, isRow),
      });
    }
    const before = context;
    [context, pendingHeader, awaitingSummary] = step(context, bare, line, pendingHeader, awaitingSummary);
    lines.push({ start, end, context: before, structural: context !== before || pendingHeader !== null });
    const wasTop = before.fence === null && before.details.length === 0;
    const isTop = context.fence === null && context.details.length === 0;
    previous = { blank: bare.trim() === "", leftStructure: !wasTop && isTop };
    start = end;
  }
  return { lines, boundaries };
}

/** The context after one line. Returns [context, pending table header, awaiting a summary line]. */
function step(
  context: Context,
  bare: string,
  line: string,
  pendingHeader: string | null,
  awaitingSummary: boolean,
): [Context, string | null, boolean] {
  const { fence } = context;
  if (fence !== null) {
    const close = FENCE_CLOSE.exec(bare);
    const closes = close?.[1] !== undefined && close[1][0] === fence.char && close[1].length >= fence.length;
    return [closes ? { ...context, fence: null } : context, null, false];
  }
  const open = FENCE_OPEN.exec(bare);
  const marker = open?.[1];
  if (marker !== undefined && !(marker[0] === "`" && (open?.[2] ?? "").includes("`"))) {
    const openLine = line.endsWith("\n") ? line : `${line}\n`;
    return [
      { ...context, table: null, fence: { char: marker[0] ?? "`", length: marker.length, openLine } },
      null,
      false,
    ];
  }
  if (awaitingSummary) {
    const summary = SUMMARY.exec(bare);
    const last = context.details[context.details.length - 1];
    if (summary !== null && last !== undefined) {
      const details = [...context.details.slice(0, -1), { ...last, summary: summary[1] ?? "" }];
      return [{ ...context, details }, null, false];
    }
  }
  if (DETAILS_LINE.test(bare)) return detailsLine(context, bare);
  if (!TABLE_ROW.test(bare))
    return [context.table === null ? context : { ...context, table: null }, null, false];
  if (context.table !== null) return [context, null, false];
  if (pendingHeader !== null && TABLE_DELIMITER.test(bare)) {
    return [{ ...context, table: `${pendingHeader}${bare}\n` }, null, false];
  }
  return [context, `${bare}\n`, false];
}

/** Applies each `<details ...>` and `</details>` on a line that starts with one, in order. */
function detailsLine(context: Context, bare: string): [Context, string | null, boolean] {
  const details = [...context.details];
  let awaiting = false;
  for (const match of bare.matchAll(DETAILS_TAG)) {
    if (match[0].startsWith("</")) {
      details.pop();
      awaiting = false;
      continue;
    }
    const summary = SUMMARY.exec(bare.slice((match.index ?? 0) + match[0].length));
    details.push({ tag: match[0], summary: summary?.[1] ?? "" });
    awaiting = summary === null;
  }
  return [{ ...context, details, table: null }, null, awaiting];
}
