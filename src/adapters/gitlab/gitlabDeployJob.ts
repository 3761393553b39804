import { hasErrors } from "../../core/diagnostic.js";
import { formatDiagnosticsText } from "../../core/format/formatDiagnosticsText.js";
import { renderPlan } from "../../core/markdown/renderPlan.js";
import { gitlabOwner } from "../../core/owner.js";
import { parseConfig } from "../../core/parseConfig.js";
import type { AuditEntry } from "../../ports/auditEntry.js";
import type { SourceReader } from "../../ports/sourceReader.js";
import { defaultBranchSources } from "../../workflows/defaultBranchSources.js";
import { deployOnMerge } from "../../workflows/deployOnMerge.js";
import { OperationRegistry } from "../../workflows/operationRegistry.js";
import { readConfigSource } from "../../workflows/readConfigSource.js";
import { validateSources } from "../../workflows/validateSources.js";
import { gitRefSourceReader, hasCommit } from "../shared/gitRefSourceReader.js";
import { executorFor } from "../ssh/executorFor.js";
import { gitlabCiEnv } from "./gitlabCiEnv.js";
import { CI_TOKEN_VARIABLE, gitlabCiHost } from "./gitlabCiHost.js";
import { GITLAB_BOT_USERNAME } from "./gitlabNotePayload.js";

/** The CI/CD variable holding the deploy key: of type File (a path) or variable (the key text). */
export const SSH_KEY_VARIABLE = "HOSTROOT_SSH_KEY";

/** What the deploy job reads and where its text goes. */
export interface DeployJobOptions {
  root: string;
  config: string;
  env: NodeJS.ProcessEnv;
  dryRun?: boolean;
  log: (text: string) => void;
}

const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * The deploy job of the CI/CD component, GitLab's skin over the deploy-on-merge workflow the App
 * and the Action run: only in a push pipeline of the default branch (never in a merge request
 * pipeline, a fork's least of all), the person who pushed (merged) authorized by the `deploy`
 * rule of the policy before the push (`CI_COMMIT_BEFORE_SHA`) and of the one it brings, with
 * their access level in the project; then validate, deploy over SSH with the key from the masked,
 * protected variable `HOSTROOT_SSH_KEY`, the report in the job log and on the merged merge request.
 * The job's `environment:` makes GitLab record the deployment. Returns the exit code.
 */
export async function gitlabDeployJob(options: DeployJobOptions): Promise<number> {
  const { env, log, root } = options;
  const ci = gitlabCiEnv(env);
  const refuse = (why: string) => {
    log(`hostroot: not deployed: ${why}\n`);
    return 1;
  };
  if (ci.mergeRequest)
    return refuse(
      ci.mergeRequest.sourceProjectId !== ci.mergeRequest.projectId
        ? "this pipeline belongs to a merge request from a fork, and hostroot never deploys from a fork's merge request"
        : "this is a merge request pipeline; hostroot deploys the default branch once the merge request is merged",
    );
  if (ci.branch !== ci.defaultBranch || ci.pipelineSource === "merge_request_event")
    return refuse(
      `hostroot deploys only pipelines of the default branch (${ci.defaultBranch}), not ${ci.branch ?? "this ref"}`,
    );
  if (!COMMIT.test(ci.commitSha)) return refuse("CI_COMMIT_SHA is not a commit id");
  const host = gitlabCiHost(ci, env);
  if (!host) return refuse(`${CI_TOKEN_VARIABLE} is needed to check who pushed`);
  const keyValue = env[SSH_KEY_VARIABLE] ?? "";
  if (keyValue === "")
    return refuse(`the CI/CD variable ${SSH_KEY_VARIABLE} (the deploy key) is not set for this job`);
  // A File variable holds the path of a file with the key; a plain variable holds the key itself.
  const key = keyValue.includes("PRIVATE KEY-----") ? { env: SSH_KEY_VARIABLE } : { path: keyValue };

  const at = (commit: string): SourceReader =>
    hasCommit(root, commit) ? gitRefSourceReader(root, commit) : host.sourceAt(commit);
  const reader = { sourceAt: at };
  const reports: string[] = [];
  let issue: number | undefined;
  const out = await deployOnMerge(
    {
      ref: `refs/heads/${ci.branch}`,
      defaultBranch: ci.defaultBranch,
      deleted: false,
      after: ci.commitSha,
      before: COMMIT.test(ci.beforeSha) ? ci.beforeSha : "",
      pusher: { login: ci.user.login, isBot: GITLAB_BOT_USERNAME.test(ci.user.login) },
      repo: ci.projectPath,
      owner: gitlabOwner(ci.serverHost, { id: ci.projectId, path_with_namespace: ci.projectPath }),
      url: `${ci.projectUrl}/-/commit/${ci.commitSha}`,
      holder: `GitLab deploy of ${ci.commitSha.slice(0, 12)} by @${ci.user.login} in ${ci.projectPath}`,
    },
    {
      configAt: (commit) => readConfigSource(reader, commit, { configPath: options.config }),
      async policyAt(commit) {
        const bytes = await at(commit).read(options.config);
        if (bytes === undefined) return undefined;
        const parsed = parseConfig(options.config, bytes);
        return parsed.config && !hasErrors(parsed.diagnostics) ? parsed.config.value.policy : undefined;
      },
      access: host,
      async loadSources(commit) {
        const outcome = await validateSources(at(commit), { configPath: options.config });
        // The job log is where a GitLab user looks: every finding, at its file and line.
        if (outcome.diagnostics.length > 0)
          log(formatDiagnosticsText(outcome.diagnostics, outcome.checked.length));
        return defaultBranchSources(commit, outcome);
      },
      executor: (config) => executorFor({ key }, config.policy.rollout, env),
      async report(markdown) {
        reports.push(markdown);
        log(`${markdown}\n`);
        issue ??= await host.mergedPullRequest(ci.commitSha);
        if (issue === undefined) return {};
        const url = await host.comment(issue, markdown);
        return { issue, ...(url ? { url } : {}) };
      },
      audit: (entry: AuditEntry) => log(`hostroot audit: ${JSON.stringify(entry)}\n`),
      operations: new OperationRegistry(),
      ...(options.dryRun ? { dryRun: true } : {}),
      onHostDone: (h) => log(`${h.host}: ${h.outcome}${h.error ? ` — ${h.error}` : ""}\n`),
    },
  );
  switch (out.kind) {
    case "ignored":
      log(`hostroot: no ${options.config} at ${ci.commitSha.slice(0, 12)}: nothing to deploy\n`);
      return 0;
    case "denied":
    case "refused":
      return 1;
  }
  const result = await out.done;
  if (result.kind !== "ran") return refuse(result.kind === "error" ? result.message : result.reason);
  log(`${renderPlan(result.plan, { commit: ci.commitSha, title: "hostroot deploy plan" })}\n`);
  return result.result.outcome === "succeeded" ? 0 : 1;
}
