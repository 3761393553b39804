/** The variables of a GitLab CI/CD job that hostroot's jobs read (set by the runner, never by a repository). */
export interface GitlabCiEnv {
  /** `CI_API_V4_URL` without `/api/v4`: the instance. */
  url: string;
  /** `CI_SERVER_HOST`: part of the owner id of deployed containers. */
  serverHost: string;
  projectId: number;
  /** `CI_PROJECT_PATH`, e.g. `acme/containers`. */
  projectPath: string;
  projectUrl: string;
  defaultBranch: string;
  /** `CI_PIPELINE_SOURCE`: `push`, `merge_request_event`, `web`, … */
  pipelineSource: string;
  commitSha: string;
  /** `CI_COMMIT_BEFORE_SHA`: the branch head before the push (zeros for a new branch or an MR pipeline). */
  beforeSha: string;
  /** `CI_COMMIT_BRANCH`: set in branch pipelines only. */
  branch?: string;
  /** Who started the pipeline (for a merge: who merged). */
  user: { id: number; login: string };
  /** Set in merge request pipelines. */
  mergeRequest?: { iid: number; projectId: number; sourceProjectId: number; headSha: string };
}

/** Thrown for a variable a runner always sets that is missing: the command is not in a GitLab job. */
export class NotInGitlabJob extends Error {}

/** Reads the job's `CI_*` and `GITLAB_USER_*` variables; throws {@link NotInGitlabJob} naming the first missing one. */
export function gitlabCiEnv(env: NodeJS.ProcessEnv): GitlabCiEnv {
  const need = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === "")
      throw new NotInGitlabJob(`${name} is not set: run this in a GitLab CI/CD job`);
    return value;
  };
  const int = (name: string) => {
    const n = Number(need(name));
    if (!Number.isSafeInteger(n) || n <= 0) throw new NotInGitlabJob(`${name} is not a positive integer`);
    return n;
  };
  const api = need("CI_API_V4_URL");
  const iid = env.CI_MERGE_REQUEST_IID;
  return {
    url: api.replace(/\/api\/v4\/?$/, ""),
    serverHost: need("CI_SERVER_HOST"),
    projectId: int("CI_PROJECT_ID"),
    projectPath: need("CI_PROJECT_PATH"),
    projectUrl: need("CI_PROJECT_URL"),
    defaultBranch: need("CI_DEFAULT_BRANCH"),
    pipelineSource: need("CI_PIPELINE_SOURCE"),
    commitSha: need("CI_COMMIT_SHA"),
    beforeSha: env.CI_COMMIT_BEFORE_SHA ?? "",
    ...(env.CI_COMMIT_BRANCH ? { branch: env.CI_COMMIT_BRANCH } : {}),
    user: { id: int("GITLAB_USER_ID"), login: need("GITLAB_USER_LOGIN") },
    ...(iid
      ? {
          mergeRequest: {
            iid: int("CI_MERGE_REQUEST_IID"),
            projectId: int("CI_MERGE_REQUEST_PROJECT_ID"),
            sourceProjectId: int("CI_MERGE_REQUEST_SOURCE_PROJECT_ID"),
            headSha: env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA || need("CI_COMMIT_SHA"),
          },
        }
      : {}),
  };
}
