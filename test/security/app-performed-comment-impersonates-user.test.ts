// Attack: a GitHub App a user has authorized (a chat integration, an automation) can post comments
// with the user's token. GitHub then shows the user as the comment's author, a `User`, and marks
// the comment with `performed_via_github_app`. Whatever that App was made to post would run with
// the user's permission: an admin's `/upgrade-hosts` typed by nobody. Such a comment is refused
// with a reply, before the author's permission is even looked up, and nothing runs.
import examples from "@octokit/webhooks-examples";
import nock from "nock";
import { beforeEach, describe, expect, it } from "vitest";
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
  upgradeAnswer,
} from "../github/commandHarness.js";
import { calls, resetGithub } from "../github/fakeGithub.js";
import { CONFIG } from "../github/fixtures.js";

const CFG = ".github/hostroot.yml";

/** GitHub's own `performed_via_github_app` value (GitHub Actions), from its workflow_job example. */
function performedViaGithubApp(): Record<string, unknown> {
  const group = (examples as unknown as Array<{ name: string; examples: unknown[] }>).find(
    (g) => g.name === "workflow_job",
  );
  const find = (value: unknown): Record<string, unknown> | undefined => {
    if (typeof value !== "object" || value === null) return undefined;
    const app = (value as Record<string, unknown>).performed_via_github_app;
    if (typeof app === "object" && app !== null) return app as Record<string, unknown>;
    for (const child of Object.values(value)) {
      const found = find(child);
      if (found) return found;
    }
    return undefined;
  };
  const app = find(group?.examples);
  if (!app) throw new Error("no workflow_job example carries performed_via_github_app");
  return structuredClone(app);
}

beforeEach(() => resetGithub());

describe("a comment another GitHub App posted on an admin's behalf", () => {
  it("is refused with a reply; the admin's permission is not consulted and no host is touched", async () => {
    const executor = new FakeExecutor(() => upgradeAnswer("libc6", []));
    const { probot, operations, audits } = await commandProbot({ executor: () => executor });
    mockToken();
    mockTree("master", { [CFG]: CONFIG }, [CFG]);
    // The named author really is an admin: were the comment taken as theirs, it would run.
    mockPermission("Codertocat", "admin");
    const replies = expectWrite("POST", `${REPO}/issues/1/comments`, { id: 7 });
    const reactions = expectWrite("POST", `${REPO}/issues/comments/${COMMENT_ID}/reactions`, { id: 1 });
    nock("https://api.github.com").persist().patch(/.*/).reply(200, {});

    const payload = commentPayload("/upgrade-hosts libc6");
    // The only change to GitHub's example: the comment was performed via another App.
    (payload.comment as unknown as Record<string, unknown>).performed_via_github_app =
      performedViaGithubApp();
    expect(payload.comment.user.type).toBe("User");

    await probot.receive({ id: "1", name: "issue_comment", payload } as never);
    await operations.idle();

    expect(executor.execs).toEqual([]);
    expect(calls).not.toContain(`GET ${REPO}/collaborators/Codertocat/permission`);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toContain("did not run this comment");
    expect(replies[0]?.body).toContain("posted by the GitHub App `github-actions`");
    expect(reactions.map((r) => r.content)).toEqual(["-1"]);
    expect(audits()).toMatchObject([
      { actor: "Codertocat", command: "/upgrade-hosts libc6", outcome: "refused" },
    ]);
  });
});
