import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  commandProbot,
  expectWrite,
  FakeExecutor,
  mockPermission,
  mockToken,
  mockTree,
  pushPayload,
  REPO,
  STATUS_EMPTY,
  simulateSteps,
} from "./commandHarness.js";
import { blobSha, calls, github, resetGithub } from "./fakeGithub.js";
import { APP_CONFIG as CONFIG, definition } from "./fixtures.js";

const CFG = ".github/hostroot.yml";
const WEB = definition("web");
const FILES = { [CFG]: CONFIG, "containers/web.yml": WEB };
const BEFORE = "b".repeat(40);
const AFTER = "a".repeat(40);
const unexpected: string[] = [];
nock.emitter.on("no match", (req: { method?: string; path?: string }) =>
  unexpected.push(`${req.method} ${req.path}`),
);

beforeEach(() => {
  resetGithub();
  unexpected.length = 0;
});
afterEach(() => {
  expect(unexpected).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
  expect(nock.isDone()).toBe(true);
});

const receive = (probot: { receive: (e: never) => Promise<void> }, payload: object) =>
  probot.receive({ id: "2", name: "push", payload } as never);

/** A pool whose hosts run nothing yet: deploy scripts succeed, or fail at steps matching `fail`. */
const pool = (fail?: RegExp) =>
  new FakeExecutor((_host, script) =>
    script.includes("::hostroot-status") ? STATUS_EMPTY : simulateSteps(script, fail),
  );

/** What a push to the default branch reads and writes before the hosts are reached. */
function mockMerge(role: string) {
  mockToken();
  mockTree(AFTER, FILES, [CFG]);
  mockTree(BEFORE, { [CFG]: CONFIG }, []); // same config blob: served from the delivery's cache
  mockPermission("Codertocat", role);
}

/** The merged pull request GitHub associates with the commit. */
function mockMergedPull(number = 7) {
  github()
    .get(`${REPO}/commits/${AFTER}/pulls`)
    .reply(200, [{ number, merged_at: "2024-01-01T00:00:00Z", merge_commit_sha: AFTER }]);
}

describe("a push to the default branch", () => {
  it("deploys: a Deployment in progress, then success, and the result on the merged pull request", async () => {
    const executor = pool();
    const { probot, operations, audits } = await commandProbot({ executor: () => executor });
    mockMerge("maintain");
    const deployments = expectWrite("POST", `${REPO}/deployments`, { id: 42 });
    const statuses = expectWrite("POST", `${REPO}/deployments/42/statuses`, { id: 1 }, [], 2);
    github()
      .get(`${REPO}/git/blobs/${blobSha(WEB)}`)
      .reply(200, { content: Buffer.from(WEB).toString("base64"), encoding: "base64" });
    mockMergedPull();
    const comments = expectWrite("POST", `${REPO}/issues/7/comments`, {
      id: 9,
      html_url: "https://github.com/Codertocat/Hello-World/pull/7#issuecomment-9",
    });

    await receive(probot, pushPayload("refs/heads/master", BEFORE, AFTER));
    await operations.idle();

    expect(calls).toEqual([
      "POST /app/installations/1/access_tokens",
      `GET ${REPO}/git/trees/${AFTER}?recursive=1`,
      `GET ${REPO}/git/blobs/${blobSha(CONFIG)}`,
      `GET ${REPO}/git/trees/${BEFORE}?recursive=1`,
      `GET ${REPO}/collaborators/Codertocat/permission`,
      `POST ${REPO}/deployments`,
      `POST ${REPO}/deployments/42/statuses`,
      `GET ${REPO}/git/blobs/${blobSha(WEB)}`,
      `GET ${REPO}/commits/${AFTER}/pulls`,
      `POST ${REPO}/issues/7/comments`,
      `POST ${REPO}/deployments/42/statuses`,
    ]);
    expect(deployments[0]).toMatchObject({
      ref: AFTER,
      environment: "hostroot",
      auto_merge: false,
      required_contexts: [],
    });
    expect(statuses.map((s) => s.state)).toEqual(["in_progress", "success"]);
    expect(statuses[1]).toMatchObject({
      log_url: "https://github.com/Codertocat/Hello-World/pull/7#issuecomment-9",
    });
    // Both hosts read once; the one `web` is placed on gets one locked script that creates it.
    const statusReads = executor.execs.filter((e) => e.script.includes("::hostroot-status"));
    const writes = executor.execs.filter((e) => !e.script.includes("::hostroot-status"));
    expect(statusReads.map((e) => e.host).sort()).toEqual(["web-1", "web-2"]);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.script).toContain("'::hostroot-step web.");
    const body = comments[0]?.body as string;
    expect(body).toContain("### ✅ deploy succeeded");
    expect(body).toContain(`commit \`${AFTER.slice(0, 7)}\``);
    expect(audits()).toEqual([
      expect.objectContaining({
        trigger: "deploy-on-merge",
        actor: "Codertocat",
        permission: "maintain",
        outcome: "ran",
        result: "succeeded",
        commit: AFTER,
        issue: 7,
      }),
    ]);
  });

  it("a failed deploy marks the Deployment failed and names every step that did not apply, per host", async () => {
    const executor = pool(/^web\.start$/);
    const { probot, operations, audits } = await commandProbot({ executor: () => executor });
    mockMerge("admin");
    expectWrite("POST", `${REPO}/deployments`, { id: 43 });
    const statuses = expectWrite("POST", `${REPO}/deployments/43/statuses`, { id: 1 }, [], 2);
    github()
      .get(`${REPO}/git/blobs/${blobSha(WEB)}`)
      .reply(200, { content: Buffer.from(WEB).toString("base64"), encoding: "base64" });
    mockMergedPull();
    const comments = expectWrite("POST", `${REPO}/issues/7/comments`, { id: 10 });

    await receive(probot, pushPayload("refs/heads/master", BEFORE, AFTER));
    await operations.idle();

    const host = executor.execs.find((e) => !e.script.includes("::hostroot-status"))?.host as string;
    expect(statuses.map((s) => s.state)).toEqual(["in_progress", "failure"]);
    expect(statuses[1]?.description).toMatch(new RegExp(`^failed: \\d+ steps? not applied on ${host}$`));
    const body = comments[0]?.body as string;
    expect(body).toContain("### ❌ deploy failed");
    const notApplied = body.slice(body.indexOf("#### Not applied"));
    expect(notApplied).toContain(`- \`${host}\`: \`web.start\``);
    expect(notApplied).toMatch(/\(failed\)/);
    expect(audits()).toMatchObject([{ outcome: "ran", result: "failed" }]);
  });

  it("a pusher without the deploy permission deploys nothing and the pull request is told why", async () => {
    const executor = pool();
    const { probot, operations, audits } = await commandProbot({ executor: () => executor });
    mockMerge("write");
    mockMergedPull();
    const comments = expectWrite("POST", `${REPO}/issues/7/comments`, { id: 11 });
    await receive(probot, pushPayload("refs/heads/master", BEFORE, AFTER));
    await operations.idle();
    expect(calls.at(-2)).toBe(`GET ${REPO}/commits/${AFTER}/pulls`);
    expect(comments[0]?.body).toMatch(
      /did not deploy `aaaaaaa` \(pushed by @Codertocat\): Deploying on merge needs maintain permission/,
    );
    expect(executor.execs).toEqual([]);
    expect(audits()).toMatchObject([{ outcome: "denied", permission: "write" }]);
  });
});

describe("pushes that deploy nothing", () => {
  it("a push to another branch, a tag or a branch deletion makes no call", async () => {
    const executor = pool();
    const { probot, operations } = await commandProbot({ executor: () => executor });
    await receive(probot, pushPayload("refs/heads/feature", BEFORE, AFTER));
    await receive(probot, pushPayload("refs/tags/v1", BEFORE, AFTER));
    await receive(probot, { ...pushPayload("refs/heads/master", BEFORE, "0".repeat(40)), deleted: true });
    await operations.idle();
    expect(calls).toEqual([]);
    expect(executor.execs).toEqual([]);
  });
});
