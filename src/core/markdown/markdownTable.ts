/**
 * A GitHub-flavoured table from cells that are already markdown (escaped by the caller). Ends with
 * a newline; callers separate blocks with a blank line so each table stays its own block.
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |\n`;
  return line(header) + line(header.map(() => "---")) + rows.map(line).join("");
}
