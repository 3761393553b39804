import { createHash, generateKeyPairSync } from "node:crypto";
import examples from "@octokit/webhooks-examples";
import type { PullRequestEvent } from "@octokit/webhooks-types";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import hostrootApp from "../../src/adapters/github/app.js";

/** GitHub's REST API, as Octokit calls it. */
export const API = "https://api.github.com";
export const APP_ID = 123;
export const PRIVATE_KEY = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

/**
 * Octokit as Probot builds it, minus retries and throttling, so every call is made exactly once
 * and at once. The function form matters: Probot wraps the class with its own throttle options,
 * which shallowly replace an object default (writes would then be spaced a second apart).
 */
export const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object), enabled: false },
})) as typeof ProbotOctokit;

/**
 * A Probot with the hostroot app loaded, as the server runs it, with its logs kept quiet. The app
 * refuses Probot's default secret, so there is always one.
 */
export async function testProbot(secret = "webhook-secret-for-tests"): Promise<Probot> {
  const probot = new Probot({
    appId: APP_ID,
    privateKey: PRIVATE_KEY,
    Octokit: TestOctokit,
    logLevel: "fatal",
    secret,
  });
  await probot.load(hostrootApp);
  return probot;
}

/**
 * A real `pull_request` payload from @octokit/webhooks-examples (the one carrying an
 * installation), deep-copied, with `action` set. Everything else is GitHub's own example:
 * Codertocat/Hello-World, PR #2, default branch "master".
 */
export function pullRequestPayload(action: "opened" | "synchronize" | "reopened"): PullRequestEvent {
  const group = (examples as unknown as Array<{ name: string; examples: unknown[] }>).find(
    (e) => e.name === "pull_request",
  );
  const example = group?.examples.find(
    (e) => (e as PullRequestEvent).action === action && (e as PullRequestEvent).installation !== undefined,
  );
  if (!example) throw new Error(`no pull_request.${action} example with an installation`);
  return structuredClone(example) as PullRequestEvent;
}

/** What the fake repository holds at the head commit and on the default branch. */
export interface RepoState {
  base: Record<string, string>;
  head: Record<string, string>;
}

/** Git's blob id: sha1 of "blob <length>\0<content>", so identical files share one id as on GitHub. */
export function blobSha(content: string): string {
  const bytes = Buffer.from(content);
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** Every request that reached the fake GitHub, as "METHOD /path?query", in arrival order. */
export const calls: string[] = [];

/** Starts each test with no interceptors, no network and an empty call log. */
export function resetGithub(): void {
  nock.cleanAll();
  nock.disableNetConnect();
  calls.length = 0;
}

/** A nock scope on GitHub's API that logs every request it answers. */
export function github(): nock.Scope {
  return nock(API).on("request", (req: { method: string; path: string }) => {
    calls.push(`${req.method} ${req.path}`);
  });
}

/**
 * Mocks the reads one delivery makes: the installation token, the two trees, each distinct
 * blob that `needed` names once (nock interceptors answer once, so a second fetch of the same
 * blob finds no interceptor and fails the test), and the PR's comments.
 */
export function mockReads(
  payload: PullRequestEvent,
  repo: RepoState,
  needed: { base: string[]; head: string[] },
  comments: unknown[] = [],
): void {
  const { owner, name } = { owner: payload.repository.owner.login, name: payload.repository.name };
  const path = `/repos/${owner}/${name}`;
  const scope = github();
  scope.post(`/app/installations/${payload.installation?.id}/access_tokens`).reply(201, {
    token: "ghs_installation",
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    permissions: { checks: "write", contents: "read", issues: "write", pull_requests: "write" },
    repository_selection: "all",
  });
  scope.get(`${path}/git/trees/${payload.repository.default_branch}?recursive=1`).reply(200, tree(repo.base));
  scope.get(`${path}/git/trees/${payload.pull_request.head.sha}?recursive=1`).reply(200, tree(repo.head));
  const blobs = new Map<string, string>();
  for (const f of needed.base) blobs.set(blobSha(must(repo.base, f)), must(repo.base, f));
  for (const f of needed.head) blobs.set(blobSha(must(repo.head, f)), must(repo.head, f));
  for (const [sha, content] of blobs)
    scope.get(`${path}/git/blobs/${sha}`).reply(200, {
      sha,
      size: Buffer.byteLength(content),
      content: Buffer.from(content).toString("base64"),
      encoding: "base64",
    });
  scope.get(`${path}/issues/${payload.number}/comments?per_page=100`).reply(200, comments);
}

function must(files: Record<string, string>, path: string): string {
  const content = files[path];
  if (content === undefined) throw new Error(`fixture has no ${path}`);
  return content;
}

function tree(files: Record<string, string>) {
  return {
    sha: "0".repeat(40),
    truncated: false,
    tree: Object.entries(files).map(([path, content]) => ({
      path,
      mode: "100644",
      type: "blob",
      sha: blobSha(content),
      size: Buffer.byteLength(content),
    })),
  };
}

/** A comment as GitHub lists it, written by the app (a Bot) unless `user` says otherwise. */
export function comment(id: number, body: string, user = { login: "hostroot[bot]", type: "Bot" }) {
  return { id, body, user };
}
