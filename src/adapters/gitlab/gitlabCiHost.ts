import type { CodeHost } from "../../ports/codeHost.js";
import { gitlabApi } from "./gitlabApi.js";
import type { GitlabCiEnv } from "./gitlabCiEnv.js";
import { gitlabCodeHost } from "./gitlabCodeHost.js";

/** The variable holding the API token of hostroot's CI/CD jobs. */
export const CI_TOKEN_VARIABLE = "HOSTROOT_GITLAB_TOKEN";

/**
 * The code host a CI/CD job talks to: the job's instance and project, with the token from
 * `HOSTROOT_GITLAB_TOKEN` (a project access token with the `api` scope; `CI_JOB_TOKEN` may not
 * write notes). Undefined without the token: the job then writes to its log only.
 */
export function gitlabCiHost(ci: GitlabCiEnv, env: NodeJS.ProcessEnv): CodeHost | undefined {
  const token = env[CI_TOKEN_VARIABLE];
  if (!token) return undefined;
  const api = gitlabApi(ci.url, token);
  let self: Promise<number> | undefined;
  return gitlabCodeHost(api, {
    // A merge request's notes live in its target project (a fork's pipeline may run in the fork).
    projectId: ci.mergeRequest?.projectId ?? ci.projectId,
    threads: "merge_request",
    selfId: () => {
      self ??= api.Users.showCurrentUser().then((u) => u.id);
      return self;
    },
    users: new Map([[ci.user.login, ci.user.id]]),
  });
}
