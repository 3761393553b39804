import { type Actor, type Authorization, authorize } from "../core/authorize.js";
import type { Config } from "../core/configSchema.js";
import type { SlashCommand } from "../core/slashCommands.js";
import type { ActorLookup } from "../ports/actorLookup.js";

/**
 * Authorizes a person for a command the way every entry point must: the repository permission
 * first, and team membership only when the permission alone is not enough and the command's rule
 * names teams (each team is an API call). Bots are denied without any lookup. The App's comments
 * and merges and the Action's comments and pushes all go through here.
 */
export async function authorizeActor(
  command: SlashCommand | "deploy-on-merge",
  who: { login: string; isBot: boolean },
  policy: Config["policy"],
  lookup: ActorLookup,
): Promise<{ actor: Actor; auth: Authorization }> {
  let actor: Actor = { ...who, permission: "none", teams: [] };
  if (who.isBot) return { actor, auth: authorize(command, actor, policy) };
  actor = { ...actor, permission: await lookup.permission() };
  let auth = authorize(command, actor, policy);
  const name = command === "deploy-on-merge" ? "deploy" : command.kind;
  const teams = policy.commands[name]?.teams ?? [];
  if (auth.kind === "denied" && teams.length > 0) {
    actor = { ...actor, teams: await lookup.memberOf(teams) };
    auth = authorize(command, actor, policy);
  }
  return { actor, auth };
}
