import type { Context } from "probot";
import type { Config } from "../../core/configSchema.js";
import { code } from "../../core/markdown/escapeMarkdown.js";
import { plural } from "../../core/markdown/plural.js";
import { renderOperationResult } from "../../core/markdown/renderOperationResult.js";
import { splitMarkdown } from "../../core/markdown/splitMarkdown.js";
import { notApplied, type OperationResult } from "../../core/operationResult.js";
import { githubOwner } from "../../core/owner.js";
import type { RemoteExecutor } from "../../ports/remoteExecutor.js";
import type { VcsClient } from "../../ports/vcsClient.js";
import { type AuditEntry, auditResult } from "../../workflows/commandAudit.js";
import { deploy } from "../../workflows/deploy.js";
import { type ConfigParser, validateSources } from "../../workflows/validateSources.js";
import { GITHUB_COMMENT_LIMIT } from "../shared/githubCommentLimit.js";
import type { CommandAppOptions } from "./commandOptions.js";
import type { GithubOctokit, GithubRepo } from "./githubRepo.js";
import { CONFIG_PATH } from "./onPullRequest.js";

/** The GitHub environment hostroot's deployments are recorded in. */
export const DEPLOY_ENVIRONMENT = "hostroot";

/** A deploy on merge, authorized and ready to run. */
export interface MergeDeploy {
  context: Context<"push">;
  vcs: VcsClient;
  options: CommandAppOptions;
  config: Config;
  /** How the config at `sha` is read: the repository's pool, with the policy the push is judged by. */
  parseConfig: ConfigParser;
  /** Most definition files read. */
  maxFiles: number;
  sha: string;
  /** Who pushed (merged). */
  actor: string;
  audit: (entry: Pick<AuditEntry, "outcome"> & Partial<AuditEntry>) => void;
}

/**
 * The pull request merged as `sha`: among the pull requests GitHub associates with the commit, the
 * one whose merge commit it is, else any merged one. Undefined for a direct push.
 */
export async function mergedPullRequest(
  octokit: GithubOctokit,
  repo: GithubRepo,
  sha: string,
): Promise<number | undefined> {
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    ...repo,
    commit_sha: sha,
  });
  const merged = data.filter((p) => p.merged_at);
  return (merged.find((p) => p.merge_commit_sha === sha) ?? merged[0])?.number;
}

/** "2 steps not applied on web-1, web-2": what a failed deploy's status says, within GitHub's 140 characters. */
function failureLine(result: OperationResult): string {
  const missed = notApplied(result);
  const hosts = [...new Set(missed.map((m) => m.host))];
  const what = `${result.outcome}: ${plural(missed.length, "step")} not applied on ${hosts.join(", ")}`;
  return what.length > 140 ? `${what.slice(0, 139)}…` : what;
}

/**
 * Records a GitHub Deployment of `sha` (environment `hostroot`), sets it in progress, deploys, and
 * sets it to success or failure; the merged pull request gets the result as a comment (split
 * when long), whose address the deployment status links. Definitions with errors deploy nothing.
 * Cancellable with `/cancel`. Never rejects: failures end up in the deployment, the log and the audit.
 */
export async function deployMerge(job: MergeDeploy): Promise<void> {
  const { context, options, sha } = job;
  const { octokit } = context;
  const repo = context.repo();
  const short = sha.slice(0, 7);
  const op = options.operations.start({
    repo: context.payload.repository.full_name,
    what: `deploy-on-merge of ${short}`,
    actor: job.actor,
  });
  let deploymentId: number | undefined;
  let executor: RemoteExecutor | undefined;
  const setStatus = async (
    state: "in_progress" | "success" | "failure" | "error",
    description: string,
    logUrl?: string,
  ) => {
    if (deploymentId === undefined) return;
    await octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: deploymentId,
      state,
      description: description.slice(0, 140),
      ...(logUrl ? { log_url: logUrl } : {}),
    });
  };
  try {
    const { data } = await octokit.rest.repos.createDeployment({
      ...repo,
      ref: sha,
      environment: DEPLOY_ENVIRONMENT,
      auto_merge: false,
      required_contexts: [],
      description: `hostroot deploy of ${short}`,
    });
    if ("id" in data) deploymentId = data.id;
    await setStatus("in_progress", `deploying ${short} to the pool`);
    const sources = await validateSources(job.vcs.sourceAt(sha), {
      configPath: CONFIG_PATH,
      parseConfig: job.parseConfig,
      maxFiles: job.maxFiles,
    });
    const errors = sources.diagnostics.filter((d) => d.severity === "error").length;
    let markdown: string;
    let ok = false;
    let line: string;
    let fields: Partial<AuditEntry>;
    if (errors > 0) {
      line = `${plural(errors, "error")} in the definitions at ${short}; nothing deployed`;
      markdown = `### ❌ deploy refused\n\nThe definitions at ${code(short)} have ${plural(errors, "error")} (see the pull request's check); nothing was deployed.\n`;
      fields = { outcome: "refused", reason: line };
    } else {
      executor = options.executor(job.config);
      const out = await deploy({
        config: job.config,
        definitions: sources.definitions.map((d) => ({ file: d.file, definition: d.value })),
        executor,
        commit: sha,
        holder: `deploy-on-merge of ${short} by @${job.actor} in ${context.payload.repository.full_name}`,
        owner: githubOwner(context.payload.repository),
        signal: op.signal,
        ...(options.now ? { now: options.now } : {}),
      });
      ok = out.result.outcome === "succeeded";
      line = ok ? out.result.summary : failureLine(out.result);
      markdown = renderOperationResult(out.result);
      fields = { outcome: "ran", ...auditResult(out.result) };
    }
    const pr = await mergedPullRequest(octokit, repo, sha);
    let url: string | undefined;
    if (pr !== undefined)
      for (const body of splitMarkdown(markdown, GITHUB_COMMENT_LIMIT)) {
        const { data: c } = await octokit.rest.issues.createComment({ ...repo, issue_number: pr, body });
        url ??= c.html_url;
      }
    await setStatus(ok ? "success" : "failure", line, url);
    job.audit({ ...fields, outcome: fields.outcome ?? "ran", ...(pr === undefined ? {} : { issue: pr }) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    context.log.error({ err: error }, `hostroot: deploy of ${short} failed`);
    await setStatus("error", message).catch(() => {});
    job.audit({ outcome: "error", reason: message });
  } finally {
    op.done();
    await executor?.close().catch(() => {});
  }
}
