/**
 * The prefix of a GitLab project in the server config and in what the GitLab webhook matches
 * (`gitlab:group/sub/project`). GitHub names cannot hold `:`, so a GitHub pattern never matches a
 * GitLab project of the same path, nor the other way round: whoever owns `acme` on the GitLab
 * instance does not get the pool bound to GitHub's `acme/containers`.
 */
export const GITLAB_PREFIX = "gitlab:";

/**
 * Why a repository pattern of the server config is refused, or undefined. A GitHub pattern is
 * `owner/name`; a GitLab one is `gitlab:` and the project's full path (`gitlab:group/sub/project`,
 * at most 20 groups deep). Each part may use `*` (any run of characters) and `?` (one character);
 * none may match across a `/`. Only the characters the forges allow in names are accepted, so a
 * pattern never means more than it shows.
 */
export function repositoryGlobProblem(pattern: string): string | undefined {
  const gitlab = pattern.startsWith(GITLAB_PREFIX);
  const parts = (gitlab ? pattern.slice(GITLAB_PREFIX.length) : pattern).split("/");
  const shape = gitlab ? parts.length >= 2 && parts.length <= 21 : parts.length === 2;
  if (!shape || parts.some((p) => p === ""))
    return gitlab
      ? `'${pattern}' must be 'gitlab:' and a project's full path (each part may use * and ?), like 'gitlab:acme/ops/web-*'`
      : `'${pattern}' must be 'owner/name' (either part may use * and ?), like 'acme/web-*'`;
  if (!parts.every((p) => /^[A-Za-z0-9._*?-]+$/.test(p)))
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
  // A GitHub pattern (even `*/*`) never matches a GitLab project, nor a GitLab one a repository.
  const gitlab = (text: string) => text.toLowerCase().startsWith(GITLAB_PREFIX);
  if (gitlab(pattern) !== gitlab(fullName)) return false;
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
