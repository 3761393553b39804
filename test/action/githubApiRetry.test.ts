import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { githubApi } from "../../src/adapters/action/githubApi.js";

// The Action's Octokit retries and waits as Probot's does. "One second" is 5 ms here, so the
// waits are real but short.
const API = "https://api.github.com";
const REPO = "/repos/acme/containers";
const pacing = (waits: string[]) => ({ retryAfterBaseValue: 5, onWait: (m: string) => waits.push(m) });

beforeEach(() => {
  nock.cleanAll();
  nock.disableNetConnect();
});
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

describe("the Action's GitHub API client", () => {
  it("retries a 502 and returns the answer that follows", async () => {
    const pr = { head: { repo: { id: 1 } }, base: { repo: { id: 1 } } };
    nock(API).get(`${REPO}/pulls/7`).reply(502, "Bad Gateway").get(`${REPO}/pulls/7`).reply(200, pr);
    expect(await githubApi("t", API, "acme/containers", pacing([])).fromFork(7)).toBe(false);
  });

  it("waits out a secondary rate limit as retry-after says, then writes once", async () => {
    const waits: string[] = [];
    const bodies: string[] = [];
    nock(API)
      .post(`${REPO}/issues/3/comments`)
      .reply(
        403,
        { message: "You have exceeded a secondary rate limit. Please wait a few minutes." },
        { "retry-after": "2" },
      )
      .post(`${REPO}/issues/3/comments`, (b: { body: string }) => bodies.push(b.body) > 0)
      .reply(201, { id: 1 });
    await githubApi("t", API, "acme/containers", pacing(waits)).comment(3, "hello");
    expect(waits).toEqual([
      `GitHub secondary rate limit on POST /repos/{owner}/{repo}/issues/{issue_number}/comments: retrying in 2 s`,
    ]);
    expect(bodies).toEqual(["hello"]);
  });

  it("does not sit out a primary rate limit that resets in an hour: the error is reported", async () => {
    const waits: string[] = [];
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    nock(API)
      .get(`${REPO}/collaborators/alice/permission`)
      .reply(
        403,
        { message: "API rate limit exceeded" },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
      );
    await expect(githubApi("t", API, "acme/containers", pacing(waits)).permission("alice")).rejects.toThrow(
      /rate limit/,
    );
    expect(waits).toEqual([]);
  });
});
