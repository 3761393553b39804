import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  commandProbot,
  commentPayload,
  expectWrite,
  forbiddenExecutor,
  mockToken,
  mockTree,
  pushPayload,
  REPO,
  serverConfigOf,
} from "../github/commandHarness.js";
import { github, resetGithub } from "../github/fakeGithub.js";
import { definition, serverConfig } from "../github/fixtures.js";

// Attack: the App is installed on every repository of an organisation. Codertocat/Hello-World is
// bound to pool `web`; another team's pool `payments` (pay-1) is bound to acme/payments only.
// Hello-World's own config lists pay-1 (its address and its ssh-keyscan key, both easy to learn),
// or names the `payments` pool, and asks for a status or pushes a deploy.
const SERVER = `${serverConfig()}  payments:
    repositories: [acme/payments]
    sshKey: { env: HOSTROOT_PAYMENTS_KEY }
    platforms:
      debian-12:
        hosts:
          - { name: pay-1, address: 10.9.0.1, hostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPay1 }
`;
const LISTS_THEIR_HOSTS = `apiVersion: hostroot/v1
pool:
  name: web
  platforms:
    debian-12:
      hosts:
        - { name: pay-1, address: 10.9.0.1, hostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPay1 }
`;
const NAMES_THEIR_POOL = "apiVersion: hostroot/v1\npool: { name: payments }\n";
const CFG = ".github/hostroot.yml";
const AFTER = "a".repeat(40);
const BEFORE = "b".repeat(40);

const { executor, made, reset } = forbiddenExecutor();

beforeEach(() => {
  resetGithub();
  reset();
});
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

describe("a repository that lists or names another team's hosts", () => {
  it.each([
    [
      "lists pay-1 in its own pool",
      LISTS_THEIR_HOSTS,
      /line 4: this repository's hosts come from the App's server config/,
    ],
    [
      "names the payments pool",
      NAMES_THEIR_POOL,
      /line 2: pool 'payments' is not bound to Codertocat\/Hello-World/,
    ],
  ])("%s: /status is refused with the reason and no executor is made", async (_what, config, reason) => {
    const { probot, audits } = await commandProbot({ executor, server: serverConfigOf(SERVER) });
    mockToken();
    mockTree("master", { [CFG]: config }, [CFG]);
    const replies = expectWrite("POST", `${REPO}/issues/1/comments`, { id: 5 });
    expectWrite("POST", `${REPO}/issues/comments/492700400/reactions`, { id: 1 });
    await probot.receive({ id: "1", name: "issue_comment", payload: commentPayload("/status") } as never);
    expect(replies[0]?.body).toMatch(/did not run `\/status`/);
    expect(replies[0]?.body).toMatch(reason);
    expect(made()).toBe(0);
    expect(audits()).toMatchObject([{ outcome: "refused" }]);
  });

  it.each([
    ["lists pay-1 in its own pool", LISTS_THEIR_HOSTS],
    ["names the payments pool", NAMES_THEIR_POOL],
  ])("%s: a push deploys nothing and the merged pull request is told why", async (_what, config) => {
    const { probot, operations, audits } = await commandProbot({ executor, server: serverConfigOf(SERVER) });
    mockToken();
    mockTree(AFTER, { [CFG]: config, "containers/web.yml": definition("web") }, [CFG]);
    mockTree(BEFORE, { [CFG]: config }, []);
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
    expect(comments[0]?.body).toMatch(/did not deploy `aaaaaaa`.*is invalid/);
    expect(made()).toBe(0);
    expect(audits()).toMatchObject([{ outcome: "refused" }]);
  });
});
