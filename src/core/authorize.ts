import {
  type CommandName,
  type Config,
  DEFAULT_COMMAND_RULES,
  PERMISSION_LEVELS,
  type PermissionLevel,
} from "./configSchema.js";
import type { SlashCommand } from "./slashCommands.js";

/** The person behind a comment or a merge, as the forge reports them. */
export interface Actor {
  login: string;
  /** The actor's permission on the repository the comment or merge is in. */
  permission: PermissionLevel;
  /** Teams the actor belongs to, spelled as the policy spells them (e.g. `org/ops`). */
  teams: string[];
  isBot: boolean;
}

/** Whether the actor may run the command; a denial carries a sentence for the reply comment. */
export type Authorization = { kind: "allowed" } | { kind: "denied"; reason: string; needed: string };

/**
 * Decides whether `actor` may run `command` under the ops policy (read from the default branch).
 *
 * The rule is `policy.commands[name]` when it sets `permission` or `teams`, else the default from
 * {@link DEFAULT_COMMAND_RULES}. With a permission, a level at or above it (in
 * {@link PERMISSION_LEVELS} order) is enough; with teams, membership of any listed team is
 * enough; with both, either is; with teams alone, only members may. Team names compare
 * case-insensitively, as forges treat them. A deploy on merge is judged by the `deploy` rule
 * against whoever merged. Bots are always denied: a bot's comment or merge never runs a command,
 * so one automation cannot drive another into root on every host.
 */
export function authorize(
  command: SlashCommand | "deploy-on-merge",
  actor: Actor,
  policy: Pick<Config["policy"], "commands">,
): Authorization {
  const name: CommandName = command === "deploy-on-merge" ? "deploy" : command.kind;
  const what = command === "deploy-on-merge" ? "Deploying on merge" : `\`/${name}\``;
  // `[bot]` logins are checked too, in case an adapter forgets to set isBot.
  if (actor.isBot || /\[bot\]$/i.test(actor.login)) {
    return { kind: "denied", reason: `${what} is never run for bot accounts.`, needed: "a person's account" };
  }
  const override = policy.commands[name];
  const custom =
    override !== undefined && (override.permission !== undefined || override.teams !== undefined);
  const permission = custom ? override.permission : DEFAULT_COMMAND_RULES[name].permission;
  const teams = custom ? (override.teams ?? []) : [];

  if (permission !== undefined && rank(actor.permission) >= rank(permission)) return { kind: "allowed" };
  const mine = new Set(actor.teams.map((t) => t.toLowerCase()));
  if (teams.some((t) => mine.has(t.toLowerCase()))) return { kind: "allowed" };

  if (permission === undefined && teams.length === 0) {
    return { kind: "denied", reason: `${what} is turned off by this repository's policy.`, needed: "nobody" };
  }
  const teamList = teams.map((t) => `\`${t.replaceAll("`", "")}\``).join(", ");
  const needed = [
    ...(permission === undefined ? [] : [permission]),
    ...(teams.length === 0 ? [] : [`team ${teams.join(" or ")}`]),
  ].join(" or ");
  const options = [
    ...(permission === undefined ? [] : [`${permission} permission (or higher) on this repository`]),
    ...(teams.length === 0
      ? []
      : [`membership in ${teams.length === 1 ? "the team" : "one of the teams"} ${teamList}`]),
  ];
  const has = ` You have ${actor.permission} permission${teams.length === 0 ? "" : " and none of those teams"}.`;
  return {
    kind: "denied",
    reason: `${what} needs ${options.join(" or ")}.${has}`,
    needed,
  };
}

function rank(level: PermissionLevel): number {
  // An unexpected value from an adapter ranks below "none" rather than above anything.
  return PERMISSION_LEVELS.indexOf(level);
}
