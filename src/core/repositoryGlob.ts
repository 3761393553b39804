/**
 * Why a repository pattern of the server config is refused, or undefined. A pattern is
 * `owner/name` where either part may use `*` (any run of characters) and `?` (one character);
 * neither may match across the `/`. Only the characters GitHub allows in owner and repository
 * names are accepted, so a pattern never means more than it shows.
 */
export function repositoryGlobProblem(pattern: string): string | undefined {
  const parts = pattern.split("/");
  if (parts.length !== 2 || parts.some((p) => p === ""))
    return `'${pattern}' must be 'owner/name' (either part may use * and ?), like 'acme/web-*'`;
  if (!/^[A-Za-z0-9._*?-]+\/[A-Za-z0-9._*?-]+$/.test(pattern))
    return `'${pattern}' may hold only letters, digits, '.', '_', '-', and the wildcards * and ?`;
  return undefined;
}

/**
 * True when `fullName` (`owner/name`, as a webhook names the repository) matches `pattern` as a
 * whole, ignoring case as GitHub does. `*` and `?` never match `/`. A plain two-row dynamic
 * programme: no regular expression is built from the operator's text, and the cost is
 * pattern length times name length, whatever the pattern.
 */
export function matchRepositoryGlob(pattern: string, fullName: string): boolean {
  if (repositoryGlobProblem(pattern) !== undefined) return false;
  const p = pattern.toLowerCase();
  const s = fullName.toLowerCase();
  // prev[j]: p[0..i) matches s[0..j).
  let prev: boolean[] = Array.from({ length: s.length + 1 }, (_, j) => j === 0);
  for (let i = 1; i <= p.length; i++) {
    const c = p[i - 1];
    const next: boolean[] = new Array(s.length + 1).fill(false);
    next[0] = c === "*" && (prev[0] as boolean);
    for (let j = 1; j <= s.length; j++) {
      const ch = s[j - 1];
      if (c === "*") next[j] = (prev[j] as boolean) || (ch !== "/" && (next[j - 1] as boolean));
      else if (c === "?") next[j] = ch !== "/" && (prev[j - 1] as boolean);
      else next[j] = c === ch && (prev[j - 1] as boolean);
    }
    prev = next;
  }
  return prev[s.length] as boolean;
}
