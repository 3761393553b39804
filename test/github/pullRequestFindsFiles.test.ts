import nock from "nock";
import { afterEach, beforeEach, expect, it } from "vitest";
import { github, mockReads, pullRequestPayload, resetGithub, testProbot } from "./fakeGithub.js";
import { CONFIG, definition } from "./fixtures.js";

const REPO = "/repos/Codertocat/Hello-World";
const CFG = ".github/hostroot.yml";

interface Body {
  body?: string;
  conclusion?: string;
  output?: { title?: string; summary?: string; annotations?: Array<Record<string, unknown>> };
}

function expectPost(path: string, reply: object): Body[] {
  const bodies: Body[] = [];
  github()
    .post(path, (body: Body) => {
      bodies.push(body);
      return true;
    })
    .reply(201, reply);
  return bodies;
}

beforeEach(resetGithub);
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

it("fails the check of a pull request whose definitions directory is gone, instead of '0 files valid'", async () => {
  const payload = pullRequestPayload("opened");
  // The pull request moves the definitions out of the policy's definitionsPath (containers).
  const repo = {
    base: { [CFG]: CONFIG, "containers/billing-api.yml": definition("billing-api") },
    head: { [CFG]: CONFIG, "deploy/billing-api.yml": definition("billing-api") },
  };
  mockReads(payload, repo, { base: [CFG], head: [] });
  const checks = expectPost(`${REPO}/check-runs`, { id: 12 });
  const comments = expectPost(`${REPO}/issues/2/comments`, { id: 1006 });

  await (await testProbot()).receive({ id: "6", name: "pull_request", payload } as never);

  expect(checks[0]).toMatchObject({ conclusion: "failure", output: { title: "1 error, 0 warnings" } });
  expect(checks[0]?.output?.annotations).toContainEqual(
    expect.objectContaining({ path: CFG, annotation_level: "failure", title: "source/missing" }),
  );
  // Not the "N files valid" headline (the App's plan-only note may still say it "validates").
  expect(checks[0]?.output?.summary).not.toMatch(/\bfiles? valid\b/);
  expect(comments[0]?.body).toContain("No plan for");
});
