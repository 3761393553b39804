import type { PermissionLevel } from "../core/configSchema.js";

/** How a code host answers "who is this": the repository permission, and team (group) membership. */
export interface ActorLookup {
  permission(): Promise<PermissionLevel>;
  /** Of `teams`, those the actor is a member of. */
  memberOf(teams: readonly string[]): Promise<string[]>;
}
