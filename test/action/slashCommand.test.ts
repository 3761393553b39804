import nock from "nock";
import { describe, expect, it } from "vitest";
import {
  annotations,
  closedPorts,
  deployKey,
  examplePayload,
  loopbackPool,
  runnerEnv,
  type Workspace,
} from "./actionHarness.js";
import { runInProcess } from "./inProcessRun.js";
import { useNockedWorkspace } from "./nockedWorkspace.js";

// The comment path calls GitHub's API (the commenter's permission, replies, reactions), so it runs
// in this process through the exported run(env), with nock standing in for api.github.com.
const API = "https://api.github.com";
const REPO = "/repos/Codertocat/Hello-World";
const COMMENT_ID = 492700400;

function commentPayload(body: string, action = "created"): Record<string, unknown> {
  const payload = examplePayload("issue_comment", (p) => p.action === action);
  (payload.comment as { body: string }).body = body;
  return payload;
}

/** Answers the permission lookup for Codertocat with a repository role. */
function permission(role: string) {
  const legacy = role === "maintain" ? "write" : role === "triage" ? "read" : role;
  return nock(API)
    .get(`${REPO}/collaborators/Codertocat/permission`)
    .reply(200, { permission: legacy, role_name: role, user: { login: "Codertocat" } });
}

/** Records the bodies of comments and reactions the Action posts. */
function writes() {
  const comments: string[] = [];
  const reactions: string[] = [];
  nock(API)
    .persist()
    .post(`${REPO}/issues/1/comments`, (b: { body: string }) => comments.push(b.body) > 0)
    .reply(201, {
      id: 7001,
      html_url: "https://github.com/Codertocat/Hello-World/issues/1#issuecomment-7001",
    })
    .patch(`${REPO}/issues/comments/7001`, (b: { body: string }) => comments.push(b.body) > 0)
    .reply(200, { id: 7001 })
    .post(
      `${REPO}/issues/comments/${COMMENT_ID}/reactions`,
      (b: { content: string }) => reactions.push(b.content) > 0,
    )
    .reply(201, { id: 1 });
  return { comments, reactions };
}

let ws: Workspace;
useNockedWorkspace((w) => {
  ws = w;
});

describe("a slash command in a comment", () => {
  it("is denied by the permission GitHub reports, not by the event's author_association", async () => {
    // The example comment is by the repository OWNER (author_association), yet the API says write.
    const lookups = [
      permission("write"),
      // The policy lets team ops run it too; the token cannot see that team: not a member.
      nock(API).get("/orgs/Codertocat/teams/ops/memberships/Codertocat").reply(404, { message: "Not Found" }),
    ];
    const posted = writes();
    const runner = runnerEnv(ws, "issue_comment", commentPayload("/upgrade-hosts libc6"), {
      "github-token": "ghs_test",
    });
    const { outcome } = await runInProcess(runner);

    expect(outcome.outcome).toBe("denied");
    expect(outcome.message).toBeUndefined();
    expect(posted.comments).toHaveLength(1);
    expect(posted.comments[0]).toContain("did not run `/upgrade-hosts libc6`");
    expect(posted.comments[0]).toContain("You have write permission");
    expect(posted.reactions).toEqual(["-1"]);
    for (const scope of lookups) expect(scope.isDone()).toBe(true);
    const audit = JSON.parse(runner.outputs().result ?? "") as Record<string, unknown>;
    expect(audit).toMatchObject({ actor: "Codertocat", permission: "write", outcome: "denied" });
    expect(runner.outputs().outcome).toBe("denied");
  });

  it("refuses a comment another GitHub App posted on the author's behalf, without a permission lookup", async () => {
    const lookup = permission("admin");
    const posted = writes();
    const payload = commentPayload("/upgrade-hosts libc6");
    (payload.comment as Record<string, unknown>).performed_via_github_app = {
      id: 15368,
      slug: "github-actions",
      name: "GitHub Actions",
    };
    const runner = runnerEnv(ws, "issue_comment", payload, { "github-token": "ghs_test" });
    const { outcome } = await runInProcess(runner);

    expect(lookup.isDone()).toBe(false);
    expect(posted.comments).toHaveLength(1);
    expect(posted.comments[0]).toContain("posted by the GitHub App `github-actions`");
    expect(posted.reactions).toEqual(["-1"]);
    expect(outcome.outcome).toBe("failure");
    expect(JSON.parse(runner.outputs().result ?? "")).toMatchObject({ outcome: "refused" });
  });

  it("runs when allowed: reacts, posts the result, and fails the step when hosts fail", async () => {
    ws.write(".github/hostroot.yml", loopbackPool(ws.read(".github/hostroot.yml"), await closedPorts(3)));
    permission("triage");
    const posted = writes();
    const runner = runnerEnv(ws, "issue_comment", commentPayload("Checking:\n\n/status\n"), {
      "github-token": "ghs_test",
      "ssh-key": deployKey(),
    });
    const { outcome } = await runInProcess(runner);

    expect(posted.reactions).toEqual(["eyes", "-1"]);
    const final = posted.comments.at(-1) ?? "";
    expect(final).toContain("status failed");
    for (const host of ["web-1", "web-2", "web-3"]) expect(final).toContain(host);
    expect(outcome.outcome).toBe("failure");
    expect(outcome.message).toMatch(/status of the pool/);
    expect(runner.summary()).toContain("status failed");
    expect(JSON.parse(runner.outputs().result ?? "")).toMatchObject({
      command: "/status",
      outcome: "ran",
      result: "failed",
    });
  });

  it("refuses before acknowledging when the workflow passes no ssh-key: no 👀 for a run that cannot happen", async () => {
    permission("triage");
    const posted = writes();
    const runner = runnerEnv(ws, "issue_comment", commentPayload("/status"), { "github-token": "ghs_test" });
    const { outcome } = await runInProcess(runner);

    expect(posted.reactions).toEqual(["-1"]);
    expect(posted.comments).toHaveLength(1);
    expect(posted.comments[0]).toContain("needs the ssh-key input");
    expect(outcome.outcome).toBe("failure");
  });

  it("answers a near-miss with usage and runs nothing", async () => {
    const posted = writes();
    const runner = runnerEnv(ws, "issue_comment", commentPayload("/upgrade-host libc6"), {
      "github-token": "ghs_test",
    });
    const { outcome } = await runInProcess(runner);

    expect(outcome.outcome).toBe("replied");
    expect(posted.comments).toHaveLength(1);
    expect(posted.comments[0]).toContain("Did you mean `/upgrade-hosts`?");
  });

  it("never runs an edited comment, and makes no call at all", async () => {
    const runner = runnerEnv(ws, "issue_comment", commentPayload("/status", "edited"), {
      "github-token": "ghs_test",
    });
    const { outcome } = await runInProcess(runner);
    expect(outcome.outcome).toBe("ignored");
    expect(runner.outputs().outcome).toBe("ignored");
  });
});

describe("a deploy on push", () => {
  const push = () => examplePayload("push", (p) => p.ref === "refs/heads/master");

  it("is denied when the pusher lacks the policy's deploy permission, before any connection", async () => {
    permission("write");
    const runner = runnerEnv(ws, "push", push(), { "github-token": "ghs_test", "ssh-key": deployKey() });
    const { outcome, stdout } = await runInProcess(runner);

    expect(outcome.outcome).toBe("denied");
    expect(outcome.message).toMatch(
      /not deployed: @Codertocat: Deploying on merge needs maintain permission/,
    );
    expect(runner.outputs()).toMatchObject({ outcome: "denied", result: "" });
    expect(annotations(stdout).filter((a) => a.level === "error")).toEqual([]);
  });

  it("deploys for a maintainer through the deploy workflow: plan and result in outputs and summary", async () => {
    ws.write(".github/hostroot.yml", loopbackPool(ws.read(".github/hostroot.yml"), await closedPorts(3)));
    permission("maintain");
    const runner = runnerEnv(ws, "push", push(), { "github-token": "ghs_test", "ssh-key": deployKey() });
    const { outcome } = await runInProcess(runner);

    expect(outcome.outcome).toBe("failure");
    const result = JSON.parse(runner.outputs().result ?? "") as {
      operation: string;
      commit: string;
      hosts: Array<{ outcome: string }>;
    };
    expect(result.operation).toBe("deploy");
    expect(result.commit).toBe(runner.env.GITHUB_SHA);
    expect(result.hosts.map((h) => h.outcome)).toEqual(["unreachable", "unreachable", "unreachable"]);
    const plan = JSON.parse(runner.outputs().plan ?? "") as { warnings: string[] };
    expect(plan.warnings.join("\n")).toMatch(/web-1/);
    expect(runner.summary()).toContain("hostroot deploy plan");
    expect(runner.summary()).toContain("deploy failed");
  });
});
