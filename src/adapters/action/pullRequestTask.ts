import { code } from "../../core/markdown/escapeMarkdown.js";
import type { PullRequestRef } from "../../ports/vcsClient.js";
import { validatePullRequest } from "../../workflows/validatePullRequest.js";
import { fsSourceReader } from "../shared/fsSourceReader.js";
import { actionVcsClient } from "./actionVcsClient.js";
import { gitRefSourceReader, hasCommit, remoteBranchRef } from "./gitRefSourceReader.js";
import { planAgainstHosts } from "./planAgainstHosts.js";
import { repoUrl, type TaskContext, type TaskOutcome } from "./taskContext.js";
import { invalidMessage, validateWorkTree } from "./validateWorkTree.js";

/**
 * A pull request: validate its definitions and show what merging it would change.
 *
 * - Default branch fetched (`origin/<default>` in the clone): exactly the App's workflow — policy,
 *   pool and the deployed set from the default branch, definitions from the checkout.
 * - Not fetched: the checkout's own config is all there is; validate against it, then plan against
 *   the live hosts when an `ssh-key` is given, else stop at validation and say how to get a plan.
 */
export async function pullRequestTask(ctx: TaskContext): Promise<TaskOutcome> {
  const pr = ctx.event.payload.pull_request;
  if (!pr) return { outcome: "failure", message: "the event has no pull_request" };
  const { defaultBranch } = ctx.event;
  const baseRef = remoteBranchRef(defaultBranch);
  if (hasCommit(ctx.root, baseRef)) {
    const vcs = actionVcsClient(ctx.report, {
      defaultBranch,
      base: gitRefSourceReader(ctx.root, baseRef),
      head: fsSourceReader(ctx.root),
    });
    const ref: PullRequestRef = {
      number: pr.number,
      headSha: pr.head.sha,
      defaultBranch,
      fromFork: pr.head.repo?.id !== pr.base.repo.id,
      repoUrl: repoUrl(ctx),
    };
    const out = await validatePullRequest(vcs, ref, { configPath: ctx.inputs.config });
    if (out.kind === "validated") {
      const errorCount = out.diagnostics.filter((d) => d.severity === "error").length;
      return {
        outcome: out.conclusion === "success" ? "success" : "failure",
        errorCount,
        ...(out.plan ? { plan: out.plan } : {}),
        ...(errorCount > 0 ? { message: `${errorCount} validation error(s) in the pull request` } : {}),
      };
    }
    ctx.report.info(`${ctx.inputs.config} is not on ${defaultBranch} yet: using the pull request's own copy`);
  }

  const v = await validateWorkTree(ctx);
  ctx.report.summary(
    `> [!NOTE]\n> The config was read from this pull request's checkout: ${code(defaultBranch)} is not ` +
      "in this clone or has no config yet. Fetch the default branch so that a pull request is checked " +
      "against the policy it merges into.\n",
  );
  if (!v.ok) return { outcome: "failure", errorCount: v.errors, message: invalidMessage(v, "no plan") };
  if (!ctx.inputs.sshKeyVariable) {
    ctx.report.summary(
      `_No plan: ${code(defaultBranch)} is not fetched and no ${code("ssh-key")} was given. Fetch it ` +
        `(${code("fetch-depth: 0")}) to see what merging changes._\n`,
    );
    return { outcome: "success", errorCount: 0 };
  }
  const { markdown, ...planned } = await planAgainstHosts(ctx, v.outcome, pr.head.sha);
  ctx.report.summary(markdown);
  return { ...planned, errorCount: 0 };
}
