/** A line of a comment that starts with a slash and that a reader sees as the author's own text. */
export interface SlashLine {
  /** 1-based line number in the comment body. */
  line: number;
  /** The line, HTML comments removed, Unicode spaces turned into ASCII spaces, trimmed. */
  text: string;
  /** `text` with zero-width characters removed and look-alike slashes made ASCII. */
  probe: string;
}

// NBSP and friends are typed by phones and editors; treating them as spaces is harmless.
const UNICODE_SPACES = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;
// Invisible characters and look-alike slashes are NOT accepted in a command (see parseSlashCommand),
// but they are normalised here so such a line can be answered instead of silently ignored.
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;
const LOOKALIKE_SLASHES = /[\u2044\u2215\u2571\u29f8\uff0f]/g;
// Opening fence, also after list markers (`- ```` opens a code block inside the list item).
const FENCE_OPEN = /^( {0,3}(?:(?:[-+*]|[0-9]{1,9}[.)]) {1,4})*)(`{3,}|~{3,})(.*)$/;
// Raw HTML blocks a reader sees as quoted, preformatted or collapsed, tracked by nesting depth.
const CONTAINER_TAG = /<(\/?)(blockquote|details|pre|code)(?=[\s>/]|$)/gi;

/**
 * The lines of a markdown comment that start (after at most 3 spaces) with a slash, skipping what a
 * reader does not see as the author's own line: fenced code (``` and ~~~, longer fences nest, an
 * unclosed fence runs to the end), indented code (4+ spaces or a tab), block quotes (`>`), HTML
 * comments, and raw `<blockquote>`, `<pre>`, `<code>` and `<details>` blocks (collapsed content is
 * mostly pasted logs, and a command should be visible to everyone reading the thread).
 * Linear in the body's length.
 */
export function slashLines(body: string): SlashLine[] {
  const found: SlashLine[] = [];
  let fence: { char: string; length: number; indent: number } | undefined;
  let inComment = false;
  let depth = 0;
  const lines = body.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    if (fence !== undefined) {
      if (closesFence(raw, fence)) fence = undefined;
      continue;
    }
    if (!inComment) {
      const open = FENCE_OPEN.exec(raw);
      // A backtick fence's info string cannot hold a backtick (that would be inline code).
      if (open !== null && !(open[2]?.startsWith("`") && open[3]?.includes("`"))) {
        fence = { char: open[2]?.[0] as string, length: open[2]?.length ?? 3, indent: open[1]?.length ?? 0 };
        continue;
      }
    }
    const stripped = stripComments(raw, inComment);
    inComment = stripped.inComment;
    const depthBefore = depth;
    for (const tag of blankCodeSpans(stripped.visible).matchAll(CONTAINER_TAG)) {
      depth = tag[1] === "/" ? Math.max(0, depth - 1) : depth + 1;
    }
    if (depthBefore > 0) continue;
    const text = stripped.visible.replace(UNICODE_SPACES, " ");
    const probe = text.replace(INVISIBLE, "").replace(LOOKALIKE_SLASHES, "/");
    if (/^ {0,3}\//.test(probe))
      found.push({ line: i + 1, text: trimBlanks(text), probe: trimBlanks(probe) });
  }
  return found;
}

/** Trims spaces and tabs only: String.trim() would also drop a BOM, hiding it from the probe check. */
function trimBlanks(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && (s[start] === " " || s[start] === "\t")) start++;
  while (end > start && (s[end - 1] === " " || s[end - 1] === "\t")) end--;
  return s.slice(start, end);
}

function closesFence(raw: string, fence: { char: string; length: number; indent: number }): boolean {
  const trimmed = raw.trimStart();
  if (raw.length - trimmed.length > fence.indent + 3) return false;
  let n = 0;
  while (trimmed[n] === fence.char) n++;
  return n >= fence.length && trimmed.slice(n).trim() === "";
}

/** Removes `<!-- ... -->` (which may span lines) from one line, outside inline code spans. */
function stripComments(raw: string, inComment: boolean): { visible: string; inComment: boolean } {
  let rest = raw;
  if (inComment) {
    const end = raw.indexOf("-->");
    if (end < 0) return { visible: "", inComment: true };
    rest = raw.slice(end + 3);
  }
  const masked = blankCodeSpans(rest);
  let visible = "";
  let from = 0;
  for (;;) {
    const start = masked.indexOf("<!--", from);
    if (start < 0) return { visible: visible + rest.slice(from), inComment: false };
    visible += rest.slice(from, start);
    // `<!-->` and `<!--->` are complete (empty) comments in CommonMark.
    const end = rest.indexOf("-->", start + 2);
    if (end < 0) return { visible, inComment: true };
    from = end + 3;
  }
}

/**
 * Replaces inline code spans (a backtick run up to the next run of the same length) with spaces,
 * so `<!--` or `<details>` written inside backticks is not taken as HTML. Linear: each run length
 * keeps a cursor into the positions of runs of that length.
 */
function blankCodeSpans(line: string): string {
  if (!line.includes("`")) return line;
  const runs: Array<{ at: number; length: number }> = [];
  for (const m of line.matchAll(/`+/g)) runs.push({ at: m.index, length: m[0].length });
  const byLength = new Map<number, number[]>();
  runs.forEach((run, k) => {
    const list = byLength.get(run.length) ?? [];
    list.push(k);
    byLength.set(run.length, list);
  });
  const cursor = new Map<number, number>();
  let out = "";
  let copied = 0;
  for (let k = 0; k < runs.length; k++) {
    const run = runs[k] as { at: number; length: number };
    if (run.at < copied) continue;
    const list = byLength.get(run.length) as number[];
    let c = cursor.get(run.length) ?? 0;
    while (c < list.length && (list[c] as number) <= k) c++;
    cursor.set(run.length, c);
    const close = list[c];
    if (close === undefined) continue;
    const end = (runs[close] as { at: number; length: number }).at + run.length;
    out += line.slice(copied, run.at) + " ".repeat(end - run.at);
    copied = end;
    k = close;
  }
  return out + line.slice(copied);
}
