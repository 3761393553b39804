/** One fenced ```yaml block of the docs, with the file it stands for (named on its first line). */
export interface DocBlock {
  file: string;
  text: string;
  /** 1-based line of the opening fence, for failure messages. */
  line: number;
}

/** A `### rule/id` section of docs/definitions.md and the examples under its markers. */
export interface RuleSection {
  id: string;
  line: number;
  bad: DocBlock[];
  good: DocBlock[];
  /** The section says it cannot be shown as a literal block. */
  describedOnly: boolean;
}

/** The marker a section uses instead of examples when its input cannot be written in a YAML block. */
export const DESCRIBED_ONLY = "**Described only.**";

const FILE_LINE = /^# (\S+\.ya?ml)$/;

/**
 * Every fenced ```yaml block of `markdown`, with the heading it sits under and the nearest
 * `**Bad:**` / `**Good:**` marker before it in that section. A block must name its file on its
 * first line (`# containers/billing-api.yml`), as the docs show to readers too.
 */
export function docBlocks(
  markdown: string,
): Array<DocBlock & { heading: string; headingLine: number; marker?: "bad" | "good" }> {
  const out: Array<DocBlock & { heading: string; headingLine: number; marker?: "bad" | "good" }> = [];
  const lines = markdown.split("\n");
  let heading = "";
  let headingLine = 0;
  let marker: "bad" | "good" | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^#{1,6} /.test(line)) {
      heading = line.replace(/^#+ /, "").replaceAll("`", "").trim();
      headingLine = i + 1;
      marker = undefined;
    } else if (line.startsWith("**Bad:**")) marker = "bad";
    else if (line.startsWith("**Good:**")) marker = "good";
    else if (line.startsWith("```")) {
      const fence = i + 1;
      const body: string[] = [];
      for (i++; i < lines.length && !(lines[i] as string).startsWith("```"); i++)
        body.push(lines[i] as string);
      if (line.trim() !== "```yaml") continue;
      const file = FILE_LINE.exec(body[0] ?? "")?.[1];
      if (file === undefined)
        throw new Error(`yaml block at line ${fence} does not start with '# <file>.yml'`);
      out.push({ file, text: `${body.join("\n")}\n`, line: fence, heading, headingLine, marker });
    }
  }
  return out;
}

/** The rule sections: `### id` headings whose id looks like `area/name`, with their examples. */
export function ruleSections(markdown: string): RuleSection[] {
  const sections = new Map<string, RuleSection>();
  const lines = markdown.split("\n");
  let current: RuleSection | undefined;
  lines.forEach((line, i) => {
    const m = /^### `?([a-z]+\/[a-z-]+)`?\s*$/.exec(line);
    if (m) {
      current = { id: m[1] as string, line: i + 1, bad: [], good: [], describedOnly: false };
      sections.set(current.id, current);
    } else if (/^#{1,3} /.test(line)) current = undefined;
    else if (current && line.startsWith(DESCRIBED_ONLY)) current.describedOnly = true;
  });
  for (const block of docBlocks(markdown)) {
    const section = sections.get(block.heading);
    if (section && block.marker) section[block.marker].push(block);
  }
  return [...sections.values()];
}
