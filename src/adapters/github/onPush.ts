import type { Context } from "probot";
import type { Config, PermissionLevel } from "../../core/configSchema.js";
import { poolNameOf } from "../../core/effectiveConfig.js";
import { code } from "../../core/markdown/escapeMarkdown.js";
import { pushPolicy } from "../../core/stricterPolicy.js";
import { authorizeActor } from "../../workflows/authorizeActor.js";
import type { AuditEntry } from "../../workflows/commandAudit.js";
import { repoPermission, teamMemberships } from "../shared/githubPermissions.js";
import { appAccess } from "./appAccess.js";
import { auditLog } from "./auditLog.js";
import type { CommandAppOptions } from "./commandOptions.js";
import { deployMerge, mergedPullRequest } from "./deployMerge.js";
import { readConfigAt } from "./githubConfig.js";
import { githubVcsClient } from "./githubVcsClient.js";

const NO_COMMIT = /^0+$/;

/**
 * Deploy on merge: a push to the default branch deploys its new head. Pushes to other branches,
 * tags and branch deletions are ignored without an API call. Whoever pushed (merged) must pass
 * the `deploy` rule of the policy before the push AND of the policy it brings (see pushPolicy),
 * so a merge cannot loosen the rule that lets it through. A missing or invalid policy before the
 * push counts as the built-in defaults, never as "anything goes". The pool and
 * definitions come from the pushed commit. A repository the server config binds no pool to is
 * told why nothing deployed. The deploy itself runs in the background (see deployMerge).
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

  const { access, parseConfig, maxFiles } = appAccess(options.server, repository.full_name);
  const current = await readConfigAt(vcs, after, branch, parseConfig);
  if (current.kind === "missing") return;
  const refuse = async (
    reason: string,
    outcome: "denied" | "refused",
    permission: PermissionLevel = "none",
  ) => {
    const pr = await mergedPullRequest(context.octokit, repo, after);
    if (pr)
      await context.octokit.rest.issues.createComment({
        ...repo,
        issue_number: pr,
        body: `**hostroot** did not deploy ${code(after.slice(0, 7))} (pushed by @${login}): ${reason}`,
      });
    audit({ permission, outcome, reason, ...(pr ? { issue: pr } : {}) });
  };
  if (access.kind === "plan-only") return refuse(`${access.reason}.`, "refused");
  // A branch's first commit has no "before": the baseline stands in for it, as for a broken one.
  const previous = NO_COMMIT.test(before)
    ? ({ kind: "missing" } as const)
    : await readConfigAt(vcs, before, branch, parseConfig);

  const isBot = sender?.type === "Bot" || /\[bot\]$/i.test(login);
  const invalid = { kind: "denied" as const, reason: "the config is invalid", needed: "a valid config" };
  const name = current.kind === "ok" ? poolNameOf(current.config) : undefined;
  const pool = name === undefined ? undefined : options.server?.pools[name]?.policy;
  const policy =
    current.kind === "ok"
      ? pushPolicy(previous.kind === "ok" ? previous.config.policy : undefined, current.config.policy, pool)
      : undefined;
  const { actor, auth } =
    policy !== undefined
      ? await authorizeActor("deploy-on-merge", { login, isBot }, policy, {
          permission: () => repoPermission(context.octokit, repo, login),
          memberOf: (teams) => teamMemberships(context.octokit, repo, login, teams),
        })
      : { actor: { permission: "none" as const }, auth: invalid };
  const { permission } = actor;
  const reason =
    current.kind === "invalid" ? current.message : auth.kind === "denied" ? auth.reason : undefined;
  if (reason !== undefined)
    return refuse(reason, current.kind === "invalid" ? "refused" : "denied", permission);
  const config: Config = { ...(current as { config: Config }).config, policy: policy as Config["policy"] };
  const work = deployMerge({
    context,
    vcs,
    options,
    config,
    parseConfig,
    maxFiles,
    sha: after,
    actor: login,
    audit: (e) => audit({ permission, ...e }),
  });
  options.operations.track(work);
}
