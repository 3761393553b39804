import type { Context } from "probot";
import { poolNameOf } from "../../core/effectiveConfig.js";
import { githubOwner } from "../../core/owner.js";
import type { VcsClient } from "../../ports/vcsClient.js";
import { type DeployOnMergeOutcome, deployOnMerge } from "../../workflows/deployOnMerge.js";
import { validateSources } from "../../workflows/validateSources.js";
import { auditLog } from "../shared/auditLog.js";
import { appAccess } from "./appAccess.js";
import type { CommandAppOptions } from "./commandOptions.js";
import { githubCodeHost } from "./githubCodeHost.js";
import { readConfigAt } from "./githubConfig.js";
import { CONFIG_PATH } from "./onPullRequest.js";

/**
 * Deploy on merge in the App: the push webhook, through the one deploy-on-merge workflow (see
 * deployOnMerge), with the repository read through the installation's API at the pushed commit,
 * the pusher's permission from GitHub, the pool and its policy from the operator's server
 * config, a GitHub Deployment per deploy, and the result on the merged pull request. Pushes to
 * other branches, tags and branch deletions are ignored without an API call. A repository the
 * server config binds no pool to is told why nothing deployed.
 */
export async function onPush(
  context: Context<"push">,
  options: CommandAppOptions,
): Promise<DeployOnMergeOutcome> {
  const { ref, after, before, deleted, repository, sender, pusher } = context.payload;
  const host = githubCodeHost(context.octokit, context.repo());
  const vcs: Pick<VcsClient, "sourceAt"> = host;
  const { access, parseConfig, maxFiles } = appAccess(options.server, repository.full_name);
  const branch = repository.default_branch;
  const report = async (markdown: string) => {
    const issue = await host.mergedPullRequest(after);
    if (issue === undefined) return {};
    const url = await host.comment(issue, markdown);
    return { issue, ...(url ? { url } : {}) };
  };
  // The sender is who pushed (merged); GitHub always sends it, `pusher` is the fallback.
  const login = sender?.login ?? pusher.name;
  const out = await deployOnMerge(
    {
      ref,
      defaultBranch: branch,
      deleted,
      after,
      before,
      pusher: { login, isBot: sender?.type === "Bot" },
      repo: repository.full_name,
      owner: githubOwner(repository),
      url: `${repository.html_url}/commit/${after}`,
    },
    {
      configAt: (commit) => readConfigAt(vcs, commit, branch, parseConfig),
      async policyAt(commit) {
        const previous = await readConfigAt(vcs, commit, branch, parseConfig);
        return previous.kind === "ok" ? previous.config.policy : undefined;
      },
      poolPolicy(config) {
        const name = poolNameOf(config);
        return name === undefined ? undefined : options.server?.pools[name]?.policy;
      },
      ...(access.kind === "plan-only" ? { refusal: access.reason } : {}),
      access: host,
      async loadSources(commit) {
        const sources = await validateSources(vcs.sourceAt(commit), {
          configPath: CONFIG_PATH,
          parseConfig,
          maxFiles,
        });
        return {
          commit,
          definitions: sources.definitions.map((d) => ({ file: d.file, definition: d.value })),
          errors: sources.diagnostics.filter((d) => d.severity === "error").length,
        };
      },
      executor: options.executor,
      report,
      ...(host.deployments ? { deployments: host.deployments } : {}),
      audit: auditLog(context.log),
      operations: options.operations,
      ...(options.now ? { now: options.now } : {}),
    },
  );
  if (out.kind === "started")
    void out.done.then((result) => {
      if (result.kind === "error")
        context.log.error(`hostroot: deploy of ${after.slice(0, 7)} failed: ${result.message}`);
    });
  return out;
}
