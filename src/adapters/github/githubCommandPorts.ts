import type { Context } from "probot";
import { reachesHosts } from "../../core/slashCommands.js";
import type { CommandPorts } from "../../ports/commandPorts.js";
import type { VcsClient } from "../../ports/vcsClient.js";
import { defaultBranchSources } from "../../workflows/defaultBranchSources.js";
import { validatePullRequest } from "../../workflows/validatePullRequest.js";
import { validateSources } from "../../workflows/validateSources.js";
import { auditLog } from "../shared/auditLog.js";
import { appAccess } from "./appAccess.js";
import type { CommandAppOptions } from "./commandOptions.js";
import { githubCodeHost } from "./githubCodeHost.js";
import { readConfigAt } from "./githubConfig.js";
import { CONFIG_PATH } from "./onPullRequest.js";

const FORK_DEPLOY =
  "this pull request comes from a fork, and hostroot never deploys from a fork's pull request. " +
  "`/deploy` deploys the default branch; run it in an issue or in a pull request of this repository.";

/**
 * The ports of the command flow for one `issue_comment` delivery, over GitHub's REST API. A
 * repository the server config binds no pool to gets every command that would reach a host
 * refused with the reason, and no executor is ever made for it.
 */
export function githubCommandPorts(
  context: Context<"issue_comment.created">,
  vcs: VcsClient,
  options: CommandAppOptions,
): CommandPorts {
  const { comment, issue, repository } = context.payload;
  const repo = context.repo();
  const octokit = context.octokit;
  const branch = repository.default_branch;
  const login = comment.user?.login ?? "";
  const { access, parseConfig, maxFiles } = appAccess(options.server, repository.full_name);
  let pull: Promise<{ headSha: string; fromFork: boolean }> | undefined;
  // The comment payload says only *that* the issue is a PR; head and fork come from the PR itself.
  const pullRequest = () => {
    pull ??= octokit.rest.pulls.get({ ...repo, pull_number: issue.number }).then(({ data }) => ({
      headSha: data.head.sha,
      fromFork: data.head.repo?.id !== data.base.repo.id,
    }));
    return pull;
  };
  const host = githubCodeHost(octokit, repo, {
    ...options.throttle,
    onError: (error) => context.log.warn({ err: error }, "hostroot: a progress edit failed"),
  });
  return {
    loadConfig: () => readConfigAt(vcs, branch, branch, parseConfig),
    permission: () => host.permission(login),
    memberOf: (teams) => host.memberOf(login, teams),
    async refusal(command) {
      if (access.kind === "plan-only" && reachesHosts(command, { plansPullRequest: !!issue.pull_request }))
        return `${access.reason}. \`/plan\` in a pull request still shows what merging it would change.`;
      if (command.kind !== "deploy" || !issue.pull_request) return undefined;
      return (await pullRequest()).fromFork ? FORK_DEPLOY : undefined;
    },
    async reply(markdown) {
      await host.comment(issue.number, markdown);
    },
    commentLimit: host.commentLimit,
    react: (content) => host.react(comment.id, content),
    openStatus: (markdown) => host.progressComment(issue.number, markdown),
    async loadSources({ atCommit }) {
      // Deploys and plans are pinned to one commit, recorded on the hosts; other commands only
      // need services and health checks, read at the branch (its tree is already listed).
      const commit = atCommit ? await host.resolveBranch(branch) : "";
      const outcome = await validateSources(vcs.sourceAt(commit || branch), {
        configPath: CONFIG_PATH,
        parseConfig,
        maxFiles,
      });
      return defaultBranchSources(commit, outcome);
    },
    ...(issue.pull_request
      ? {
          planPullRequest: async () => {
            const pr = await pullRequest();
            await validatePullRequest(
              vcs,
              { number: issue.number, defaultBranch: branch, repoUrl: repository.html_url, ...pr },
              {
                configPath: CONFIG_PATH,
                parseConfig,
                maxFiles,
                ...(access.kind === "plan-only" ? { planOnly: access.reason } : {}),
              },
            );
          },
        }
      : {}),
    executor(config) {
      if (access.kind === "plan-only") throw new Error(access.reason);
      return options.executor(config);
    },
    audit: auditLog(context.log),
    operations: options.operations,
    limits: options.limits,
    ...(options.now ? { now: options.now } : {}),
  };
}
