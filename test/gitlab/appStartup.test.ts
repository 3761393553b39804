import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startApp, stopApps } from "../github/appProcess.js";

const cwd = mkdtempSync(join(tmpdir(), "hostroot-gitlab-start-"));
afterEach(() => stopApps());
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

// Nothing reaches an API here: unused local addresses stand in for GitHub and GitLab.
const API = "127.0.0.1:9";
const GITHUB_SECRET = { WEBHOOK_SECRET: "8c1f3b5e0a9d47e2b6c4d1f0e7a2938b" };
const GITLAB = { HOSTROOT_GITLAB_URL: "http://127.0.0.1:9", HOSTROOT_GITLAB_TOKEN: "glpat-test" };

describe("starting npm start with GitLab configured", () => {
  it("refuses to start when GitLab is configured without a webhook secret, naming the variable", async () => {
    const started = await startApp(cwd, API, { ...GITHUB_SECRET, ...GITLAB });
    expect(started).toMatchObject({ kind: "exited" });
    if (started.kind !== "exited") return;
    expect(started.code).not.toBe(0);
    expect(started.output).toContain("HOSTROOT_GITLAB_WEBHOOK_SECRET is unset");
  });

  it("serves /api/gitlab/webhooks beside GitHub's when configured: a wrong token gets 401, the right one 200", async () => {
    const secret = "0f9e8d7c6b5a49382716f5e4d3c2b1a0";
    const started = await startApp(cwd, API, {
      ...GITHUB_SECRET,
      ...GITLAB,
      HOSTROOT_GITLAB_WEBHOOK_SECRET: secret,
    });
    expect(started.kind).toBe("listening");
    if (started.kind !== "listening") return;
    const post = (token: string, event: string) =>
      fetch(`${started.url}/api/gitlab/webhooks`, {
        method: "POST",
        headers: { "content-type": "application/json", "X-Gitlab-Token": token, "X-Gitlab-Event": event },
        body: "{}",
      }).then((r) => r.status);
    expect(await post("wrong", "Note Hook")).toBe(401);
    expect(await post(secret, "Push Hook")).toBe(200);
  });
});
