import type { Context } from "probot";
import type { Config } from "../../core/configSchema.js";
import { code } from "../../core/markdown/escapeMarkdown.js";
import { authorizeActor } from "../../workflows/authorizeActor.js";
import type { AuditEntry } from "../../workflows/commandAudit.js";
import { repoPermission, teamMemberships } from "../shared/githubPermissions.js";
import { auditLog } from "./auditLog.js";
import type { CommandAppOptions } from "./commandOptions.js";
import { deployMerge, mergedPullRequest } from "./deployMerge.js";
import { readConfigAt } from "./githubConfig.js";
import { githubVcsClient } from "./githubVcsClient.js";

const NO_COMMIT = /^0+$/;

/**
 * Deploy on merge: a push to the default branch deploys its new head. Pushes to other branches,
 * tags and branch deletions are ignored without an API call. Whoever pushed (merged) is
 * authorized with the `deploy` rule of the policy as it was BEFORE the push, so a merge cannot
 * loosen the rule that lets it deploy; the pool and definitions come from the pushed commit.
 * The deploy itself runs in the background (see deployMerge).
 */
export async function onPush(context: Context<"push">, options: CommandAppOptions): Promise<void> {
  const { ref, after, before, deleted, repository, sender, pusher } = context.payload;
  const branch = repository.default_branch;
  if (ref !== `refs/heads/${branch}` || deleted || NO_COMMIT.test(after)) return;
  // The sender is who pushed (merged); GitHub always sends it, `pusher` is the fallback.
  const login = sender?.login ?? pusher.name;
  const repo = context.repo();
  const vcs = githubVcsClient(context.octokit, repo);
  const now = options.now ?? (() => new Date());
  const at = now().toISOString();
  const write = auditLog(context.log);
  const audit = (entry: Pick<AuditEntry, "outcome"> & Partial<AuditEntry>) =>
    write({
      trigger: "deploy-on-merge",
      actor: login,
      command: "deploy-on-merge",
      repo: repository.full_name,
      url: `${repository.html_url}/commit/${after}`,
      commit: after,
      at,
      finishedAt: now().toISOString(),
      ...entry,
    });

  const current = await readConfigAt(vcs, after, branch);
  if (current.kind === "missing") return;
  const previous = NO_COMMIT.test(before) ? current : await readConfigAt(vcs, before, branch);
  // A push that adds the first config (or fixes a broken one) is judged by the config it brings.
  const policy: Config | undefined =
    previous.kind === "ok" ? previous.config : current.kind === "ok" ? current.config : undefined;

  const isBot = sender?.type === "Bot" || /\[bot\]$/i.test(login);
  const invalid = { kind: "denied" as const, reason: "the config is invalid", needed: "a valid config" };
  const { actor, auth } = policy
    ? await authorizeActor("deploy-on-merge", { login, isBot }, policy.policy, {
        permission: () => repoPermission(context.octokit, repo, login),
        memberOf: (teams) => teamMemberships(context.octokit, repo, login, teams),
      })
    : { actor: { permission: "none" as const }, auth: invalid };
  const { permission } = actor;
  const reason =
    current.kind === "invalid" ? current.message : auth.kind === "denied" ? auth.reason : undefined;
  if (reason !== undefined) {
    const pr = await mergedPullRequest(context.octokit, repo, after);
    if (pr)
      await context.octokit.rest.issues.createComment({
        ...repo,
        issue_number: pr,
        body: `**hostroot** did not deploy ${code(after.slice(0, 7))} (pushed by @${login}): ${reason}`,
      });
    audit({
      permission,
      outcome: auth.kind === "denied" ? "denied" : "refused",
      reason,
      ...(pr ? { issue: pr } : {}),
    });
    return;
  }
  const config = (current as { config: Config }).config;
  const work = deployMerge({
    context,
    vcs,
    options,
    config,
    sha: after,
    actor: login,
    audit: (e) => audit({ permission, ...e }),
  });
  options.operations.track(work);
}
