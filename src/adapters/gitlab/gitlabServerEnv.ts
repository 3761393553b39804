/** The environment variables that turn on the GitLab webhook in the `npm start` process. */
export const GITLAB_ENV = {
  url: "HOSTROOT_GITLAB_URL",
  token: "HOSTROOT_GITLAB_TOKEN",
  secret: "HOSTROOT_GITLAB_WEBHOOK_SECRET",
} as const;

/** The GitLab side of the server, when it is configured. */
export interface GitlabServerEnv {
  /** The instance, e.g. `https://gitlab.com`. */
  url: string;
  /** An access token with the `api` scope, of the user hostroot acts as. */
  token: string;
  /** The secret token of the project or group webhooks, sent as `X-Gitlab-Token`. */
  secret: string;
}

/**
 * Reads the GitLab settings: undefined when none of the variables is set (GitLab is off). Any of
 * them set turns it on, and then all three are required: a GitLab webhook without a secret token
 * would run a forged note "by" a maintainer as that maintainer, so the process refuses to start.
 */
export function gitlabServerEnv(env: NodeJS.ProcessEnv): GitlabServerEnv | undefined {
  const url = env[GITLAB_ENV.url] ?? "";
  const token = env[GITLAB_ENV.token] ?? "";
  const secret = env[GITLAB_ENV.secret] ?? "";
  if (url === "" && token === "" && secret === "") return undefined;
  const refuse = (why: string) => new Error(`hostroot refuses to start: GitLab is configured but ${why}`);
  if (secret.length < 16)
    throw refuse(
      `${GITLAB_ENV.secret} is ${secret === "" ? "unset" : "shorter than 16 characters"}, so anyone could deliver a forged note (a note "by" a maintainer runs as that maintainer). Set it to the webhook's secret token, a long random string.`,
    );
  if (url === "") throw refuse(`${GITLAB_ENV.url} is unset (the instance, e.g. https://gitlab.com).`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuse(`${GITLAB_ENV.url} is not a URL.`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    throw refuse(`${GITLAB_ENV.url} must be an http(s) URL.`);
  if (token === "") throw refuse(`${GITLAB_ENV.token} is unset (an access token with the api scope).`);
  return { url: parsed.origin + parsed.pathname.replace(/\/+$/, ""), token, secret };
}
