// Attack: on a public repository every GitHub user has `read`. With `read` enough for `/status`,
// `/affected` and `/plan` (in an issue), any stranger's comment opens an SSH session to every host
// of the pool and publishes what runs there, as often as they like. The defaults of the commands
// that reach hosts are `triage`: a stranger is told so, and no host is contacted.
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  COMMENT_ID,
  commandProbot,
  commentPayload,
  expectWrite,
  FakeExecutor,
  mockPermission,
  mockToken,
  mockTree,
  REPO,
  STATUS_EMPTY,
} from "../github/commandHarness.js";
import { resetGithub } from "../github/fakeGithub.js";
import { APP_CONFIG } from "../github/fixtures.js";

const CFG = ".github/hostroot.yml";
const STRANGER = "drive-by-stranger";

beforeEach(() => resetGithub());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

describe("a stranger with read on a public repository", () => {
  it.each(["/status", "/affected libc6", "/plan"])(
    "asks for %s with the default policy: refused with a reply, no host contacted",
    async (command) => {
      const executor = new FakeExecutor(() => STATUS_EMPTY);
      const { probot, operations, audits } = await commandProbot({ executor: () => executor });
      mockToken();
      mockTree("master", { [CFG]: APP_CONFIG }, [CFG]);
      // What GitHub answers for anyone on a public repository they are not a collaborator of.
      mockPermission(STRANGER, "read");
      const replies = expectWrite("POST", `${REPO}/issues/1/comments`, { id: 7 });
      const reactions = expectWrite("POST", `${REPO}/issues/comments/${COMMENT_ID}/reactions`, { id: 1 });
      const payload = commentPayload(command, { login: STRANGER });
      payload.repository.private = false;

      await probot.receive({ id: "1", name: "issue_comment", payload } as never);
      await operations.idle();

      expect(executor.execs).toEqual([]);
      expect(replies[0]?.body).toContain("needs triage permission (or higher) on this repository");
      expect(replies[0]?.body).toContain("You have read permission");
      expect(reactions.map((r) => r.content)).toEqual(["-1"]);
      expect(audits()).toMatchObject([{ actor: STRANGER, outcome: "denied", permission: "read" }]);
    },
  );
});
