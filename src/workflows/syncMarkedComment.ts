import { splitMarkdown } from "../core/markdown/splitMarkdown.js";
import type { CommentThread } from "../ports/commentThread.js";

/** The hidden first line that finds part `index` (1-based) of a marked comment. */
export function markerLine(marker: string, index: number): string {
  return index === 1 ? `<!-- ${marker} -->` : `<!-- ${marker} part ${index} -->`;
}

/**
 * Keeps one marked comment (plus continuation parts when the markdown is over the host's limit)
 * in a thread: parts found by their marker are edited only when their text changed, missing ones
 * are created, and parts a shorter version no longer needs, or duplicates left by a race between
 * two deliveries, are deleted. Only hostroot's own comments count, so a person quoting the marker
 * never gets their comment overwritten. The same on GitHub and GitLab; only the thread differs.
 */
export async function syncMarkedComment(
  thread: CommentThread,
  marker: string,
  markdown: string,
): Promise<void> {
  const reserve = `${markerLine(marker, 9999)}\n`.length;
  const parts = splitMarkdown(markdown, thread.limit - reserve).map(
    (text, i) => `${markerLine(marker, i + 1)}\n${text}`,
  );
  const pattern = new RegExp(
    `^<!-- ${marker.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?: part (\\d+))? -->\\n`,
  );
  const found = new Map<number, { id: number; body: string }>();
  const extra: number[] = [];
  for (const c of await thread.list()) {
    const match = c.mine ? pattern.exec(c.body) : null;
    if (!match) continue;
    const index = match[1] === undefined ? 1 : Number(match[1]);
    if (found.has(index) || index > parts.length) extra.push(c.id);
    else found.set(index, { id: c.id, body: c.body });
  }
  for (const [i, body] of parts.entries()) {
    const existing = found.get(i + 1);
    if (!existing) await thread.create(body);
    else if (existing.body !== body) await thread.update(existing.id, body);
  }
  for (const id of extra) await thread.remove(id);
}
