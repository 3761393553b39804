import type { ApplicationFunctionOptions, Probot } from "probot";
import { gitlabServerEnv } from "../gitlab/gitlabServerEnv.js";
import { registerGitlab } from "../gitlab/registerGitlab.js";
import { registerCommandHandlers } from "./commandHandlers.js";
import { commandAppOptions } from "./commandOptions.js";
import { CHECK_RERUN_EVENTS, onCheckRerequested } from "./onCheckRerequested.js";
import { onPullRequest, PULL_REQUEST_EVENTS } from "./onPullRequest.js";
import { requireWebhookSecret } from "./requireWebhookSecret.js";
import { loadServerConfig, SERVER_CONFIG_VARIABLE } from "./serverConfig.js";

/**
 * The hostroot GitHub App, for `probot run` or `probot.load`. Probot verifies every webhook's
 * signature before a handler runs and authenticates as the installation that sent it.
 * Pull requests are validated and planned without touching a host; slash commands in comments
 * and pushes to the default branch (deploy on merge) reach the pool over SSH, but only the pool
 * the operator's server config (`HOSTROOT_SERVER_CONFIG`) binds to the repository, with that
 * pool's key. Refuses to load (and so the server to start) when webhooks would be verified with
 * Probot's public default secret, or when the server config is invalid, before serving any event.
 * With `HOSTROOT_GITLAB_*` set, the same process serves GitLab notes on `/api/gitlab/webhooks`
 * (same server config, same pools and keys); set without a webhook secret, it refuses to start.
 */
export default async function hostrootApp(app: Probot, options?: ApplicationFunctionOptions): Promise<void> {
  await requireWebhookSecret(app);
  const gitlab = gitlabServerEnv(process.env);
  const server = loadServerConfig();
  if (!server)
    app.log.warn(
      `hostroot: ${SERVER_CONFIG_VARIABLE} is not set: pull requests are validated and planned, no host is ever contacted`,
    );
  app.on([...PULL_REQUEST_EVENTS], (context) => onPullRequest(context, server));
  app.on([...CHECK_RERUN_EVENTS], (context) => onCheckRerequested(context, server));
  registerCommandHandlers(app, server ? { server } : {});
  if (gitlab) {
    if (!options?.addHandler)
      throw new Error("hostroot: GitLab needs Probot's server (probot run) to serve its webhook");
    const { operations: _github, ...shared } = commandAppOptions(server ? { server } : {});
    registerGitlab(gitlab, options.addHandler, { ...shared, log: app.log });
    app.log.info(`hostroot: GitLab notes from ${gitlab.url} are served on /api/gitlab/webhooks`);
  }
}
