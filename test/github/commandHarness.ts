import examples from "@octokit/webhooks-examples";
import type { IssueCommentCreatedEvent, PushEvent } from "@octokit/webhooks-types";
import nock from "nock";
import { pino } from "pino";
import { Probot } from "probot";
import { registerCommandHandlers } from "../../src/adapters/github/commandHandlers.js";
import type { CommandAppOptions } from "../../src/adapters/github/commandOptions.js";
import type { PoolHost } from "../../src/core/configSchema.js";
import { parseServerConfig } from "../../src/core/parseServerConfig.js";
import type { ServerConfig } from "../../src/core/serverConfigSchema.js";
import { containerStepIds } from "../../src/core/upgradeScript.js";
import type { ExecResult, RemoteExecutor } from "../../src/ports/remoteExecutor.js";
import type { AuditEntry } from "../../src/workflows/commandAudit.js";
import { OperationRegistry } from "../../src/workflows/operationRegistry.js";
import { APP_ID, blobSha, github, PRIVATE_KEY, TestOctokit } from "./fakeGithub.js";
import { SERVER_CONFIG } from "./fixtures.js";

export const REPO = "/repos/Codertocat/Hello-World";
/** The example comment's id and address (issue #1 of Codertocat/Hello-World). */
export const COMMENT_ID = 492700400;
export const COMMENT_URL = "https://github.com/Codertocat/Hello-World/issues/1#issuecomment-492700400";

function example<T>(name: string, pick: (e: T) => boolean): T {
  const group = (examples as unknown as Array<{ name: string; examples: unknown[] }>).find(
    (e) => e.name === name,
  );
  const found = group?.examples.find((e) => pick(e as T));
  if (!found) throw new Error(`no ${name} example`);
  return structuredClone(found) as T;
}

/** GitHub's own `issue_comment.created` example (with an installation), saying `body`, by `login`. */
export function commentPayload(
  body: string,
  author: { login?: string; type?: "User" | "Bot" } = {},
): IssueCommentCreatedEvent {
  const p = example<IssueCommentCreatedEvent>(
    "issue_comment",
    (e) => e.action === "created" && !!e.installation,
  );
  p.comment.body = body;
  if (author.login) p.comment.user.login = p.sender.login = author.login;
  if (author.type) p.comment.user.type = p.sender.type = author.type;
  return p;
}

/** GitHub's own push example to `refs/heads/master` (with an installation), pushing `after` over `before`. */
export function pushPayload(
  ref = "refs/heads/master",
  before = "b".repeat(40),
  after = "a".repeat(40),
): PushEvent {
  const p = example<PushEvent>("push", (e) => e.ref === "refs/heads/master" && !!e.installation);
  return { ...p, ref, before, after };
}

/** One script a fake host was given. */
export interface Exec {
  host: string;
  script: string;
}

/** An in-memory pool: answers each script with `answer`, records every one. */
export class FakeExecutor implements RemoteExecutor {
  readonly execs: Exec[] = [];
  closed = 0;
  constructor(
    private readonly answer: (host: PoolHost, script: string) => Promise<ExecResult> | ExecResult,
  ) {}
  async exec(host: PoolHost, script: string): Promise<ExecResult> {
    this.execs.push({ host: host.name, script });
    return this.answer(host, script);
  }
  async close(): Promise<void> {
    this.closed += 1;
  }
}

const ok = (stdout: string, code = 0): ExecResult => ({
  code,
  signal: null,
  stdout,
  stderr: "",
  durationMs: 3,
});

/** A host's answer to the status script: no container, host root bound. */
export const STATUS_EMPTY = ok(
  [
    "::hostroot-status root mounted",
    `::hostroot-status digest ${"0".repeat(64)}`,
    "::hostroot-status done",
    "",
  ].join("\n"),
);

/** A host's answer to an upgrade of `pkg` from 1.0 to 1.1, with `containers` restarted and seeing 1.1. */
export function upgradeAnswer(pkg: string, containers: string[], failStep?: string): ExecResult {
  const step = (id: string) =>
    id === failStep
      ? [`::hostroot-step ${id} begin -`, `::hostroot-step ${id} failed 1`]
      : [`::hostroot-step ${id} begin -`, `::hostroot-step ${id} ok 0`];
  const lines = [
    "::hostroot-lock acquired",
    `::hostroot-pkg before ${pkg} 1.0`,
    ...["resolve", "apt-update", "apt-install", "host-root"].flatMap(step),
  ];
  for (const c of containers)
    lines.push(
      `::hostroot-container ${c}`,
      `::hostroot-state ${c} RUNNING`,
      ...containerStepIds(c, undefined).flatMap(step),
      `::hostroot-inside ${c} sees ${pkg} 1.1`,
      `::hostroot-inside ${c} stale 0`,
      `::hostroot-inside ${c} unknown 0`,
      `::hostroot-inside ${c} end`,
    );
  lines.push(`::hostroot-pkg after ${pkg} 1.1`);
  if (failStep === undefined) lines.push("::hostroot-done");
  return ok(`${lines.join("\n")}\n`, failStep === undefined ? 0 : 1);
}

/** Runs a hostScript-built script "successfully": every step it names reports ok, except `fail`. */
export function simulateSteps(script: string, fail?: RegExp): ExecResult {
  const ids = [...script.matchAll(/'::hostroot-step ([A-Za-z0-9._:-]+) begin -'/g)].map(
    (m) => m[1] as string,
  );
  const lines = ["::hostroot-lock acquired"];
  for (const id of ids) {
    lines.push(`::hostroot-step ${id} begin -`);
    if (fail?.test(id)) return ok(`${[...lines, `::hostroot-step ${id} failed 1`].join("\n")}\n`, 1);
    lines.push(`::hostroot-step ${id} ok 0`);
  }
  return ok(`${[...lines, "::hostroot-done"].join("\n")}\n`);
}

/** The server config `yaml` parsed, or a thrown list of its diagnostics. */
export function serverConfigOf(yaml: string): ServerConfig {
  const parsed = parseServerConfig("server.yml", yaml);
  if (!parsed.config) throw new Error(JSON.stringify(parsed.diagnostics));
  return parsed.config.value;
}

/**
 * A Probot with only the command and push handlers, a fake pool, and the log lines it wrote. The
 * server config binds pool `web` to the example repository unless `server` says otherwise
 * (`server: undefined` runs without one).
 */
export async function commandProbot(
  options: Partial<CommandAppOptions> & { executor: CommandAppOptions["executor"] },
) {
  const server = "server" in options ? options.server : serverConfigOf(SERVER_CONFIG);
  const logs: Array<Record<string, unknown>> = [];
  const log = pino({ level: "info" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const probot = new Probot({ appId: APP_ID, privateKey: PRIVATE_KEY, Octokit: TestOctokit, log });
  const operations = new OperationRegistry();
  await probot.load((app: Probot) =>
    registerCommandHandlers(app, {
      operations,
      throttle: { intervalMs: 60_000 },
      ...options,
      ...(server ? { server } : {}),
    }),
  );
  const audits = () => logs.filter((l) => l.audit === true) as unknown as AuditEntry[];
  return { probot, operations, logs, audits };
}

/** Mocks the installation token. */
export function mockToken(): void {
  github()
    .post("/app/installations/1/access_tokens")
    .reply(201, {
      token: "ghs_installation",
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
}

/** Mocks one tree listing at `ref` holding `files`, and a blob read for each of `read`. */
export function mockTree(ref: string, files: Record<string, string>, read: string[]): void {
  github()
    .get(`${REPO}/git/trees/${ref}?recursive=1`)
    .reply(200, {
      sha: "0".repeat(40),
      truncated: false,
      tree: Object.entries(files).map(([path, content]) => ({
        path,
        mode: "100644",
        type: "blob",
        sha: blobSha(content),
        size: Buffer.byteLength(content),
      })),
    });
  for (const f of new Set(read)) {
    const content = files[f] as string;
    github()
      .get(`${REPO}/git/blobs/${blobSha(content)}`)
      .reply(200, {
        sha: blobSha(content),
        size: content.length,
        content: Buffer.from(content).toString("base64"),
        encoding: "base64",
      });
  }
}

/** Mocks the permission lookup of `login`: GitHub's role name and its base permission. */
export function mockPermission(login: string, role: string): void {
  const base = role === "maintain" ? "write" : role === "triage" ? "read" : role;
  github()
    .get(`${REPO}/collaborators/${login}/permission`)
    .reply(200, { permission: base, role_name: role, user: { login } });
}

/** Registers a write and keeps the bodies it receives; `times` identical replies. */
export function expectWrite(
  method: "POST" | "PATCH",
  path: string,
  reply: object,
  bodies: Array<Record<string, unknown>> = [],
  times = 1,
): Array<Record<string, unknown>> {
  github()
    .intercept(path, method, (body: Record<string, unknown>) => {
      bodies.push(body);
      return true;
    })
    .times(times)
    .reply(method === "POST" ? 201 : 200, reply);
  return bodies;
}

/** Every interceptor was used and nothing else was asked for. */
export function expectAllCallsMade(): void {
  if (nock.pendingMocks().length > 0) throw new Error(`not called: ${nock.pendingMocks().join(", ")}`);
}

/**
 * An executor factory that must never be called: it counts each attempt and throws, so a test can
 * show that no SSH connection was even tried. `made()` is the count since the last `reset()`.
 */
export function forbiddenExecutor(): {
  executor: CommandAppOptions["executor"];
  made: () => number;
  reset: () => void;
} {
  let made = 0;
  return {
    executor: () => {
      made += 1;
      throw new Error("no executor may be made for this repository");
    },
    made: () => made,
    reset: () => {
      made = 0;
    },
  };
}
