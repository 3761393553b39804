import { PERMISSION_LEVELS, type PermissionLevel } from "../../core/configSchema.js";

/**
 * The two REST calls these lookups make, as both the App's installation Octokit (Probot) and the
 * Action's token Octokit (@octokit/rest) provide them: one implementation for both.
 */
export interface PermissionsOctokit {
  rest: {
    repos: {
      getCollaboratorPermissionLevel(params: { owner: string; repo: string; username: string }): Promise<{
        data: { permission: string; role_name?: string };
      }>;
    };
    teams: {
      getMembershipForUserInOrg(params: { org: string; team_slug: string; username: string }): Promise<{
        data: { state: string };
      }>;
    };
  };
}

/** Owner and name of a repository. */
export interface RepoRef {
  owner: string;
  repo: string;
}

const isLevel = (v: unknown): v is PermissionLevel =>
  typeof v === "string" && (PERMISSION_LEVELS as readonly string[]).includes(v);

const notFound = (error: unknown) => (error as { status?: number }).status === 404;

/**
 * A user's permission on the repository, as GitHub reports it: `role_name` (admin, maintain,
 * write, triage, read) when it is a built-in role, else `permission`, which for a custom role is
 * the base role it extends (admin, write, read, none). A user GitHub does not know is `none`.
 */
export async function repoPermission(
  octokit: PermissionsOctokit,
  repo: RepoRef,
  username: string,
): Promise<PermissionLevel> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username });
    const role = data.role_name;
    if (isLevel(role)) return role;
    return isLevel(data.permission) ? data.permission : "none";
  } catch (error) {
    if (notFound(error)) return "none";
    throw error;
  }
}

/**
 * Of `teams` (as the policy spells them: `org/team-slug`, or `team-slug` for the repository
 * owner's organisation), those `username` is an active member of. Teams are looked up one at a
 * time and the lookups stop at the first match, since one is enough. A 404 or 403 means "not a
 * member" (see below); a pending invitation does not count.
 */
export async function teamMemberships(
  octokit: PermissionsOctokit,
  repo: RepoRef,
  username: string,
  teams: readonly string[],
): Promise<string[]> {
  for (const team of teams) {
    const [org, slug] = team.includes("/") ? team.split("/", 2) : [repo.owner, team];
    if (!org || !slug) continue;
    try {
      const { data } = await octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug: slug, username });
      if (data.state === "active") return [team];
    } catch (error) {
      // 404: not a member (or no such team). 403: the token may not see the organisation's teams
      // (an Action's GITHUB_TOKEN never can; an App needs members:read): not a member either, so
      // the command is refused with a reply rather than failing silently.
      if (!notFound(error) && (error as { status?: number }).status !== 403) throw error;
    }
  }
  return [];
}
