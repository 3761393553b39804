import type { Context } from "probot";
import { githubOwner } from "../../core/owner.js";
import { type CommandOutcome, runCommand } from "../../workflows/runCommand.js";
import type { CommandAppOptions } from "./commandOptions.js";
import { githubCommandPorts } from "./githubCommandPorts.js";
import { githubVcsClient } from "./githubVcsClient.js";

/**
 * Slash commands in issue and pull request comments (a PR's conversation is an issue's). Only
 * `issue_comment.created` is registered: an edited comment never runs anything, so nobody can
 * change what an approved-looking comment says after the fact. Comments by bots (hostroot's own
 * replies included) are dropped before any API call. The operation runs in the background; its
 * promise is in `options.operations` (and in the returned outcome).
 */
export async function onIssueComment(
  context: Context<"issue_comment.created">,
  options: CommandAppOptions,
): Promise<CommandOutcome> {
  const { comment, issue, repository, sender } = context.payload;
  const user = comment.user;
  // A comment without an author (a deleted account) is nobody's command.
  if (!user) return { kind: "ignored" };
  const isBot =
    sender.type === "Bot" ||
    user.type === "Bot" ||
    /\[bot\]$/i.test(sender.login) ||
    /\[bot\]$/i.test(user.login);
  if (isBot) return { kind: "ignored" };
  const vcs = githubVcsClient(context.octokit, context.repo());
  const app = comment.performed_via_github_app;
  return runCommand(
    {
      body: comment.body,
      actor: { login: user.login, isBot },
      repo: repository.full_name,
      owner: githubOwner(repository),
      issue: issue.number,
      url: comment.html_url,
      botName: options.botName,
      ...(app ? { viaApp: app.slug ?? app.name ?? String(app.id) } : {}),
    },
    githubCommandPorts(context, vcs, options),
  );
}
