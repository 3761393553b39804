import type { PermissionLevel } from "./configSchema.js";

/**
 * GitLab's member roles by access level (REST API `access_level`), and the policy level each
 * counts as. The policy speaks GitHub's levels (read, triage, write, maintain, admin); the
 * mapping follows what each GitLab role may do in a project:
 *
 * | GitLab role | access_level | policy level |
 * |---|---|---|
 * | no membership, Minimal Access | —, 5 | none |
 * | Guest | 10 | read |
 * | Planner | 15 | read |
 * | Reporter | 20 | triage |
 * | Developer | 30 | write |
 * | Maintainer | 40 | maintain |
 * | Owner | 50 | admin |
 *
 * Planner plans work (issues, epics) without reading code; it gets `read`, not `triage`, because
 * the commands `triage` unlocks read the hosts (`/status`, `/affected`).
 */
export const GITLAB_ACCESS_LEVELS: ReadonlyArray<{
  role: string;
  level: number;
  permission: PermissionLevel;
}> = [
  { role: "Minimal Access", level: 5, permission: "none" },
  { role: "Guest", level: 10, permission: "read" },
  { role: "Planner", level: 15, permission: "read" },
  { role: "Reporter", level: 20, permission: "triage" },
  { role: "Developer", level: 30, permission: "write" },
  { role: "Maintainer", level: 40, permission: "maintain" },
  { role: "Owner", level: 50, permission: "admin" },
];

/**
 * The policy level of a GitLab access level: the highest role at or below it, so a level GitLab
 * adds between two roles never counts for more than the role under it; below Guest is `none`.
 */
export function permissionFromAccessLevel(level: number): PermissionLevel {
  let permission: PermissionLevel = "none";
  for (const role of GITLAB_ACCESS_LEVELS)
    if (Number.isFinite(level) && level >= role.level) permission = role.permission;
  return permission;
}
