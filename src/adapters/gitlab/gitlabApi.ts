import { Gitlab } from "@gitbeaker/rest";
import { GITLAB_CONFIG_PATH } from "./gitlabPaths.js";

/** A GitLab REST client (`@gitbeaker/rest`): fetch underneath, retries on 429 and 502. */
export type GitlabApi = InstanceType<typeof Gitlab>;

export { GITLAB_CONFIG_PATH };

/**
 * GitLab's limit on a note's body: 1,000,000 characters (`Note::MAX_NOTE_LENGTH`). Counting UTF-16
 * code units (`String.length`) never undercounts a character, so a part this long is accepted.
 */
export const GITLAB_NOTE_LIMIT = 1_000_000;

/** A client for the instance at `url` (`https://gitlab.example.com`) with a personal, group or project access token. */
export function gitlabApi(url: string, token: string): GitlabApi {
  return new Gitlab({ host: url.replace(/\/+$/, ""), token });
}

/** The HTTP status of a failed gitbeaker request, or undefined for any other error. */
export function httpStatus(error: unknown): number | undefined {
  const response = (error as { cause?: { response?: { status?: unknown } } })?.cause?.response;
  return typeof response?.status === "number" ? response.status : undefined;
}
