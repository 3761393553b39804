// Everything hostroot renders as markdown may carry text it did not write: diagnostic messages
// quoting a YAML value, host errors, command output. These helpers make such text render as the
// literal characters it holds, inside GitHub-flavoured tables, headings, lists and HTML blocks.

/** `@` followed by a zero-width space (U+200B): shown as `@`, never read as a mention. */
const NO_MENTION = "@&#8203;";

const MARKDOWN_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "`": "\\`",
  "*": "\\*",
  _: "\\_",
  "[": "\\[",
  "]": "\\]",
  // A pipe ends a table cell even inside a code span; `\|` is GFM's way to keep it.
  "|": "\\|",
  // A trailing `#` run is dropped from ATX headings; `~` makes strikethrough.
  "#": "\\#",
  "~": "\\~",
  // Entities rather than backslashes: they also hold inside inline HTML such as <code>.
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  // `@name` and `@org/team` notify that person or team: text from a host or a definition must not
  // page anyone. A zero-width space after the `@` keeps the text as it reads and is no mention
  // (the mention pattern wants a name right after the `@`); as an entity it also holds in HTML.
  "@": NO_MENTION,
};

const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * Escapes text for inline markdown: a table cell, a heading, a list item, a paragraph. Line breaks
 * become `<br>` because a raw newline would end a table row or a heading; `@` mentions are
 * neutralised so that no text hostroot did not write notifies anyone.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]|#~&<>@]/g, (c) => MARKDOWN_ESCAPES[c] ?? c).replace(LINE_BREAK, "<br>");
}

/**
 * Escapes text for a raw HTML context such as `<summary>`, where markdown escapes are not read;
 * `@` mentions are neutralised as in {@link escapeMarkdown}.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/@/g, NO_MENTION)
    .replace(LINE_BREAK, " ");
}

// Inside a code span everything is literal except what ends the span (a backtick), the row (a
// line break) or the cell (a pipe, which a preceding backslash cannot protect there). Edge spaces
// are trimmed by CommonMark, so such text goes the `<code>` way too.
const PLAIN_CODE = /^(?! )[^`|\\\r\n]*[^`|\\\r\n ]$/;

/**
 * Renders text as inline code that is safe in a table cell. Plain identifiers use a backtick span;
 * anything else uses `<code>` with escaped content, because a code span cannot escape a backslash
 * before a pipe, which GFM tables would then read as a cell boundary.
 */
export function code(text: string): string {
  return PLAIN_CODE.test(text) ? `\`${text}\`` : `<code>${escapeMarkdown(text)}</code>`;
}

/** Inline code for raw HTML contexts (`<summary>`), where backtick spans are not rendered. */
export function htmlCode(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

/**
 * A fenced code block holding `text` verbatim. The fence is one backtick longer than the longest
 * backtick run inside, so no line of the text can close it early (CommonMark closes a fence only
 * with a run at least as long as the opener).
 */
export function codeFence(text: string, info = ""): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = "`".repeat(Math.max(3, longest + 1));
  const body = text === "" || text.endsWith("\n") ? text : `${text}\n`;
  // An info string may not contain backticks; it is ours (e.g. "text"), but keep it safe anyway.
  return `${fence}${info.replace(/[`\r\n]/g, "")}\n${body}${fence}\n`;
}
