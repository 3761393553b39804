import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import type { GitlabWebhookHandler } from "../../src/adapters/gitlab/gitlabWebhookHandler.js";
import { registerGitlab } from "../../src/adapters/gitlab/registerGitlab.js";
import type { Config } from "../../src/core/configSchema.js";
import type { ServerConfig } from "../../src/core/serverConfigSchema.js";
import type { AuditEntry } from "../../src/ports/auditEntry.js";
import type { RemoteExecutor } from "../../src/ports/remoteExecutor.js";
import { OperationRegistry } from "../../src/workflows/operationRegistry.js";
import { serverConfigOf } from "../github/commandHarness.js";
import { serverConfig } from "../github/fixtures.js";
import { FakeGitlab, GITLAB, PROJECT } from "./fakeGitlab.js";

/** The webhook secret token of the tests. */
export const SECRET = "f3a9c1e07b2d4c58a6e1b0d9c7f25e34";

/** The operator's server config: pool `web` (web-1, web-2) bound to the example project. */
export const GITLAB_SERVER = serverConfigOf(serverConfig(undefined, `[gitlab:${PROJECT.path}]`));

/** The project's `.gitlab/hostroot.yml`: the server's pool `web`, by name. */
export const PROJECT_CONFIG = `apiVersion: hostroot/v1
pool: { name: web }
policy:
  mounts: { allowedSources: [/srv] }
`;

/**
 * The GitLab webhook as `npm start` serves it (the same handler Probot's server adds), on a real
 * HTTP server on 127.0.0.1, with the API of {@link FakeGitlab} behind nock and `executor` as the
 * pool. `deliver` posts a payload as GitLab does (X-Gitlab-Event, X-Gitlab-Token) and returns
 * the HTTP status; `settle` waits for the queued work and every operation it started.
 */
export async function gitlabServer(options: {
  executor: (config: Config) => RemoteExecutor;
  server?: ServerConfig | undefined;
  throttleMs?: number;
}) {
  nock.cleanAll();
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  const fake = new FakeGitlab();
  const logs: Array<Record<string, unknown>> = [];
  const log = (level: string) => (obj: object, msg: string) => void logs.push({ level, ...obj, msg });
  const operations = new OperationRegistry();
  let handler: GitlabWebhookHandler | undefined;
  const server: Server = createServer(async (req, res) => {
    if (!(await handler?.(req, res))) res.writeHead(404).end();
  });
  handler = registerGitlab({ url: GITLAB, token: "glpat-test", secret: SECRET }, () => {}, {
    operations,
    executor: options.executor,
    ...("server" in options ? (options.server ? { server: options.server } : {}) : { server: GITLAB_SERVER }),
    throttle: { intervalMs: options.throttleMs ?? 60_000 },
    botName: "hostroot",
    limits: { perActor: 2, perRepo: 3 },
    log: { info: log("info"), warn: log("warn"), error: log("error") },
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gitlab/webhooks`;
  const deliver = async (
    payload: unknown,
    headers: Record<string, string> = { "X-Gitlab-Event": "Note Hook", "X-Gitlab-Token": SECRET },
  ) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(payload),
    });
    await res.text();
    return res.status;
  };
  const settle = async () => {
    await handler?.idle();
    await operations.idle();
  };
  const audits = () => logs.filter((l) => l.audit === true) as unknown as AuditEntry[];
  const close = () => new Promise<void>((done) => server.close(() => done()));
  return { fake, deliver, settle, logs, audits, close, operations, url };
}
