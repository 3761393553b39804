import examples from "@octokit/webhooks-examples";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHECK_NAME } from "../../src/workflows/validatePullRequest.js";
import {
  calls,
  github,
  mockReads,
  pullRequestPayload,
  type RepoState,
  resetGithub,
  testProbot,
} from "./fakeGithub.js";
import { CONFIG, definition } from "./fixtures.js";

// GitHub's "Re-run" button on the check: real check_run / check_suite payloads through Probot's
// own webhook handling; only GitHub's API is mocked.
// biome-ignore lint/suspicious/noExplicitAny: example payloads are JSON, edited the way GitHub would send them
type Payload = Record<string, any>;

/** GitHub's own example of `name`.`action`, deep-copied. */
function example(name: string, action: string): Payload {
  const group = (examples as unknown as Array<{ name: string; examples: Payload[] }>).find(
    (e) => e.name === name,
  );
  const found = group?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`no ${name}.${action} example`);
  return structuredClone(found);
}

const repoState: RepoState = {
  base: { ".github/hostroot.yml": CONFIG },
  head: { ".github/hostroot.yml": CONFIG, "containers/billing-api.yml": definition("billing-api") },
};
const reads = { base: [".github/hostroot.yml"], head: ["containers/billing-api.yml"] };

/** Records the check runs the App creates. */
function checkRuns(path: string): Array<Record<string, unknown>> {
  const bodies: Array<Record<string, unknown>> = [];
  github()
    .post(`${path}/check-runs`, (body: Record<string, unknown>) => {
      bodies.push(body);
      return true;
    })
    .reply(201, { id: 77 });
  return bodies;
}

beforeEach(resetGithub);
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

describe("Re-run on the hostroot check", () => {
  it("check_suite.rerequested validates the suite's pull request again, at its head", async () => {
    const payload = example("check_suite", "rerequested");
    const pr = pullRequestPayload("synchronize");
    pr.installation = { ...pr.installation, id: payload.installation.id } as never;
    const path = "/repos/Codertocat/Hello-World";
    mockReads(pr, repoState, reads);
    github().get(`${path}/pulls/2`).reply(200, pr.pull_request);
    github().post(`${path}/issues/2/comments`).reply(201, { id: 9 });
    const runs = checkRuns(path);

    await (await testProbot()).receive({ id: "r1", name: "check_suite", payload } as never);

    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      name: CHECK_NAME,
      head_sha: pr.pull_request.head.sha,
      conclusion: "success",
    });
  });

  it("check_run.rerequested of a fork's pull request (GitHub lists none) finds it by the head commit", async () => {
    const payload = example("check_run", "rerequested");
    payload.check_run.name = CHECK_NAME;
    expect(payload.check_run.pull_requests).toEqual([]);
    const head = payload.check_run.head_sha as string;
    const pr = pullRequestPayload("synchronize");
    pr.repository = payload.repository as never;
    pr.installation = { ...pr.installation, id: payload.installation.id } as never;
    pr.pull_request.head.sha = head;
    pr.pull_request.base.repo = { ...pr.pull_request.base.repo, id: payload.repository.id };
    pr.pull_request.head.repo = { ...pr.pull_request.base.repo, id: 999, full_name: "someone/hello-world" };
    const path = "/repos/github/hello-world";
    mockReads(pr, repoState, reads);
    github()
      .get(`${path}/pulls?state=open&per_page=100`)
      .reply(200, [
        { number: 1, head: { sha: "b".repeat(40) } },
        { number: 2, head: { sha: head } },
      ]);
    github().get(`${path}/pulls/2`).reply(200, pr.pull_request);
    const comments: string[] = [];
    github()
      .post(`${path}/issues/2/comments`, (b: { body: string }) => comments.push(b.body) > 0)
      .reply(201, { id: 9 });
    const runs = checkRuns(path);

    await (await testProbot()).receive({ id: "r2", name: "check_run", payload } as never);

    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: CHECK_NAME, head_sha: head, conclusion: "success" });
    expect(comments[0]).toContain("fork");
  });

  it("leaves another app's check, and a closed pull request, alone", async () => {
    const other = example("check_run", "rerequested");
    expect(other.check_run.name).not.toBe(CHECK_NAME);
    await (await testProbot()).receive({ id: "r3", name: "check_run", payload: other } as never);
    expect(calls).toEqual([]);

    const payload = example("check_suite", "rerequested");
    const pr = pullRequestPayload("synchronize");
    github()
      .post(`/app/installations/${payload.installation.id}/access_tokens`)
      .reply(201, { token: "ghs_x", expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    github()
      .get("/repos/Codertocat/Hello-World/pulls/2")
      .reply(200, { ...pr.pull_request, state: "closed" });
    await (await testProbot()).receive({ id: "r4", name: "check_suite", payload } as never);
    expect(calls).toEqual([
      `POST /app/installations/${payload.installation.id}/access_tokens`,
      "GET /repos/Codertocat/Hello-World/pulls/2",
    ]);
  });
});
