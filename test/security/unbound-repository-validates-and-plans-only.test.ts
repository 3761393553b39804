import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  commandProbot,
  commentPayload,
  expectWrite,
  forbiddenExecutor,
  mockPermission,
  mockToken,
  mockTree,
  pushPayload,
  REPO,
  serverConfigOf,
} from "../github/commandHarness.js";
import { github, mockReads, pullRequestPayload, resetGithub, testProbot } from "../github/fakeGithub.js";
import { CONFIG, definition, serverConfig } from "../github/fixtures.js";

// Attack: with one SSH key for every installation, any repository could list hosts (here: its
// own config's web-1 and web-2, which may be another team's) and reach them. Without a server
// config, or when the server config binds no pool to the repository, the App must validate and
// plan only: every command or push that would reach a host is answered with why, and no
// executor (no SSH connection) is ever made.
const CFG = ".github/hostroot.yml";
const AFTER = "a".repeat(40);
const BEFORE = "b".repeat(40);
/** A server config whose only pool is bound to another repository. */
const OTHERS_ONLY = serverConfigOf(serverConfig(undefined, "[acme/payments]"));

const { executor, made, reset } = forbiddenExecutor();

beforeEach(() => {
  resetGithub();
  reset();
});
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

describe("a repository with no pool of its own", () => {
  it.each([
    ["without a server config", undefined, /runs without a server config \(HOSTROOT_SERVER_CONFIG\)/],
    ["not bound by the server config", OTHERS_ONLY, /binds no pool of hosts to Codertocat\/Hello-World/],
  ])(
    "%s: /status by an admin is answered 'validates and plans only' and makes no executor",
    async (_w, server, why) => {
      const { probot, audits } = await commandProbot({ executor, server });
      mockToken();
      mockTree("master", { [CFG]: CONFIG }, [CFG]);
      mockPermission("Codertocat", "admin");
      const replies = expectWrite("POST", `${REPO}/issues/1/comments`, { id: 5 });
      expectWrite("POST", `${REPO}/issues/comments/492700400/reactions`, { id: 1 });
      await probot.receive({ id: "1", name: "issue_comment", payload: commentPayload("/status") } as never);
      expect(replies[0]?.body).toMatch(/did not run `\/status`/);
      expect(replies[0]?.body).toMatch(why);
      expect(replies[0]?.body).toMatch(/validates and plans (here )?but never connects to a host/);
      expect(made()).toBe(0);
      expect(audits()).toMatchObject([{ outcome: "refused", command: "/status" }]);
    },
  );

  it.each([["/upgrade-hosts libc6"], ["/restart --all"], ["/deploy"], ["/plan"], ["/affected libc6"]])(
    "%s in an issue is refused the same way",
    async (command) => {
      const { probot } = await commandProbot({ executor, server: undefined });
      mockToken();
      mockTree("master", { [CFG]: CONFIG }, [CFG]);
      mockPermission("Codertocat", "admin");
      const replies = expectWrite("POST", `${REPO}/issues/1/comments`, { id: 5 });
      expectWrite("POST", `${REPO}/issues/comments/492700400/reactions`, { id: 1 });
      await probot.receive({ id: "1", name: "issue_comment", payload: commentPayload(command) } as never);
      expect(replies[0]?.body).toMatch(/never connects to a host/);
      expect(made()).toBe(0);
    },
  );

  it("a push to the default branch deploys nothing and the merged pull request is told why", async () => {
    const { probot, operations, audits } = await commandProbot({ executor, server: OTHERS_ONLY });
    mockToken();
    mockTree(AFTER, { [CFG]: CONFIG, "containers/web.yml": definition("web") }, [CFG]);
    github()
      .get(`${REPO}/commits/${AFTER}/pulls`)
      .reply(200, [{ number: 7, merged_at: "2024-01-01T00:00:00Z", merge_commit_sha: AFTER }]);
    const comments = expectWrite("POST", `${REPO}/issues/7/comments`, { id: 9 });
    await probot.receive({
      id: "2",
      name: "push",
      payload: pushPayload("refs/heads/master", BEFORE, AFTER),
    } as never);
    await operations.idle();
    expect(comments[0]?.body).toMatch(
      /did not deploy `aaaaaaa` \(pushed by @Codertocat\): the App's server config binds no pool of hosts to Codertocat\/Hello-World/,
    );
    expect(made()).toBe(0);
    expect(audits()).toMatchObject([{ outcome: "refused" }]);
  });

  it("a pull request is still validated and planned, and the plan says it is only a plan", async () => {
    const payload = pullRequestPayload("opened");
    const web = definition("web");
    mockReads(
      payload,
      { base: { [CFG]: CONFIG }, head: { [CFG]: CONFIG, "containers/web.yml": web } },
      { base: [CFG], head: ["containers/web.yml"] },
    );
    const checks: Array<Record<string, unknown>> = [];
    github()
      .post(`${REPO}/check-runs`, (b: Record<string, unknown>) => checks.push(b) > 0)
      .reply(201, { id: 1 });
    const comments = expectWrite("POST", `${REPO}/issues/2/comments`, { id: 2 });
    await (await testProbot()).receive({ id: "3", name: "pull_request", payload } as never);
    expect(checks[0]).toMatchObject({ conclusion: "success" });
    expect(comments[0]?.body).toContain("1 to create");
    expect(comments[0]?.body).toMatch(
      /> \[!NOTE\]\n> Validation and plan only: this hostroot App runs without a server config/,
    );
  });
});
