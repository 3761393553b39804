// Attack: whatever a host prints ends up in hostroot's comments: a failed status script's stderr,
// apt's messages, a lock holder's text. A host (or a container, or an apt repository, writing to
// it) prints `@acme/ops` or `@octocat`, and hostroot's comment pages that team or person, as often
// as anyone runs `/status`. Every text from a host or a definition now keeps its `@` but is no
// mention; the only person a comment mentions is the one who asked.
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ExecResult } from "../../src/ports/remoteExecutor.js";
import { mentions } from "../core/markdown/mentions.js";
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
import { github, resetGithub } from "../github/fakeGithub.js";
import { APP_CONFIG } from "../github/fixtures.js";

const CFG = ".github/hostroot.yml";

/** web-2's status script fails, and its stderr names a team and a person. */
const PAGING: ExecResult = {
  code: 1,
  signal: null,
  stdout: "",
  stderr: "lxc-ls: cannot read /var/lib/lxc: ask @acme/ops or @octocat (cc @acme/security)\n",
  durationMs: 2,
};

beforeEach(() => resetGithub());
afterEach(() => nock.cleanAll());

describe("a host whose output mentions a team and a person", () => {
  it("shows the text in /status's comments without mentioning anyone but the requester", async () => {
    const executor = new FakeExecutor((host) => (host.name === "web-2" ? PAGING : STATUS_EMPTY));
    const { probot, operations } = await commandProbot({ executor: () => executor });
    mockToken();
    mockTree("master", { [CFG]: APP_CONFIG }, [CFG]);
    mockPermission("Codertocat", "admin");
    // The status run reads the default branch again for its definitions.
    mockTree("master", { [CFG]: APP_CONFIG }, []);
    expectWrite("POST", `${REPO}/issues/comments/${COMMENT_ID}/reactions`, { id: 1 }, [], 2);
    const bodies: string[] = [];
    const scope = github().persist();
    scope
      .post(`${REPO}/issues/1/comments`, (b: { body: string }) => {
        bodies.push(b.body);
        return true;
      })
      .reply(201, { id: 31 });
    scope
      .patch(`${REPO}/issues/comments/31`, (b: { body: string }) => {
        bodies.push(b.body);
        return true;
      })
      .reply(200, { id: 31 });

    await probot.receive({ id: "1", name: "issue_comment", payload: commentPayload("/status") } as never);
    await operations.idle();

    for (const body of bodies) expect(mentions(body).filter((m) => m !== "@Codertocat")).toEqual([]);
    // The text is still there, as the host wrote it.
    const report = bodies.at(-1) ?? "";
    expect(report).toContain("web-2");
    expect(report).toContain("@&#8203;acme/ops or @&#8203;octocat (cc @&#8203;acme/security)");
  });
});
