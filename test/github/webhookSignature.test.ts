import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { createNodeMiddleware, Probot } from "probot";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import hostrootApp from "../../src/adapters/github/app.js";
import {
  APP_ID,
  calls,
  github,
  PRIVATE_KEY,
  pullRequestPayload,
  resetGithub,
  TestOctokit,
} from "./fakeGithub.js";

const SECRET = "webhook-secret-for-tests";
const REPO = "/repos/Codertocat/Hello-World";
let server: Server;
let url: string;

beforeAll(async () => {
  const probot = new Probot({
    appId: APP_ID,
    privateKey: PRIVATE_KEY,
    secret: SECRET,
    Octokit: TestOctokit,
    logLevel: "fatal",
  });
  const middleware = await createNodeMiddleware(hostrootApp, { probot });
  server = createServer((req, res) =>
    middleware(req, res, () => {
      res.writeHead(404).end();
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  resetGithub();
  nock.enableNetConnect("127.0.0.1");
  // What a genuine delivery leads to in a repository without hostroot's config: the token and the
  // default branch's tree. A rejected delivery must leave both untouched.
  github()
    .post("/app/installations/1/access_tokens")
    .reply(201, { token: "ghs_installation", expires_at: new Date(Date.now() + 3_600_000).toISOString() });
  github()
    .get(`${REPO}/git/trees/master?recursive=1`)
    .reply(200, { sha: "0".repeat(40), tree: [], truncated: false });
});

const body = JSON.stringify(pullRequestPayload("opened"));
const sign = (secret: string, text: string) =>
  `sha256=${createHmac("sha256", secret).update(text).digest("hex")}`;

function deliver(headers: Record<string, string>, payload = body): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      ...headers,
    },
    body: payload,
  });
}

describe("webhook deliveries over HTTP", () => {
  it("rejects a delivery signed with another secret and calls no GitHub API", async () => {
    const response = await deliver({ "x-hub-signature-256": sign("guessed-secret", body) });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(calls).toEqual([]);
  });

  it("rejects a payload changed after signing", async () => {
    const tampered = body.replace('"opened"', '"reopened"');
    const response = await deliver({ "x-hub-signature-256": sign(SECRET, body) }, tampered);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(calls).toEqual([]);
  });

  it("rejects a delivery without a signature and calls no GitHub API", async () => {
    const response = await deliver({});
    expect(response.status).toBe(400);
    expect(calls).toEqual([]);
  });

  it("accepts a correctly signed delivery, which does reach GitHub", async () => {
    const response = await deliver({ "x-hub-signature-256": sign(SECRET, body) });
    expect(response.status).toBe(200);
    expect(calls).toEqual([
      "POST /app/installations/1/access_tokens",
      `GET ${REPO}/git/trees/master?recursive=1`,
    ]);
    expect(nock.isDone()).toBe(true);
  });
});
