import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GitlabCommandOptions } from "./gitlabOptions.js";
import { GITLAB_WEBHOOK_PATH } from "./gitlabPaths.js";
import { onGitlabNote } from "./onGitlabNote.js";

export { GITLAB_WEBHOOK_PATH };

/** GitLab's hook payloads are small; anything larger is not one. */
const MAX_BODY = 5 * 1024 * 1024;

/** True when `given` is the secret; both are hashed first, so the comparison is of equal lengths. */
export function tokenMatches(given: string | undefined, secret: string): boolean {
  if (given === undefined || secret === "") return false;
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(secret, "utf8").digest();
  return timingSafeEqual(a, b);
}

/** A Node request handler for Probot's server, and a way to wait for the work it queued. */
export interface GitlabWebhookHandler {
  (req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Resolves once every delivery received so far has been handled (its operation may still run). */
  idle(): Promise<void>;
}

/**
 * Serves `POST /api/gitlab/webhooks` for project and group webhooks: `X-Gitlab-Token` is compared
 * with the configured secret in constant time before the body is read (a wrong or missing token
 * gets 401 and nothing else happens); a Note Hook is answered at once (202) and handled in the
 * background, so GitLab never times out waiting for API calls; every other event is answered 200
 * and ignored (merge requests and pushes are the CI/CD component's). Other paths are left to the
 * next handler.
 */
export function gitlabWebhookHandler(
  secret: string,
  options: GitlabCommandOptions,
  selfId: () => Promise<number>,
): GitlabWebhookHandler {
  const pending = new Set<Promise<void>>();
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== GITLAB_WEBHOOK_PATH) return false;
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST" }).end();
      return true;
    }
    const token = req.headers["x-gitlab-token"];
    if (!tokenMatches(typeof token === "string" ? token : undefined, secret)) {
      req.resume();
      res.writeHead(401, { "content-type": "text/plain" }).end("invalid X-Gitlab-Token\n");
      return true;
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (error) {
      res.writeHead(400, { "content-type": "text/plain" }).end(`${(error as Error).message}\n`);
      return true;
    }
    const event = req.headers["x-gitlab-event"];
    if (event !== "Note Hook") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ignored\n");
      return true;
    }
    const work = onGitlabNote(body, options, selfId).then(
      (outcome) => {
        if (outcome.kind === "ignored" && "why" in outcome)
          options.log.info({ forge: "gitlab" }, `hostroot: note ignored: ${outcome.why}`);
      },
      (error) => options.log.error({ err: error, forge: "gitlab" }, "hostroot: a GitLab note failed"),
    );
    pending.add(work);
    void work.finally(() => pending.delete(work));
    res.writeHead(202, { "content-type": "text/plain" }).end("accepted\n");
    return true;
  };
  return Object.assign(handler, {
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error("payload too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
