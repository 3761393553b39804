// Attack: anyone allowed `/status` posts it again and again. Each comment starts an operation that
// opens SSH sessions to every host, edits a status comment and spends the installation's shared
// rate limit; nothing bounded how many run at once. Now one App process runs at most 2 operations
// per person and 3 per repository (the documented defaults): the rest get a reply saying so, and
// run nothing. The hosts here hold every operation until the flood is over, so "at once" is exact.
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  COMMENT_ID,
  commandProbot,
  commentPayload,
  FakeExecutor,
  REPO,
  STATUS_EMPTY,
} from "../github/commandHarness.js";
import { blobSha, github, resetGithub } from "../github/fakeGithub.js";
import { APP_CONFIG } from "../github/fixtures.js";

const CFG = ".github/hostroot.yml";
const HOSTS = 2; // APP_CONFIG's pool: web-1 and web-2

/** Every comment body and reaction hostroot wrote, in order. */
const posted: string[] = [];
const reactions: string[] = [];

beforeEach(() => {
  resetGithub();
  posted.length = 0;
  reactions.length = 0;
  // Any number of deliveries: token, config read and permission lookups answer every time.
  const scope = github().persist();
  scope
    .post("/app/installations/1/access_tokens")
    .reply(201, { token: "ghs_installation", expires_at: new Date(Date.now() + 3_600_000).toISOString() });
  scope.get(/\/git\/trees\/master\?recursive=1$/).reply(200, {
    sha: "0".repeat(40),
    truncated: false,
    tree: [{ path: CFG, mode: "100644", type: "blob", sha: blobSha(APP_CONFIG), size: APP_CONFIG.length }],
  });
  scope.get(`${REPO}/git/blobs/${blobSha(APP_CONFIG)}`).reply(200, {
    sha: blobSha(APP_CONFIG),
    size: APP_CONFIG.length,
    content: Buffer.from(APP_CONFIG).toString("base64"),
    encoding: "base64",
  });
  scope
    .get(/\/collaborators\/[^/]+\/permission$/)
    .reply(200, (path: string) => ({ permission: "write", role_name: "write", user: { login: path } }));
  scope
    .post(`${REPO}/issues/1/comments`, (body: { body: string }) => {
      posted.push(body.body);
      return true;
    })
    .reply(201, { id: 900 });
  scope.patch(`${REPO}/issues/comments/900`).reply(200, { id: 900 });
  scope
    .post(`${REPO}/issues/comments/${COMMENT_ID}/reactions`, (body: { content: string }) => {
      reactions.push(body.content);
      return true;
    })
    .reply(201, { id: 1 });
});
afterEach(() => nock.cleanAll());

/** A pool whose hosts answer `/status` only once `release()` is called. */
function heldPool() {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const executor = new FakeExecutor(async () => {
    await held;
    return STATUS_EMPTY;
  });
  return { executor, release };
}

const busy = (text: string) => posted.filter((b) => b.includes(text));
const started = () => posted.filter((b) => b.includes("is running"));

describe("an actor flooding the App with operations", () => {
  it("gets 2 running at once; the others are refused with a reply and never reach a host", async () => {
    const { executor, release } = heldPool();
    const { probot, operations, audits } = await commandProbot({ executor: () => executor });
    const send = (login: string) =>
      probot.receive({
        id: "1",
        name: "issue_comment",
        payload: commentPayload("/status", { login }),
      } as never);

    for (let i = 0; i < 5; i++) await send("flooder");
    expect(started()).toHaveLength(2);
    expect(busy("you already have 2 operations running in this App (at most 2 per person")).toHaveLength(3);
    expect(reactions.filter((r) => r === "eyes")).toHaveLength(2);
    expect(reactions.filter((r) => r === "-1")).toHaveLength(3);

    // Their repository still has room for one more person's operation, and then none.
    await send("colleague");
    await send("bystander");
    expect(started()).toHaveLength(3);
    expect(busy("this repository already has 3 operations running (at most 3 per repository")).toHaveLength(
      1,
    );

    release();
    await operations.idle();
    // Only the three admitted operations reached the hosts, one status script per host each.
    expect(executor.execs).toHaveLength(3 * HOSTS);
    expect(audits().filter((a) => a.outcome === "refused")).toHaveLength(4);

    // Once they have finished, the flooder may run again.
    await send("flooder");
    await operations.idle();
    expect(started()).toHaveLength(4);
  });
});
