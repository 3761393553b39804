import { writeFileSync } from "node:fs";
import path from "node:path";
import { formatDiagnosticsGitlab } from "../../core/format/formatDiagnosticsGitlab.js";
import { formatDiagnosticsJunit } from "../../core/format/formatDiagnosticsJunit.js";
import type { CheckReport, VcsClient } from "../../ports/vcsClient.js";
import { validatePullRequest } from "../../workflows/validatePullRequest.js";
import { fsSourceReader } from "../shared/fsSourceReader.js";
import { gitRefSourceReader, hasCommit, remoteBranchRef } from "../shared/gitRefSourceReader.js";
import { gitlabCiEnv } from "./gitlabCiEnv.js";
import { CI_TOKEN_VARIABLE, gitlabCiHost } from "./gitlabCiHost.js";

/** What the merge request job writes, and where its text goes. */
export interface MergeRequestJobOptions {
  root: string;
  config: string;
  codequality: string;
  junit: string;
  env: NodeJS.ProcessEnv;
  log: (text: string) => void;
}

/**
 * The merge request job of the CI/CD component, GitLab's skin over the same pull request workflow
 * as the GitHub App and Action (validatePullRequest): policy and pool from the default branch
 * (`origin/<default>`, fetched by the job), definitions from the checkout. The check becomes a
 * Code Quality report (the merge request widget and diff show each finding at its line) and a
 * JUnit report; the plan becomes one marked note on the merge request, edited on each push.
 * Returns the exit code: 0 clean, 1 validation errors, 2 setup problems.
 */
export async function gitlabMergeRequestJob(options: MergeRequestJobOptions): Promise<number> {
  const ci = gitlabCiEnv(options.env);
  const mr = ci.mergeRequest;
  if (!mr) {
    options.log("hostroot: not a merge request pipeline (CI_MERGE_REQUEST_IID is unset); nothing to do\n");
    return 2;
  }
  const base = remoteBranchRef(ci.defaultBranch);
  if (!hasCommit(options.root, base)) {
    options.log(
      `hostroot: ${base} is not in this clone: fetch the default branch first (git fetch origin ${ci.defaultBranch}), so the merge request is checked against the policy it merges into\n`,
    );
    return 2;
  }
  const host = gitlabCiHost(ci, options.env);
  let check: CheckReport | undefined;
  const vcs: VcsClient = {
    sourceAt: (ref) =>
      ref === ci.defaultBranch ? gitRefSourceReader(options.root, base) : fsSourceReader(options.root),
    async publishCheck(report) {
      check = report;
      const files = [...new Set([options.config, ...report.diagnostics.map((d) => d.file)])].sort();
      writeFileSync(
        path.resolve(options.root, options.codequality),
        `${JSON.stringify(formatDiagnosticsGitlab(report.diagnostics), null, 2)}\n`,
      );
      writeFileSync(
        path.resolve(options.root, options.junit),
        formatDiagnosticsJunit(report.diagnostics, files),
      );
      options.log(`${report.title}\n\n${report.summary}\n`);
    },
    async upsertMarkedComment(iid, marker, markdown) {
      options.log(`${markdown}\n`);
      if (host) await host.upsertMarkedComment(iid, marker, markdown);
      else
        options.log(
          `hostroot: ${CI_TOKEN_VARIABLE} is not set: the plan is in this log only, not on the merge request\n`,
        );
    },
  };
  const out = await validatePullRequest(
    vcs,
    {
      number: mr.iid,
      headSha: mr.headSha,
      defaultBranch: ci.defaultBranch,
      fromFork: mr.sourceProjectId !== mr.projectId,
      repoUrl: `${ci.projectUrl}/-`,
    },
    { configPath: options.config },
  );
  if (out.kind === "not-configured") {
    options.log(`hostroot: no ${options.config} on ${ci.defaultBranch}: nothing to check yet\n`);
    writeFileSync(path.resolve(options.root, options.codequality), "[]\n");
    writeFileSync(path.resolve(options.root, options.junit), formatDiagnosticsJunit([], []));
    return 0;
  }
  return check?.conclusion === "failure" ? 1 : 0;
}
