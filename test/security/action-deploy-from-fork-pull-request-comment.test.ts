import nock from "nock";
import { describe, expect, it } from "vitest";
import {
  closedPorts,
  deployKey,
  examplePayload,
  loopbackPool,
  runnerEnv,
  type Workspace,
} from "../action/actionHarness.js";
import { runInProcess } from "../action/inProcessRun.js";
import { useNockedWorkspace } from "../action/nockedWorkspace.js";
import { ACTION_REPO, API, actionPermission } from "./actionHelpers.js";

// Attack: `/deploy` in a comment on a pull request from a fork. The App refuses it (a fork's
// pull request never deploys); the Action ran it. Now the Action asks GitHub whether the pull
// request's head is a fork and refuses the same way, before any connection.
const CFG = ".github/hostroot.yml";
const COMMENT_ID = 492700400;

let ws: Workspace;
useNockedWorkspace((w) => {
  ws = w;
});

function onPullRequest(body: string): Record<string, unknown> {
  const payload = examplePayload("issue_comment", (p) => p.action === "created");
  (payload.comment as { body: string }).body = body;
  (payload.issue as Record<string, unknown>).pull_request = {
    url: `https://api.github.com${ACTION_REPO}/pulls/1`,
  };
  return payload;
}

describe("/deploy in a comment on a fork's pull request, in the Action", () => {
  it.each([
    [999, true],
    [1, false],
  ])("head repository %i: refused = %s", async (headRepoId, refused) => {
    ws.write(CFG, loopbackPool(ws.read(CFG), await closedPorts(3)));
    actionPermission("admin");
    nock(API)
      .get(`${ACTION_REPO}/pulls/1`)
      .reply(200, { number: 1, head: { repo: { id: headRepoId } }, base: { repo: { id: 1 } } });
    const comments: string[] = [];
    const reactions: string[] = [];
    nock(API)
      .persist()
      .post(`${ACTION_REPO}/issues/1/comments`, (b: { body: string }) => comments.push(b.body) > 0)
      .reply(201, { id: 7001 })
      .patch(`${ACTION_REPO}/issues/comments/7001`, (b: { body: string }) => comments.push(b.body) > 0)
      .reply(200, { id: 7001 })
      .post(
        `${ACTION_REPO}/issues/comments/${COMMENT_ID}/reactions`,
        (b: { content: string }) => reactions.push(b.content) > 0,
      )
      .reply(201, { id: 1 });
    const runner = runnerEnv(ws, "issue_comment", onPullRequest("/deploy"), {
      "github-token": "ghs_test",
      "ssh-key": deployKey(),
    });
    const { outcome } = await runInProcess(runner);
    if (refused) {
      expect(comments).toEqual([
        expect.stringMatching(/did not run `\/deploy`: this pull request comes from a fork/),
      ]);
      expect(reactions).toEqual(["-1"]);
      expect(outcome.audit).toMatchObject({ outcome: "refused" });
      expect(outcome.result).toBeUndefined();
    } else {
      // The same comment on a pull request of the repository itself runs (hosts are unreachable here).
      expect(reactions[0]).toBe("eyes");
      expect(outcome.audit).toMatchObject({ outcome: "ran" });
    }
  });
});
