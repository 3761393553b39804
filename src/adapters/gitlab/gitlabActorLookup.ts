import type { PermissionLevel } from "../../core/configSchema.js";
import { permissionFromAccessLevel } from "../../core/gitlabAccessLevel.js";
import type { ActorLookup } from "../../ports/actorLookup.js";
import { type GitlabApi, httpStatus } from "./gitlabApi.js";

/** Membership that counts: active (not awaiting an invitation's acceptance, not blocked). */
function active(member: { state?: unknown }): boolean {
  return member.state === undefined || member.state === "active";
}

/**
 * Who a GitLab user is for a project's policy: the access level of their membership, inherited
 * from groups included (`GET /projects/:id/members/all/:user_id`), mapped onto the policy's levels
 * (see {@link permissionFromAccessLevel}); and, for `teams`, membership of each named group (its
 * full path, `GET /groups/:id/members/all/:user_id`, inherited from parent groups included). Not a
 * member (404), or a pending or blocked membership, is `none` or not a member.
 */
export function gitlabActorLookup(api: GitlabApi, projectId: number, userId: number): ActorLookup {
  return {
    async permission(): Promise<PermissionLevel> {
      try {
        const member = await api.ProjectMembers.show(projectId, userId, { includeInherited: true });
        return active(member) ? permissionFromAccessLevel(Number(member.access_level)) : "none";
      } catch (error) {
        if (httpStatus(error) === 404) return "none";
        throw error;
      }
    },
    async memberOf(teams) {
      const found: string[] = [];
      for (const team of teams) {
        try {
          const member = await api.GroupMembers.show(team, userId, { includeInherited: true });
          if (active(member) && Number(member.access_level) >= 10) found.push(team);
        } catch (error) {
          // Not a member, or a group this token cannot see: not a member either way.
          const status = httpStatus(error);
          if (status !== 404 && status !== 403) throw error;
        }
      }
      return found;
    },
  };
}
