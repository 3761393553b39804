import type { IncomingMessage, ServerResponse } from "node:http";
import { OperationRegistry } from "../../workflows/operationRegistry.js";
import { gitlabApi } from "./gitlabApi.js";
import type { GitlabCommandOptions } from "./gitlabOptions.js";
import type { GitlabServerEnv } from "./gitlabServerEnv.js";
import { type GitlabWebhookHandler, gitlabWebhookHandler } from "./gitlabWebhookHandler.js";

/** The one registry of GitLab operations in this process. */
export const gitlabOperations = new OperationRegistry();

/**
 * The GitLab webhook of the `npm start` process: an API client for the instance, hostroot's own
 * user id (looked up once, at the first note that may hold a command), and the handler Probot's
 * server adds beside its own.
 */
export function registerGitlab(
  settings: GitlabServerEnv,
  addHandler: (handler: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>) => void,
  options: Omit<GitlabCommandOptions, "api" | "instanceHost" | "operations"> &
    Partial<Pick<GitlabCommandOptions, "api" | "operations">>,
): GitlabWebhookHandler {
  const api = options.api ?? gitlabApi(settings.url, settings.token);
  let self: Promise<number> | undefined;
  const selfId = () => {
    self ??= api.Users.showCurrentUser().then((u) => u.id);
    // A failed lookup is retried at the next note rather than remembered.
    self.catch(() => {
      self = undefined;
    });
    return self;
  };
  const handler = gitlabWebhookHandler(
    settings.secret,
    {
      ...options,
      api,
      instanceHost: new URL(settings.url).hostname,
      operations: options.operations ?? gitlabOperations,
    },
    selfId,
  );
  addHandler(handler);
  return handler;
}
